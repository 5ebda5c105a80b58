/**
 * The `skylark-telemetry` consumer. A batch is split by tenant and each tenant's share is
 * processed on its own (tenant-batch.ts): one tenant's failure retries only that tenant's
 * messages, with exponential backoff, and never holds back another tenant's data. After the
 * queue's retry limit a message goes to the dead-letter queue (dead-letter-consumer.ts).
 */
import { openRegistry } from "../../domain/data/db";
import { platformData } from "../../domain/data/platform";
import { forTenant } from "../../domain/data/tenant-scope";
import { analyticsEngineWriter } from "../../domain/telemetry/analytics-engine";
import { telemetryStore } from "../telemetry/store-client";
import { exportToAnalytics } from "./analytics-export";
import { classifyBody, retryDelaySeconds, type AeSpill } from "./messages";
import { processTenantBatch, type ConsumerDeps, type TenantBatchSummary, type TenantItem } from "./tenant-batch";
import { createLogger, errorFields, type LogFields } from "../../domain/log";

export type ConsumeSummary = { tenants: Record<string, TenantBatchSummary>; failedTenants: string[]; spillsWritten: number; unattributable: number };

/** The production wiring; tests build their own (a recording Analytics Engine writer, fault injection). */
export function consumerDeps(env: Env): ConsumerDeps {
  const db = openRegistry(env.REGISTRY);
  return {
    platform: platformData(db),
    data: (tenantId) => forTenant(db, tenantId),
    store: (tenant) => telemetryStore(env, tenant),
    analytics: analyticsEngineWriter(env.TELEMETRY_AE),
    spillQueue: env.TELEMETRY_QUEUE,
  };
}

const log = createLogger({ component: "telemetry-consumer" });

function logError(msg: string, fields: LogFields, err: unknown) {
  log.error(msg, { ...fields, ...errorFields(err, true) });
}

export async function consumeTelemetry(batch: MessageBatch<unknown>, deps: ConsumerDeps): Promise<ConsumeSummary> {
  const summary: ConsumeSummary = { tenants: {}, failedTenants: [], spillsWritten: 0, unattributable: 0 };
  const byTenant = new Map<string, { msg: Message<unknown>; item: TenantItem }[]>();
  const spills: { msg: Message<unknown>; spill: AeSpill }[] = [];
  const add = (tenant: string, entry: { msg: Message<unknown>; item: TenantItem }) => {
    const list = byTenant.get(tenant);
    if (list) list.push(entry);
    else byTenant.set(tenant, [entry]);
  };

  for (const msg of batch.messages) {
    const body = classifyBody(msg.body);
    const timestamp = msg.timestamp.getTime();
    if (body.kind === "spill") spills.push({ msg, spill: body.spill });
    else if (body.kind === "envelope") add(body.envelope.tenant, { msg, item: { queueId: msg.id, timestamp, body } });
    else if (body.tenant) add(body.tenant, { msg, item: { queueId: msg.id, timestamp, body: { kind: "malformed", detail: body.detail, raw: msg.body } } });
    else {
      // No tenant to count it against: log it for the operator and let it go.
      log.error("malformed queue body without a tenant", { queueMessageId: msg.id, detail: body.detail });
      summary.unattributable++;
      msg.ack();
    }
  }

  // Spills first: the oldest Analytics Engine points go out before new ones take the budget.
  for (const { msg, spill } of spills) {
    try {
      // Spill messages carry normalized points for Analytics Engine only; what does not fit goes round again.
      const spilled = await exportToAnalytics(spill.tenant, spill.points, deps.analytics, deps.spillQueue);
      summary.spillsWritten += spill.points.length - spilled;
      msg.ack();
    } catch (err) {
      logError("analytics spill failed; retried", { tenant: spill.tenant, queueMessageId: msg.id, attempts: msg.attempts }, err);
      msg.retry({ delaySeconds: retryDelaySeconds(msg.attempts) });
    }
  }

  await Promise.all(
    [...byTenant].map(async ([tenant, entries]) => {
      try {
        summary.tenants[tenant] = await processTenantBatch(
          tenant,
          entries.map((e) => e.item),
          deps,
        );
        for (const e of entries) e.msg.ack();
      } catch (err) {
        // The first traces of the batch: each can be followed to where it finally went (GET /api/v1/telemetry/trace/:traceId).
        const traceIds = entries.slice(0, 10).flatMap((e) => (e.item.body.kind === "envelope" ? [e.item.body.envelope.traceId] : []));
        logError("tenant batch failed; retried", { tenant, messages: entries.length, traceIds }, err);
        summary.failedTenants.push(tenant);
        for (const e of entries) e.msg.retry({ delaySeconds: retryDelaySeconds(e.msg.attempts) });
      }
    }),
  );
  return summary;
}
