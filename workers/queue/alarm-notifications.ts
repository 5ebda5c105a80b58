/**
 * The `skylark-alarm-events` consumer. Two kinds of message travel on the queue:
 *
 *  - an alarm event, as a tenant's hot store enqueued it (raised, cleared, acknowledged): it is
 *    published on `t/{tenant}/alarms/{device}` for application clients, logged as a pending
 *    delivery for each enabled webhook target severe enough for it, and fanned out as one
 *    delivery message per target (re-sending an event finds the rows it already made);
 *  - a rollout that paused itself (workers/ota/rollout-runner.ts): logged and fanned out like a
 *    major alarm event to the targets that take major events (its status is already on
 *    `t/{tenant}/rollouts/{id}`);
 *  - a delivery: one signed POST to one target. A 2xx marks it delivered; anything else is logged
 *    and retried through the queue with backoff (5 s, 10 s, 20 s … ≤ 15 min) until the last
 *    attempt, which marks it failed.
 */
import { z } from "zod";
import { signatureHeaders } from "../../domain/alarms/signature";
import { openRegistry } from "../../domain/data/db";
import { platformData, type PlatformData } from "../../domain/data/platform";
import { forTenant, type TenantData } from "../../domain/data/tenant-scope";
import { AlarmEvent, atLeastSeverity } from "../../domain/schemas/alarms";
import { RolloutWebhookEvent } from "../../domain/schemas/rollouts";
import type { Tenant } from "../../domain/schemas/identity";
import { hubFor } from "../control-plane/residency";
import { createLogger, errorFields } from "../../domain/log";

const log = createLogger({ component: "alarm-notifications" });

export const ALARM_EVENTS_QUEUE_NAME = "skylark-alarm-events";
/** The first attempt and the queue's 8 retries (wrangler.toml `max_retries`). */
const MAX_DELIVERY_ATTEMPTS = 9;
const DELIVERY_TIMEOUT_MS = 10_000;

const deliveryBackoffSeconds = (attempts: number) => Math.min(900, 5 * 2 ** Math.max(0, attempts - 1));

const DeliveryMessage = z.object({ kind: z.literal("delivery"), tenant: z.string(), deliveryId: z.string(), targetId: z.string(), event: z.union([AlarmEvent, RolloutWebhookEvent]) });
type DeliveryMessage = z.infer<typeof DeliveryMessage>;

export type AlarmNotificationDeps = {
  platform: PlatformData;
  data(tenantId: string): TenantData;
  /** Where deliveries are fanned out (the alarm events queue itself). */
  queue: Queue;
  /** Publishes on the tenant's hub. */
  publish(tenant: Pick<Tenant, "id" | "region">, topic: string, payload: string): Promise<void>;
  fetch: typeof fetch;
};

export function alarmNotificationDeps(env: Env): AlarmNotificationDeps {
  const db = openRegistry(env.REGISTRY);
  return {
    platform: platformData(db),
    data: (tenantId) => forTenant(db, tenantId),
    queue: env.ALARM_EVENTS,
    publish: (tenant, topic, payload) => hubFor(env, tenant).publishFromPlatform(tenant.id, { topic, payload, qos: 1, retain: false }),
    fetch: (input, init) => fetch(input, init),
  };
}

const alarmTopic = (tenant: string, device: string) => `t/${tenant}/alarms/${device}`;

type Targets = Awaited<ReturnType<TenantData["alarmWebhooks"]["enabledWithSecrets"]>>;
/** What a batch reads once per tenant (a burst of alarms from one tenant makes one lookup, not one per event). */
type BatchCache = Map<string, Promise<{ tenant: Tenant | null; targets: Targets }>>;

function tenantFacts(cache: BatchCache, tenantId: string, deps: AlarmNotificationDeps) {
  let facts = cache.get(tenantId);
  if (!facts) {
    facts = (async () => {
      const tenant = await deps.platform.tenants.find(tenantId);
      return { tenant, targets: tenant ? await deps.data(tenant.id).alarmWebhooks.enabledWithSecrets() : [] };
    })();
    cache.set(tenantId, facts);
    // A failed read is not remembered: the next message tries again.
    facts.catch(() => cache.delete(tenantId));
  }
  return facts;
}

async function fanOut(event: AlarmEvent, deps: AlarmNotificationDeps, cache: BatchCache): Promise<void> {
  const { tenant, targets: all } = await tenantFacts(cache, event.tenant, deps);
  // A frozen (offboarding) tenant's registry is exported, counted and purged: no delivery rows may appear in it.
  if (!tenant || tenant.status === "deleted" || tenant.status === "offboarding") return;
  await deps.publish(tenant, alarmTopic(tenant.id, event.alarm.deviceId), JSON.stringify(event));
  const data = deps.data(tenant.id);
  const targets = all.filter((t) => atLeastSeverity(event.alarm.severity, t.minSeverity));
  if (targets.length === 0) return;
  await data.alarmWebhooks.recordPending(
    event.id,
    event.type,
    event.alarm.id,
    targets.map((t) => t.id),
  );
  const messages = targets.map((t): { body: DeliveryMessage } => ({ body: { kind: "delivery", tenant: tenant.id, deliveryId: `${event.id}@${t.id}`, targetId: t.id, event } }));
  await deps.queue.sendBatch(messages);
}

async function fanOutRollout(event: RolloutWebhookEvent, deps: AlarmNotificationDeps, cache: BatchCache): Promise<void> {
  const { tenant, targets: all } = await tenantFacts(cache, event.tenant, deps);
  if (!tenant || tenant.status === "deleted" || tenant.status === "offboarding") return;
  const targets = all.filter((t) => atLeastSeverity("major", t.minSeverity));
  if (targets.length === 0) return;
  await deps.data(tenant.id).alarmWebhooks.recordPending(
    event.id,
    event.type,
    event.rollout.id,
    targets.map((t) => t.id),
  );
  await deps.queue.sendBatch(targets.map((t): { body: DeliveryMessage } => ({ body: { kind: "delivery", tenant: tenant.id, deliveryId: `${event.id}@${t.id}`, targetId: t.id, event } })));
}

type Attempt = { ok: true; status: number } | { ok: false; status: number | null; error: string };

async function post(deps: AlarmNotificationDeps, url: string, secret: string, m: DeliveryMessage): Promise<Attempt> {
  const body = JSON.stringify(m.event);
  try {
    const res = await deps.fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Skylark-Alarms/1", "x-skylark-event": m.event.type, "x-skylark-delivery": m.deliveryId, ...(await signatureHeaders(secret, body)) },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    await res.body?.cancel();
    return res.ok ? { ok: true, status: res.status } : { ok: false, status: res.status, error: `HTTP ${res.status}` };
  } catch (err) {
    return { ok: false, status: null, error: String(err) };
  }
}

/** Returns the delay to retry after, or null when the delivery is settled (delivered, failed, or gone). */
async function deliver(m: DeliveryMessage, attempts: number, deps: AlarmNotificationDeps): Promise<number | null> {
  const hooks = deps.data(m.tenant).alarmWebhooks;
  const delivery = await hooks.delivery(m.deliveryId);
  if (!delivery || delivery.status !== "pending") return null;
  const target = await hooks.findWithSecret(m.targetId);
  if (!target || !target.enabled) {
    await hooks.recordAttempt(m.deliveryId, { status: "failed", attempts: delivery.attempts, statusCode: null, error: "target deleted or disabled" });
    return null;
  }
  const result = await post(deps, target.url, target.secret, m);
  const tried = delivery.attempts + 1;
  if (result.ok) {
    await hooks.recordAttempt(m.deliveryId, { status: "delivered", attempts: tried, statusCode: result.status, error: null });
    return null;
  }
  const last = attempts >= MAX_DELIVERY_ATTEMPTS;
  await hooks.recordAttempt(m.deliveryId, { status: last ? "failed" : "pending", attempts: tried, statusCode: result.status, error: result.error });
  return last ? null : deliveryBackoffSeconds(attempts);
}

export type AlarmNotificationSummary = { events: number; settled: number; retried: number; dropped: number };

export async function consumeAlarmEvents(batch: MessageBatch<unknown>, deps: AlarmNotificationDeps): Promise<AlarmNotificationSummary> {
  const summary: AlarmNotificationSummary = { events: 0, settled: 0, retried: 0, dropped: 0 };
  const cache: BatchCache = new Map();
  for (const msg of batch.messages) {
    try {
      const delivery = DeliveryMessage.safeParse(msg.body);
      if (delivery.success) {
        const retryIn = await deliver(delivery.data, msg.attempts, deps);
        if (retryIn === null) {
          summary.settled++;
          msg.ack();
        } else {
          summary.retried++;
          msg.retry({ delaySeconds: retryIn });
        }
        continue;
      }
      const rollout = RolloutWebhookEvent.safeParse(msg.body);
      if (rollout.success) {
        await fanOutRollout(rollout.data, deps, cache);
        summary.events++;
        msg.ack();
        continue;
      }
      const event = AlarmEvent.safeParse(msg.body);
      if (!event.success) {
        log.error("unreadable alarm queue message", { queueMessageId: msg.id });
        summary.dropped++;
        msg.ack();
        continue;
      }
      await fanOut(event.data, deps, cache);
      summary.events++;
      msg.ack();
    } catch (err) {
      log.error("alarm notification failed; retried", { queueMessageId: msg.id, attempts: msg.attempts, ...errorFields(err) });
      summary.retried++;
      msg.retry({ delaySeconds: deliveryBackoffSeconds(msg.attempts) });
    }
  }
  return summary;
}
