/**
 * Device messages that feed the telemetry pipeline become envelopes
 * (`domain/telemetry/envelope.ts`) handed to the Queue in batches (telemetry-batcher.ts).
 * Heartbeats only refresh presence. Payloads are not parsed here: the consumer does that.
 */
import { sortableId } from "../../domain/ids";
import type { SkylarkTopic } from "../../domain/topics";
import type { EnvelopeSource, TelemetryEnvelope } from "../../domain/telemetry/envelope";
import type { Broker } from "./broker";
import type { Connection } from "./connection";
import type { HubMessage } from "./message";

const utf8 = new TextDecoder();

function sourceOf(topic: SkylarkTopic, conn: Connection): EnvelopeSource | null {
  switch (topic.kind) {
    case "device":
      return topic.channel === "telemetry" || topic.channel === "attributes" || topic.channel === "events" ? { kind: "device", device: topic.device, channel: topic.channel } : null;
    case "gateway":
      return { kind: "gateway", gateway: topic.gateway, channel: topic.channel };
    case "sensor": {
      const principal = conn.state.principal;
      // The sensor form names no device: the publishing device is the source.
      return principal?.kind === "device" ? { kind: "sensor", asset: topic.asset, sensor: topic.sensor, device: principal.deviceId } : null;
    }
    default:
      return null;
  }
}

/** Returns the hand-off to the queue (null when the message is not telemetry). */
export function acceptTelemetry(broker: Broker, conn: Connection, topic: SkylarkTopic, message: HubMessage): Promise<void> | null {
  if (topic.kind === "device" && topic.channel === "heartbeat") {
    broker.effects.presence(topic.device, null);
    return null;
  }
  const source = sourceOf(topic, conn);
  if (!source || message.payload.byteLength === 0) return null;
  const now = broker.effects.now();
  const msgId = sortableId(now);
  const envelope: TelemetryEnvelope = {
    v: 1,
    tenant: broker.tenantId,
    msgId,
    traceId: msgId,
    receivedAt: now,
    source,
    publisher: conn.state.clientId,
    topic: message.topic,
    payload: utf8.decode(message.payload),
    bytes: message.payload.byteLength,
  };
  return broker.effects.handOffTelemetry(envelope, envelope.payload.length + 512);
}
