/**
 * What travels on the telemetry queue: envelopes from the hubs, and Analytics Engine spill
 * messages the consumer enqueues itself when a batch packs into more data points than one
 * invocation may write to Analytics Engine (250). Queue bodies are a boundary: both are parsed
 * with zod, and a body that is neither is a rejected message, never a crash.
 */
import { z } from "zod";
import { TenantId } from "../../domain/ids";
import { TelemetryEnvelope } from "../../domain/telemetry/envelope";
import { TelemetryPoint } from "../../domain/telemetry/points";

export const TELEMETRY_QUEUE_NAME = "skylark-telemetry";
export const TELEMETRY_DLQ_NAME = "skylark-telemetry-dlq";

/** Points per spill message; the byte bound below usually binds first. */
const SPILL_MESSAGE_POINTS = 1_000;

export const AeSpill = z.object({
  v: z.literal(1),
  kind: z.literal("ae-spill"),
  tenant: TenantId,
  points: z.array(TelemetryPoint).min(1).max(SPILL_MESSAGE_POINTS),
});
export type AeSpill = z.infer<typeof AeSpill>;

export type QueueBody =
  | { kind: "envelope"; envelope: TelemetryEnvelope }
  | { kind: "spill"; spill: AeSpill }
  /** `tenant` when the body names a valid one, so the rejection can be counted there. */
  | { kind: "malformed"; tenant: string | null; detail: string };

export function classifyBody(body: unknown): QueueBody {
  const isSpill = typeof body === "object" && body !== null && (body as { kind?: unknown }).kind === "ae-spill";
  const parsed = isSpill ? AeSpill.safeParse(body) : TelemetryEnvelope.safeParse(body);
  if (parsed.success) return isSpill ? { kind: "spill", spill: parsed.data as AeSpill } : { kind: "envelope", envelope: parsed.data as TelemetryEnvelope };
  const tenant = TenantId.safeParse((body as { tenant?: unknown } | null)?.tenant);
  const issue = parsed.error.issues[0];
  return { kind: "malformed", tenant: tenant.success ? tenant.data : null, detail: `${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}` };
}

/** A queue message may be at most 128 KB; spill messages stay well under it. */
const SPILL_MESSAGE_BYTES = 96 * 1024;

/** Splits points into spill messages of at most 1 000 points (and 96 KB) each. */
export function spillMessages(tenant: string, points: TelemetryPoint[]): AeSpill[] {
  const out: AeSpill[] = [];
  let current: TelemetryPoint[] = [];
  let bytes = 0;
  for (const p of points) {
    const size = JSON.stringify(p).length;
    if (current.length && (current.length === SPILL_MESSAGE_POINTS || bytes + size > SPILL_MESSAGE_BYTES)) {
      out.push({ v: 1, kind: "ae-spill", tenant, points: current });
      [current, bytes] = [[], 0];
    }
    current.push(p);
    bytes += size;
  }
  if (current.length) out.push({ v: 1, kind: "ae-spill", tenant, points: current });
  return out;
}

/** Queue limits: 100 messages and 256 KB per sendBatch; stay under both. */
const SEND_BATCH_MESSAGES = 100;
const SEND_BATCH_BYTES = 200 * 1024;

export async function sendAll(queue: Queue, bodies: unknown[]): Promise<void> {
  let batch: MessageSendRequest[] = [];
  let bytes = 0;
  for (const body of bodies) {
    const size = JSON.stringify(body).length;
    if (batch.length && (batch.length === SEND_BATCH_MESSAGES || bytes + size > SEND_BATCH_BYTES)) {
      await queue.sendBatch(batch);
      [batch, bytes] = [[], 0];
    }
    batch.push({ body, contentType: "json" });
    bytes += size;
  }
  if (batch.length) await queue.sendBatch(batch);
}

/** Exponential backoff for retried messages: 10 s, 20 s, 40 s, … capped at 5 minutes. */
export const retryDelaySeconds = (attempts: number) => Math.min(300, 10 * 2 ** Math.max(0, attempts - 1));
