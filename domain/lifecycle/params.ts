/**
 * What starts a tenant lifecycle workflow. Workflow params are a boundary (stored, replayed,
 * possibly from an older deployment), so the workflow parses them with these schemas.
 * Instance ids are deterministic per tenant: starting the same lifecycle twice finds the first.
 */
import { z } from "zod";
import { TenantId } from "../ids";
import { Plan } from "../plans";
import { DisplayName, Email } from "../schemas/common";
import { Region } from "../schemas/identity";
import { DEFAULT_DOWNLOAD_WINDOW_HOURS, MAX_DOWNLOAD_WINDOW_HOURS } from "./policy";

export const OnboardParams = z.object({
  kind: z.literal("onboard"),
  tenant: z.object({ id: TenantId, name: DisplayName, plan: Plan, region: Region }),
  /** An existing user becomes the owner, or an OWNER invitation is created (its token hash only: the secret never enters workflow state). */
  owner: z.discriminatedUnion("type", [
    z.object({ type: z.literal("user"), userId: z.string().min(1).max(64) }),
    z.object({ type: z.literal("invitation"), invitationId: z.string().min(1).max(64), email: Email, tokenHash: z.string().min(1).max(200) }),
  ]),
  /** Normalized custom hostname to register during onboarding, if one was given. */
  customDomain: z.string().min(1).max(253).optional(),
  requestedBy: z.enum(["signup", "operator"]),
});
export type OnboardParams = z.infer<typeof OnboardParams>;

export const OffboardParams = z.object({
  kind: z.literal("offboard"),
  tenantId: TenantId,
  /** Hours the owner has to download the export before it is deleted with everything else. */
  downloadWindowHours: z.number().int().min(0).max(MAX_DOWNLOAD_WINDOW_HOURS).default(DEFAULT_DOWNLOAD_WINDOW_HOURS),
  requestedBy: z.object({ type: z.enum(["operator", "user", "api_key"]), id: z.string().min(1).max(64) }),
});
export type OffboardParams = z.infer<typeof OffboardParams>;

export const LifecycleParams = z.discriminatedUnion("kind", [OnboardParams, OffboardParams]);
export type LifecycleParams = z.input<typeof LifecycleParams>;

export const onboardingInstanceId = (tenantId: string) => `onboard-${tenantId}`;
export const offboardingInstanceId = (tenantId: string) => `offboard-${tenantId}`;
