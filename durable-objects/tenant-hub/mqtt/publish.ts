/**
 * PUBLISH from a client: resolve topic aliases, validate and mount the topic, check the ACL,
 * store retained messages, hand telemetry to the queue, route to subscribers, acknowledge.
 * A QoS≥1 acknowledgement is only sent after the hub durably accepted the message: telemetry
 * once the queue has it, anything stored (retained, QoS 2 state) once the Durable Object's
 * output gate has seen the write committed.
 */
import type { LimitName } from "../../../domain/limits/names";
import { MqttProtocolError, ReasonCode, type PublishPacket } from "../../../domain/mqtt";
import type { PlanLimits } from "../../../domain/plans";
import { canPublish, mountTopic, parseSkylarkTopic, validateTopicName } from "../../../domain/topics";
import { BROKER_CONFIG, type Broker } from "../broker";
import type { Connection } from "../connection";
import { publishMessage } from "../delivery";
import { forwardedProperties, type HubMessage } from "../message";
import { acceptTelemetry } from "../telemetry";

function resolveTopic(broker: Broker, conn: Connection, packet: PublishPacket): string {
  const alias = packet.properties?.topicAlias;
  if (alias === undefined) {
    if (packet.topic === "") throw new MqttProtocolError(ReasonCode.ProtocolError, "empty topic without a topic alias");
    return packet.topic;
  }
  // [MQTT-3.3.2-9] aliases must be within the Topic Alias Maximum the hub announced.
  if (!conn.v5 || alias === 0 || alias > BROKER_CONFIG.topicAliasMaximum) throw new MqttProtocolError(ReasonCode.TopicAliasInvalid, "topic alias out of range");
  if (packet.topic !== "") {
    broker.aliases.set(conn.id, alias, packet.topic);
    return packet.topic;
  }
  const known = broker.aliases.get(conn.id, alias);
  if (known === undefined) throw new MqttProtocolError(ReasonCode.ProtocolError, "unknown topic alias");
  return known;
}

/** Acknowledges after any earlier acknowledgement still owed: acks keep PUBLISH order [MQTT-4.6.0-2]. */
function acknowledge(conn: Connection, packet: PublishPacket, reasonCode: number, reasonString?: string): void {
  if (packet.qos === 0) return;
  conn.acks.ack(packet.packetId!, packet.qos, reasonCode, reasonString);
}

/** Reason strings of rate refusals, built once per limit: a flood is refused thousands of times a second. */
const RATE_REFUSALS = new Map<LimitName, string>();

function refusalReason(limit: LimitName, limits: PlanLimits, payloadBytes: number): string {
  if (limit === "monthlyMessageQuota") return `monthly message quota of ${limits.monthlyMessageQuota} reached`;
  if (limit === "maxPayloadBytes") return `payload of ${payloadBytes} bytes is over maxPayloadBytes (${limits.maxPayloadBytes})`;
  let reason = RATE_REFUSALS.get(limit);
  if (reason === undefined) RATE_REFUSALS.set(limit, (reason = `rate limit ${limit} exceeded`));
  return reason;
}

/**
 * Plan limits, checked before the payload is looked at (its length is all the payload limit
 * needs). A payload over the plan's `maxPayloadBytes` (while the packet is still within the
 * Maximum Packet Size, which the decoder enforces with DISCONNECT 0x95) gets a v5 QoS≥1 client
 * PUBACK/PUBREC 0x97 Quota exceeded — MQTT 5 allows no 0x95 in PUBACK/PUBREC, and 0x97 is "an
 * implementation or administrative imposed limit", with a reason string naming the limit and the
 * size; QoS 0 is dropped; 3.1.1 QoS≥1 is acknowledged and dropped (see below).
 * Over a rate or the monthly quota a v5
 * QoS≥1 message is refused with 0x97 (the client may retry later), QoS 0 is dropped, and a
 * 3.1.1 QoS≥1 message — which cannot be refused — closes the connection unacknowledged, so
 * the client redelivers it after reconnecting (after a cool-down): nothing is acknowledged and
 * then dropped.
 * Persistent abuse disconnects a v5 client with 0x96.
 */
function admitted(broker: Broker, conn: Connection, packet: PublishPacket, topic: string): boolean {
  const telemetry = topic.endsWith("/telemetry");
  const verdict = broker.limiter.checkPublish(conn.state.clientId, packet.payload, telemetry, broker.effects.now());
  if (verdict.ok) return true;
  broker.stats.dropped++;
  if (broker.limiter.abusive(conn.state.clientId)) {
    disconnectAbuser(broker, conn, `persistently over ${verdict.limit}`);
    return false;
  }
  if (verdict.limit === "maxPayloadBytes" && packet.qos > 0 && !conn.v5) {
    // 3.1.1 has no way to say "too large", and closing unacknowledged (as for rates) would make the
    // client redeliver a message that can never fit, on every reconnect, ahead of everything it
    // sends after it. So it is acknowledged and dropped [MQTT-3.3.5-2 allows exactly that], counted
    // as a limit hit like every refusal.
    if (packet.qos === 2) broker.messages.beginInboundQos2(conn.state.clientId, packet.packetId!);
    acknowledge(conn, packet, ReasonCode.Success);
    return false;
  }
  if (packet.qos > 0 && !conn.v5) {
    // 3.1.1 cannot refuse a QoS≥1 message: closing unacknowledged is the refusal, and the cool-down
    // that follows is its "retry later" — a client reconnecting at once would be straight back over.
    broker.abuseDetected(conn);
    broker.fail(conn, new MqttProtocolError(ReasonCode.MessageRateTooHigh, `over ${verdict.limit}`));
    return false;
  }
  acknowledge(conn, packet, verdict.reasonCode, refusalReason(verdict.limit, broker.limiter.current, packet.payload.byteLength));
  return false;
}

/**
 * A persistent abuser: closed at once with one DISCONNECT 0x96 and a cool-down before it may come
 * back. Acknowledgements still owed (even for accepted messages) are not waited for: the frames
 * the abuser keeps sending would delay the hand-offs they wait on, and the close with them.
 * Unacknowledged messages are the client's to send again (at least once).
 */
function disconnectAbuser(broker: Broker, conn: Connection, reason: string): void {
  broker.abuseDetected(conn);
  broker.fail(conn, new MqttProtocolError(ReasonCode.MessageRateTooHigh, reason));
}

/**
 * The inbound in-flight window: a client may have at most this many QoS≥1 PUBLISHes the hub has
 * not acknowledged yet. v5 clients were told (Receive Maximum in CONNACK); 3.1.1 has no flow
 * control, so its window is wider — the device's burst, which is as many as it could ever get
 * accepted at once.
 */
function inFlightWindow(conn: Connection, limits: PlanLimits): number {
  if (conn.v5) return BROKER_CONFIG.receiveMaximum;
  return Math.max(BROKER_CONFIG.receiveMaximum, Math.min(MAX_V3_IN_FLIGHT, Math.ceil(limits.messagesPerSecondPerDevice * limits.burstSeconds)));
}
const MAX_V3_IN_FLIGHT = 2_000;

export async function handlePublish(broker: Broker, conn: Connection, packet: PublishPacket): Promise<void> {
  const { principal, clientId, mountpoint } = conn.state;
  // Flow control: more unacknowledged QoS≥1 messages than the window [MQTT-3.3.4-7]: the client is
  // disconnected (v5: 0x93), and the hub never holds more than the window for it.
  if (packet.qos === 1 && conn.acks.count > 0) {
    const window = inFlightWindow(conn, broker.limiter.current);
    if (conn.acks.count >= window) {
      // Ignoring the window is abuse like persistent refusals: the same cool-down follows.
      broker.abuseDetected(conn);
      throw new MqttProtocolError(ReasonCode.ReceiveMaximumExceeded, `more than ${window} unacknowledged QoS 1 messages in flight`);
    }
  }
  const topic = resolveTopic(broker, conn, packet);
  const valid = validateTopicName(topic);
  if (!valid.ok) throw new MqttProtocolError(ReasonCode.TopicNameInvalid, `topic name: ${valid.reason}`);
  if (!admitted(broker, conn, packet, topic)) return;
  // Flow control: more unacknowledged QoS 2 messages than announced [MQTT-3.3.4-7].
  if (packet.qos === 2 && broker.messages.inboundQos2Count(clientId) >= BROKER_CONFIG.receiveMaximum) {
    throw new MqttProtocolError(ReasonCode.ReceiveMaximumExceeded, "receive maximum exceeded");
  }
  broker.stats.messagesIn++;
  const canonical = mountTopic(mountpoint, topic);
  const decision = canPublish(principal!, canonical);
  if (!decision.allowed) {
    broker.stats.denied++;
    broker.effects.audit({ actorType: principal!.credential.kind, actorId: principal!.credential.id, action: "mqtt.publish", outcome: "denied", targetType: "topic", targetId: canonical, details: { clientId, reason: decision.reason } });
    if (packet.qos === 2 && !conn.v5) broker.messages.beginInboundQos2(clientId, packet.packetId!);
    return acknowledge(conn, packet, ReasonCode.NotAuthorized);
  }

  // QoS 2, method A: a duplicate of a PUBLISH still awaiting PUBREL is acknowledged, not routed again.
  if (packet.qos === 2 && !broker.messages.beginInboundQos2(clientId, packet.packetId!)) return acknowledge(conn, packet, ReasonCode.Success);

  const now = broker.effects.now();
  const properties = forwardedProperties(packet.properties);
  if (properties.responseTopic !== undefined) {
    if (!validateTopicName(properties.responseTopic).ok) throw new MqttProtocolError(ReasonCode.ProtocolError, "response topic is not a valid topic name");
    properties.responseTopic = mountTopic(mountpoint, properties.responseTopic);
  }
  const expiry = packet.properties?.messageExpiryInterval;
  const message: HubMessage = { topic: canonical, payload: packet.payload, qos: packet.qos, retain: packet.retain, properties, ...(expiry !== undefined ? { expiresAt: now + expiry * 1000 } : {}), publisher: clientId };

  if (packet.retain) broker.retained.put(message, now);
  const parsed = parseSkylarkTopic(canonical);
  const handoff = parsed ? acceptTelemetry(broker, conn, parsed, message) : null;
  if (principal!.kind === "device") broker.effects.presence(principal!.deviceId, null);
  publishMessage(broker, message);
  if (principal!.kind === "device" && parsed?.kind === "device" && parsed.channel === "cmd/response") broker.commands.responded(parsed.device, parsed.commandId!, packet.payload);
  if (principal!.kind === "device" && parsed?.kind === "device" && parsed.channel === "ota/status") broker.effects.otaReported(principal!.deviceId, packet.payload);
  // Telemetry is acknowledged once the queue has it; if the queue refuses it, a v5 client is
  // told to retry (0x80) and a v3.1.1 client is disconnected unacknowledged, so it redelivers.
  if (packet.qos === 0) return;
  if (!handoff) return acknowledge(conn, packet, ReasonCode.Success);
  conn.acks.ackAfter(handoff, packet.packetId!, packet.qos, () => {
    if (conn.v5) return { reasonCode: ReasonCode.UnspecifiedError, reasonString: "telemetry could not be accepted; retry" };
    broker.fail(conn, new MqttProtocolError(ReasonCode.ServerBusy, "telemetry hand-off failed"));
    return null;
  });
}
