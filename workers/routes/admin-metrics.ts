/**
 * `GET /api/v1/admin/metrics` (operator): each active tenant's live connections, message rates
 * and error rates, its telemetry pipeline's lag, rejections and dead letters, sorted so the
 * noisiest (or a broken one) comes first. Rates come from two samples of each hub's counters
 * `windowMs` apart: the hubs count since they woke, so a single sample could not tell a busy
 * tenant from an old one.
 */
import { Hono } from "hono";
import { errorFields } from "../../domain/log";
import { OperatorMetrics, OperatorMetricsQuery, type TenantMetrics } from "../../domain/schemas/operator-metrics";
import type { Tenant } from "../../domain/schemas/identity";
import { hubFor } from "../control-plane/residency";
import type { AppEnv } from "../http/app-env";
import { authenticateOperator } from "../http/auth";
import { doc } from "../http/doc";
import { requestLog } from "../http/log";
import { dataForVerifiedTenant } from "../http/scoped";
import { validate } from "../http/validate";
import { telemetryStore } from "../telemetry/store-client";

const HOUR_MS = 3_600_000;

type HubSample = { at: number; connectedClients: number; messagesIn: number; messagesOut: number; denied: number; dropped: number; limitHits: Record<string, number> };

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
const perSecond = (later: number, earlier: number, seconds: number) => Math.round((Math.max(0, later - earlier) / seconds) * 100) / 100;

async function sampleHub(env: Env, tenant: Tenant): Promise<HubSample | null> {
  try {
    const s = await hubFor(env, tenant).stats(tenant.id);
    return { at: Date.now(), connectedClients: s.connectedClients, messagesIn: s.messagesIn, messagesOut: s.messagesOut, denied: s.denied, dropped: s.dropped, limitHits: s.limitHits };
  } catch {
    return null;
  }
}

function hubRates(first: HubSample | null, second: HubSample | null): TenantMetrics["hub"] {
  if (!first || !second) return null;
  const seconds = Math.max(0.001, (second.at - first.at) / 1000);
  // A hub that restarted between the samples counts from zero again: its rates read as 0, never negative.
  return {
    connectedClients: second.connectedClients,
    messagesInPerSecond: perSecond(second.messagesIn, first.messagesIn, seconds),
    messagesOutPerSecond: perSecond(second.messagesOut, first.messagesOut, seconds),
    deniedPerSecond: perSecond(second.denied, first.denied, seconds),
    limitHitsPerSecond: perSecond(sum(second.limitHits), sum(first.limitHits), seconds),
    droppedPerSecond: perSecond(second.dropped, first.dropped, seconds),
    limitHitsSinceWake: second.limitHits,
  };
}

const errorRate = (m: TenantMetrics) => (m.hub ? m.hub.deniedPerSecond + m.hub.limitHitsPerSecond + m.hub.droppedPerSecond : 0);
const SORT_KEYS: Record<OperatorMetricsQuery["sort"], (m: TenantMetrics) => number[]> = {
  messages: (m) => [m.hub?.messagesInPerSecond ?? 0, m.hub?.messagesOutPerSecond ?? 0],
  errors: (m) => [errorRate(m), m.pipeline.rejectedLastHour ?? 0, m.pipeline.deadLetters],
  lag: (m) => [m.pipeline.lagMs ?? 0],
  connections: (m) => [m.hub?.connectedClients ?? 0],
};

/** Broken tenants first (a dependency did not answer), then by the chosen key, largest first; ties by id. */
function byNoise(sort: OperatorMetricsQuery["sort"]) {
  return (a: TenantMetrics, b: TenantMetrics): number => {
    if (a.degraded.length !== b.degraded.length) return b.degraded.length - a.degraded.length;
    const [ka, kb] = [SORT_KEYS[sort](a), SORT_KEYS[sort](b)];
    for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return kb[i]! - ka[i]!;
    return a.tenant.id.localeCompare(b.tenant.id);
  };
}

export const adminMetricsRoutes = new Hono<AppEnv>().use(authenticateOperator).get(
  "/",
  doc({
    summary: "Live metrics of every active tenant, noisiest first",
    description:
      "For a page of active tenants: MQTT connections now; messages in/out, ACL denials, limit hits and dropped messages per second, measured over `windowMs` (200–5000, default 1000) from two samples of the tenant hub's counters; the telemetry consumer's last run and the lag it saw; rejected messages of the last hour; dead letters not re-driven. Tenants whose hub or hot store did not answer come first (`degraded`), then the rest by `sort`: messages (default), errors, lag or connections. The page's order is by noise; `cursor` pages over tenants by id.",
    tags: ["operator"],
    ok: { schema: OperatorMetrics },
    errors: [400, 401],
  }),
  validate("query", OperatorMetricsQuery),
  async (c) => {
    const q = c.req.valid("query");
    const page = await c.get("platform").tenants.list({ limit: q.limit, status: "active", ...(q.cursor ? { cursor: q.cursor } : {}) });
    const tenants = page.items;
    const first = await Promise.all(tenants.map((t) => sampleHub(c.env, t)));
    const since = Date.now() - HOUR_MS;
    const [pipelines, deadLetters] = await Promise.all([
      Promise.all(
        tenants.map((t) =>
          telemetryStore(c.env, t)
            .pipelineStatus(since)
            .catch((err: unknown) => (requestLog(c, "admin-metrics").warn("hot store did not answer", { tenant: t.id, ...errorFields(err) }), null)),
        ),
      ),
      Promise.all(tenants.map((t) => dataForVerifiedTenant(c.env, t.id).deadLetters.deadSummary())),
      new Promise((r) => setTimeout(r, q.windowMs)),
    ]);
    const second = await Promise.all(tenants.map((t) => sampleHub(c.env, t)));
    const items: TenantMetrics[] = tenants.map((t, i) => {
      const hub = hubRates(first[i]!, second[i]!);
      const pipeline = pipelines[i]!;
      return {
        tenant: { id: t.id, name: t.name, plan: t.plan, status: t.status },
        hub,
        pipeline: {
          lastConsumerRun: pipeline?.lastConsumerRun ? new Date(pipeline.lastConsumerRun.at).toISOString() : null,
          lagMs: pipeline?.lastConsumerRun?.lagMs ?? null,
          rejectedLastHour: pipeline?.rejectedSince ?? null,
          deadLetters: deadLetters[i]!.count,
        },
        degraded: [...(hub === null ? ["hub" as const] : []), ...(pipeline === null ? ["hot-store" as const] : [])],
      };
    });
    items.sort(byNoise(q.sort));
    return c.json({ windowMs: q.windowMs, sort: q.sort, measuredAt: new Date().toISOString(), items, nextCursor: page.nextCursor } satisfies OperatorMetrics);
  },
);
