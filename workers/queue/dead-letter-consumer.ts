/**
 * The `skylark-telemetry-dlq` consumer: records every message that exhausted its retries in the
 * tenant's dead letters (D1), where the API lists them and can re-drive them. Recording is
 * idempotent on the queue message id, so a redelivered dead letter is recorded once.
 */
import { openRegistry } from "../../domain/data/db";
import { platformData, type PlatformData } from "../../domain/data/platform";
import type { NewDeadLetter } from "../../domain/data/repos/dead-letters";
import { forTenant, type TenantData } from "../../domain/data/tenant-scope";
import type { Tenant } from "../../domain/schemas/identity";
import { telemetryStore, type TelemetryStoreClient } from "../telemetry/store-client";
import { classifyBody, retryDelaySeconds } from "./messages";
import { createLogger, errorFields } from "../../domain/log";

const log = createLogger({ component: "telemetry-dlq" });

export type DeadLetterDeps = {
  platform: PlatformData;
  data(tenantId: string): TenantData;
  /** Where a dead-lettered message's trace gets its last hop (absent: not traced). */
  traces?(tenant: Pick<Tenant, "id" | "region">): Pick<TelemetryStoreClient, "recordTraceHops">;
};

export function deadLetterDeps(env: Env): DeadLetterDeps {
  const db = openRegistry(env.REGISTRY);
  return { platform: platformData(db), data: (tenantId) => forTenant(db, tenantId), traces: (tenant) => telemetryStore(env, tenant) };
}

/** The dead-lettered hop of each traced message; a trace that cannot be written is logged, the letter stays recorded. */
async function traceDeadLetters(deps: DeadLetterDeps, tenant: Pick<Tenant, "id" | "region">, messages: Message<unknown>[]): Promise<void> {
  const now = Date.now();
  const hops = messages.flatMap((msg) => {
    const body = classifyBody(msg.body);
    return body.kind === "envelope" ? [{ traceId: body.envelope.traceId, hop: "dead_lettered" as const, at: now, detail: `after ${msg.attempts} attempts` }] : [];
  });
  if (hops.length === 0 || !deps.traces) return;
  log.warn("messages dead-lettered", { tenant: tenant.id, count: hops.length, traceIds: hops.slice(0, 10).map((h) => h.traceId) });
  try {
    await deps.traces(tenant).recordTraceHops(hops);
  } catch (err) {
    log.warn("dead-lettered hops not traced", { tenant: tenant.id, count: hops.length, ...errorFields(err) });
  }
}

const MAX_BODY_CHARS = 256 * 1024;

function describe(msg: Message<unknown>): { tenant: string | null; letter: NewDeadLetter } {
  const body = classifyBody(msg.body);
  const text = (JSON.stringify(msg.body) ?? "null").slice(0, MAX_BODY_CHARS);
  const base = { queueMessageId: msg.id, attempts: msg.attempts, body: text };
  if (body.kind === "envelope") {
    const e = body.envelope;
    return { tenant: e.tenant, letter: { ...base, kind: "envelope", msgId: e.msgId, topic: e.topic.slice(0, 1024), receivedAt: e.receivedAt } };
  }
  if (body.kind === "spill") return { tenant: body.spill.tenant, letter: { ...base, kind: "ae-spill", msgId: null, topic: null, receivedAt: null } };
  return { tenant: body.tenant, letter: { ...base, kind: "malformed", msgId: null, topic: null, receivedAt: null } };
}

export async function consumeDeadLetters(batch: MessageBatch<unknown>, deps: DeadLetterDeps): Promise<{ recorded: number; dropped: number }> {
  const byTenant = new Map<string, { msg: Message<unknown>; letter: NewDeadLetter }[]>();
  let dropped = 0;
  for (const msg of batch.messages) {
    const { tenant, letter } = describe(msg);
    if (!tenant) {
      log.error("dead letter without a tenant; dropped", { queueMessageId: msg.id });
      dropped++;
      msg.ack();
      continue;
    }
    const list = byTenant.get(tenant) ?? [];
    list.push({ msg, letter });
    byTenant.set(tenant, list);
  }
  let recorded = 0;
  await Promise.all(
    [...byTenant].map(async ([tenant, entries]) => {
      try {
        const known = await deps.platform.tenants.find(tenant);
        // An offboarding tenant's registry was exported and is about to be counted and purged: a late row would outlive the deletion.
        if (!known || known.status === "deleted" || known.status === "offboarding") {
          log.error("dead letters of an unknown, offboarding or deleted tenant; dropped", { tenant, count: entries.length });
          dropped += entries.length;
        } else {
          await deps.data(tenant).deadLetters.record(entries.map((e) => e.letter));
          recorded += entries.length;
          await traceDeadLetters(
            deps,
            known,
            entries.map((e) => e.msg),
          );
        }
        for (const e of entries) e.msg.ack();
      } catch (err) {
        log.error("dead letters not recorded; retried", { tenant, ...errorFields(err) });
        for (const e of entries) e.msg.retry({ delaySeconds: retryDelaySeconds(e.msg.attempts) });
      }
    }),
  );
  return { recorded, dropped };
}
