/**
 * Starting lifecycle workflows and waiting for them. Instance ids are deterministic per tenant,
 * so a repeated request finds the instance the first one started instead of starting another.
 */
import { offboardingInstanceId, onboardingInstanceId, type LifecycleParams } from "../../domain/lifecycle/params";

const TERMINAL = new Set<InstanceStatus["status"]>(["complete", "errored", "terminated"]);

function isDuplicate(err: unknown): boolean {
  return /already[_ ]exists/i.test(String((err as Error)?.message ?? err));
}

/** Creates the instance, or returns the existing one with the same id. */
async function startOnce(env: Env, id: string, params: LifecycleParams): Promise<WorkflowInstance> {
  try {
    return await env.TENANT_LIFECYCLE.create({ id, params });
  } catch (err) {
    if (isDuplicate(err)) return env.TENANT_LIFECYCLE.get(id);
    throw err;
  }
}

export const startOnboarding = (env: Env, params: Extract<LifecycleParams, { kind: "onboard" }>) => startOnce(env, onboardingInstanceId(params.tenant.id), params);
export const startOffboarding = (env: Env, params: Extract<LifecycleParams, { kind: "offboard" }>) => startOnce(env, offboardingInstanceId(params.tenantId), params);

/**
 * Polls the instance until it ends or `timeoutMs` passes, and returns the last status seen.
 * Short at first (onboarding usually takes tens of milliseconds), then backing off.
 */
export async function waitForInstance(instance: WorkflowInstance, timeoutMs: number): Promise<InstanceStatus> {
  const deadline = Date.now() + timeoutMs;
  let delay = 10;
  for (;;) {
    const status = await instance.status();
    if (TERMINAL.has(status.status) || Date.now() >= deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, Math.min(delay, Math.max(0, deadline - Date.now()))));
    delay = Math.min(delay * 2, 500);
  }
}

/** The status of a tenant's lifecycle instance, or null when it was never started. */
export async function lifecycleStatus(env: Env, id: string): Promise<InstanceStatus | null> {
  try {
    return await (await env.TENANT_LIFECYCLE.get(id)).status();
  } catch {
    return null;
  }
}

export const lifecycleIds = (tenantId: string) => ({ onboarding: onboardingInstanceId(tenantId), offboarding: offboardingInstanceId(tenantId) });
