/**
 * `GET /api/v1/status`: the calling tenant's platform status (domain/schemas/status.ts). Each
 * dependency is asked on its own and a silent one is reported, not fatal: a status page that fails
 * when the hub is down would hide exactly what it is for.
 */
import type { Context } from "hono";
import { TenantStatus } from "../../domain/schemas/status";
import { errorFields } from "../../domain/log";
import { hubFor } from "../control-plane/residency";
import type { AppEnv } from "../http/app-env";
import { requireRole } from "../http/auth";
import { doc } from "../http/doc";
import { requestLog } from "../http/log";
import { tenantRouter } from "../http/tenant-router";
import { telemetryStore } from "../telemetry/store-client";

const HOUR_MS = 3_600_000;
const iso = (ms: number | null | undefined) => (ms == null ? null : new Date(ms).toISOString());

/** A dependency's answer, or null after logging why it gave none. */
async function asked<T>(c: Context<AppEnv>, dependency: string, call: () => Promise<T>): Promise<T | null> {
  try {
    return await call();
  } catch (err) {
    requestLog(c, "status").warn("status: dependency did not answer", { dependency, ...errorFields(err) });
    return null;
  }
}

export const statusRoutes = tenantRouter().get(
  "/",
  doc({
    summary: "The tenant's platform status",
    description:
      "Whether the tenant's MQTT hub answers (and its connected clients), the telemetry pipeline's lag (Cloudflare Queues exposes no backlog to a Worker, so the lag the consumer saw on its last run for this tenant stands in), dead letters not re-driven, and rejected messages of the last hour. A dependency that does not answer is listed in `degraded`; the answer is still 200.",
    tags: ["status"],
    ok: { schema: TenantStatus },
  }),
  requireRole("VIEWER"),
  async (c) => {
    const tenant = c.get("tenant");
    const now = Date.now();
    const [hub, pipeline, dead] = await Promise.all([
      asked(c, "hub", () => hubFor(c.env, tenant).stats(tenant.id)),
      asked(c, "hot-store", () => telemetryStore(c.env, tenant).pipelineStatus(now - HOUR_MS)),
      c.get("data").deadLetters.deadSummary(),
    ]);
    const run = pipeline?.lastConsumerRun ?? null;
    const status: TenantStatus = {
      checkedAt: new Date(now).toISOString(),
      hub: { reachable: hub !== null, connectedClients: hub?.connectedClients ?? null, telemetryPending: hub?.telemetryPending ?? null },
      queue: { backlog: null, lastConsumerRun: iso(run?.at), lastRunMessages: run?.messages ?? null, lastRunLagMs: run?.lagMs ?? null },
      deadLetters: { count: dead.count, oldestAt: iso(dead.oldestDeadAt) },
      rejectedLastHour: pipeline?.rejectedSince ?? null,
      degraded: [...(hub === null ? ["hub" as const] : []), ...(pipeline === null ? ["hot-store" as const] : [])],
    };
    return c.json(status);
  },
);
