import type { PlanLimits } from "../plans";

/** Every limit that can trip, named after its field in the plan (domain/plans.ts). */
export type LimitName = keyof PlanLimits;

/** Usage counter for limit hits: `limit_hits.{limit}`. */
export const limitHitCounter = (limit: LimitName) => `limit_hits.${limit}`;
