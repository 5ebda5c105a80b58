import type { WorkflowStepConfig } from "cloudflare:workers";

/**
 * Every lifecycle step retries with exponential backoff (1 s, 2 s, 4 s, 8 s, 16 s) before the
 * instance fails; steps are idempotent, so a retry (or a restart of the whole instance) finds
 * what an earlier attempt already did and does not do it twice.
 */
export const LIFECYCLE_STEP: WorkflowStepConfig = { retries: { limit: 5, delay: 1000, backoff: "exponential" }, timeout: "2 minutes" };
