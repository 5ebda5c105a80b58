/**
 * A device's health change, published retained on `t/{tenant}/health/{device}` for application
 * clients: a subscriber to `t/{tenant}/health/+` gets every device's current state at once
 * (the retained messages), then each change as it happens.
 */
import { healthTopic, type HealthEvent } from "../../../domain/schemas/health";
import type { Broker } from "../broker";
import { publishMessage } from "../delivery";
import type { HealthMirror } from "./monitor";

const encoder = new TextEncoder();

export function publishHealth(broker: Broker, deviceId: string, mirror: HealthMirror): void {
  const event: HealthEvent = { deviceId, state: mirror.state, reason: mirror.reason, since: mirror.since, connectionSeq: mirror.seq };
  const message = { topic: healthTopic(broker.tenantId, deviceId), payload: encoder.encode(JSON.stringify(event)), qos: 0 as const, retain: true, properties: { contentType: "application/json" }, publisher: "" };
  broker.retained.put(message, broker.effects.now());
  publishMessage(broker, message);
}

/** A deleted device's retained health goes with it. */
export function forgetHealth(broker: Broker, deviceId: string): void {
  broker.retained.put({ topic: healthTopic(broker.tenantId, deviceId), payload: new Uint8Array(0), qos: 0, retain: true, properties: {}, publisher: "" }, broker.effects.now());
}
