/** Control-plane test helpers: tenant state straight from the stores, and lifecycle waits. */
import { env } from "cloudflare:workers";
import { openRegistry } from "../../../domain/data/db";
import { countTenantRows } from "../../../domain/data/tenant-tables";
import { api, expectOk, OPERATOR_TOKEN } from "../helpers";

/** Rows per registry table the tenant owns (every table with a tenant_id). */
export const registryCounts = (tenantId: string) => countTenantRows(openRegistry(env.REGISTRY), tenantId);

export async function auditActions(tenantId: string, action: string): Promise<number> {
  const row = await env.REGISTRY.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE tenant_id = ? AND action = ?").bind(tenantId, action).first<{ n: number }>();
  return row?.n ?? 0;
}

export async function tenantRow(tenantId: string) {
  return expectOk(api("GET", `/api/v1/admin/tenants/${tenantId}`, { token: OPERATOR_TOKEN }));
}

/** Polls the operator's lifecycle view until the named run ends (or fails the test after `timeoutMs`). */
export async function waitForRun(tenantId: string, run: "onboarding" | "offboarding", timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const view = await expectOk(api("GET", `/api/v1/admin/tenants/${tenantId}/lifecycle`, { token: OPERATOR_TOKEN }));
    const state = view[run];
    if (state && ["complete", "errored", "terminated"].includes(state.status)) return state;
    if (Date.now() > deadline) throw new Error(`${run} of ${tenantId} did not finish: ${JSON.stringify(state)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Polls a workflow instance until it reports `status` (a restart reports the old end state for a moment). */
export async function untilStatus(instance: WorkflowInstance, status: InstanceStatus["status"], timeoutMs = 20_000): Promise<InstanceStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await instance.status();
    if (s.status === status) return s;
    if (Date.now() > deadline) throw new Error(`instance ${instance.id} is ${JSON.stringify(s)}, not ${status}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
