/**
 * The tenant lifecycle Workflow (`TENANT_LIFECYCLE`): onboarding and offboarding, each a
 * sequence of idempotent, retried steps (onboarding.ts, offboarding.ts). Suspension and resume
 * are single status changes and happen directly (control-plane/suspension.ts).
 */
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import { NonRetryableError } from "cloudflare:workflows";
import { LifecycleParams } from "../../domain/lifecycle/params";
import { offboard } from "./offboarding";
import { onboard } from "./onboarding";

export class TenantLifecycle extends WorkflowEntrypoint<Env, LifecycleParams> {
  override async run(event: WorkflowEvent<LifecycleParams>, step: WorkflowStep) {
    const parsed = LifecycleParams.safeParse(event.payload);
    if (!parsed.success) throw new NonRetryableError(`invalid lifecycle params: ${parsed.error.message}`);
    const params = parsed.data;
    const startedAt = event.timestamp.getTime();
    if (params.kind === "onboard") return onboard(this.env, params, step, event.instanceId, startedAt);
    return offboard(this.env, params, step, event.instanceId, startedAt);
  }
}
