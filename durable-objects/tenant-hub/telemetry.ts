/**
 * Device messages that feed the telemetry pipeline become envelopes
 * (`domain/telemetry/envelope.ts`) handed to the Queue in batches (telemetry-batcher.ts).
 * Payloads are not parsed here (the consumer does that), except a heartbeat's: its numbers are
 * the device's vitals, which fleet health judges at once (health/monitor.ts); they go on as
 * telemetry too, so vitals chart like any metric.
 */
import { readVitals } from "../../domain/health/vitals";
import { sortableId } from "../../domain/ids";
import type { SkylarkTopic } from "../../domain/topics";
import type { EnvelopeSource, TelemetryEnvelope } from "../../domain/telemetry/envelope";
import { ClientTraceId } from "../../domain/telemetry/trace";
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
  const now = broker.effects.now();
  const principal = conn.state.principal;
  if (principal?.kind === "device") broker.health.heard(principal.deviceId, now);
  if (topic.kind === "device" && topic.channel === "heartbeat") {
    broker.effects.presence(topic.device, null);
    const vitals = readVitals(message.payload);
    // The ACL lets a device publish only its own heartbeat (a gateway: also its children's, which do not connect themselves).
    if (principal?.kind === "device" && principal.deviceId === topic.device) broker.health.heartbeat(topic.device, vitals, now);
    if (Object.keys(vitals).length === 0) return null;
    return handOff(broker, conn, { kind: "device", device: topic.device, channel: "heartbeat" }, message, JSON.stringify(vitals), now);
  }
  const source = sourceOf(topic, conn);
  if (!source || message.payload.byteLength === 0) return null;
  return handOff(broker, conn, source, message, utf8.decode(message.payload), now);
}

/** An MQTT v5 client may name its own trace (user property `trace-id`); one that does not fit is ignored, not refused. */
function traceIdOf(message: HubMessage): string | null {
  const supplied = message.properties.userProperties?.find(([key]) => key === "trace-id")?.[1];
  return supplied !== undefined && ClientTraceId.safeParse(supplied).success ? supplied : null;
}

function handOff(broker: Broker, conn: Connection, source: EnvelopeSource, message: HubMessage, payload: string, now: number): Promise<void> {
  const msgId = sortableId(now);
  const envelope: TelemetryEnvelope = {
    v: 1,
    tenant: broker.tenantId,
    msgId,
    traceId: traceIdOf(message) ?? msgId,
    receivedAt: now,
    source,
    publisher: conn.state.clientId,
    topic: message.topic,
    payload,
    bytes: message.payload.byteLength,
  };
  return broker.effects.handOffTelemetry(envelope, envelope.payload.length + 512);
}
