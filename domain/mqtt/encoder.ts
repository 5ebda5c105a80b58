import { ByteWriter, stringSize } from "./byte-writer";
import { encodeConnack, encodeConnect } from "./encode-connect";
import type { AckProperties, AuthPacket, DisconnectPacket, MqttPacket, ProtocolLevel, PublishPacket, SubackPacket, SubscribePacket, UnsubackPacket, UnsubscribePacket } from "./packets";
import { propertiesBlockSize, propertiesSize, writeProperties } from "./property-writer";
import { PropertyContext } from "./properties";
import { AUTH_REASON_CODES, DISCONNECT_REASON_CODES, PUBACK_REASON_CODES, PUBREL_REASON_CODES, SUBACK_REASON_CODES, requireReasonCode, UNSUBACK_REASON_CODES, V3_SUBACK_RETURN_CODES } from "./reason-codes";
import { Slab, useSlab } from "./slab";
import { hasWildcard } from "./utf8";

/**
 * Encodes one packet for a connection speaking `protocolLevel`, into a single exactly-sized
 * Uint8Array. v5-only fields are dropped for 3.1.1 (see packets.ts); values that the decoder would
 * refuse (wrong reason codes, packet identifier 0, U+0000 in strings, ...) throw RangeError instead
 * of being sent.
 * Each result has an ArrayBuffer of its own; for a connection's hot path, MqttEncoder is faster.
 */
export function encodePacket(packet: MqttPacket, protocolLevel: ProtocolLevel): Uint8Array {
  if (protocolLevel !== 4 && protocolLevel !== 5) throw new RangeError(`unsupported protocol level ${String(protocolLevel)}`);
  switch (packet.type) {
    case "connect":
      return encodeConnect(packet, protocolLevel);
    case "connack":
      return encodeConnack(packet, protocolLevel);
    case "publish":
      return encodePublish(packet, protocolLevel);
    case "puback":
      return encodeAck(0x40, PUBACK_REASON_CODES, packet, protocolLevel);
    case "pubrec":
      return encodeAck(0x50, PUBACK_REASON_CODES, packet, protocolLevel);
    case "pubrel":
      return encodeAck(0x62, PUBREL_REASON_CODES, packet, protocolLevel);
    case "pubcomp":
      return encodeAck(0x70, PUBREL_REASON_CODES, packet, protocolLevel);
    case "subscribe":
      return encodeSubscribe(packet, protocolLevel);
    case "suback":
      return encodeSuback(packet, protocolLevel);
    case "unsubscribe":
      return encodeUnsubscribe(packet, protocolLevel);
    case "unsuback":
      return encodeUnsuback(packet, protocolLevel);
    case "pingreq":
      return Uint8Array.of(0xc0, 0x00);
    case "pingresp":
      return Uint8Array.of(0xd0, 0x00);
    case "disconnect":
      return encodeDisconnect(packet, protocolLevel);
    case "auth":
      return encodeAuth(packet, protocolLevel);
  }
}

/**
 * Encodes the packets sent on one connection, like `encodePacket` but several times cheaper for
 * small packets: they are carved out of memory blocks this encoder owns (see slab.ts) instead of
 * each getting an ArrayBuffer. Send results or copy them; do not hand their `.buffer` to anyone
 * else (it also holds this connection's earlier packets) or transfer it.
 */
export class MqttEncoder {
  readonly #slab = new Slab();

  encode(packet: MqttPacket, protocolLevel: ProtocolLevel): Uint8Array {
    const previous = useSlab(this.#slab);
    try {
      return encodePacket(packet, protocolLevel);
    } finally {
      useSlab(previous);
    }
  }
}

/** PUBLISH (§3.3). */
function encodePublish(packet: PublishPacket, protocolLevel: ProtocolLevel): Uint8Array {
  const { qos, payload } = packet;
  if (!(qos === 0 || qos === 1 || qos === 2)) throw new RangeError(`PUBLISH QoS ${qos}`); // [MQTT-3.3.1-4]
  if (qos === 0 && packet.dup) throw new RangeError("DUP must be 0 for QoS 0"); // [MQTT-3.3.1-2]
  const v5 = protocolLevel === 5;
  if (packet.topic.length === 0 && (!v5 || packet.properties?.topicAlias === undefined)) {
    throw new RangeError("an empty topic name needs a topic alias (MQTT 5 only)"); // [MQTT-4.7.3-1]
  }
  if (hasWildcard(packet.topic)) throw new RangeError("topic names must not contain wildcards"); // [MQTT-3.3.2-2]
  const propertiesContent = v5 ? propertiesSize(packet.properties, PropertyContext.publish) : 0;
  let remainingLength = stringSize(packet.topic) + payload.length;
  if (qos > 0) remainingLength += 2;
  if (v5) remainingLength += propertiesBlockSize(propertiesContent);

  const firstByte = 0x30 | (packet.dup ? 0b1000 : 0) | (qos << 1) | (packet.retain ? 0b0001 : 0);
  const writer = ByteWriter.forPacket(firstByte, remainingLength);
  writer.string(packet.topic);
  if (qos > 0) writer.u16(nonZeroPacketId(packet.packetId));
  if (v5) writeProperties(writer, packet.properties, PropertyContext.publish, propertiesContent);
  writer.raw(payload);
  return writer.finish();
}

/**
 * PUBACK, PUBREC, PUBREL, PUBCOMP (§3.4–§3.7). In v5 the shortest valid form is used: the
 * properties are left off when empty, and the reason code too when it is Success as well.
 */
function encodeAck(firstByte: number, allowedReasons: ReadonlySet<number>, { packetId, reasonCode, properties }: { packetId: number; reasonCode?: number; properties?: AckProperties }, protocolLevel: ProtocolLevel): Uint8Array {
  if (protocolLevel === 4) {
    const writer = ByteWriter.forPacket(firstByte, 2);
    writer.u16(packetId);
    return writer.finish();
  }
  const code = requireReasonCode(reasonCode ?? 0, allowedReasons);
  const propertiesContent = propertiesSize(properties, PropertyContext.ack);
  const tail = propertiesContent > 0 ? 1 + propertiesBlockSize(propertiesContent) : code !== 0 ? 1 : 0;
  const writer = ByteWriter.forPacket(firstByte, 2 + tail);
  writer.u16(packetId);
  if (tail > 0) writer.u8(code);
  if (propertiesContent > 0) writeProperties(writer, properties, PropertyContext.ack, propertiesContent);
  return writer.finish();
}

/** SUBSCRIBE (§3.8). */
function encodeSubscribe(packet: SubscribePacket, protocolLevel: ProtocolLevel): Uint8Array {
  const { subscriptions } = packet;
  if (subscriptions.length === 0) throw new RangeError("SUBSCRIBE needs at least one topic filter"); // [MQTT-3.8.3-3]
  const v5 = protocolLevel === 5;
  const propertiesContent = v5 ? propertiesSize(packet.properties, PropertyContext.subscribe) : 0;
  let remainingLength = 2 + (v5 ? propertiesBlockSize(propertiesContent) : 0);
  for (const subscription of subscriptions) remainingLength += stringSize(subscription.topicFilter) + 1;

  const writer = ByteWriter.forPacket(0x82, remainingLength); // flags 0b0010 [MQTT-3.8.1-1]
  writer.u16(nonZeroPacketId(packet.packetId));
  if (v5) writeProperties(writer, packet.properties, PropertyContext.subscribe, propertiesContent);
  for (const { topicFilter, qos, noLocal, retainAsPublished, retainHandling } of subscriptions) {
    if (!(qos >= 0 && qos <= 2)) throw new RangeError(`subscription QoS ${qos}`);
    if (v5 && noLocal && topicFilter.startsWith("$share/")) throw new RangeError("No Local on a shared subscription"); // [MQTT-3.8.3-4]
    writer.string(topicFilter);
    // Subscription Options (§3.8.3.1); 3.1.1 has only the QoS bits.
    let options = qos;
    if (v5) {
      if (!(retainHandling >= 0 && retainHandling <= 2)) throw new RangeError(`retain handling ${retainHandling}`);
      options |= (noLocal ? 0b0100 : 0) | (retainAsPublished ? 0b1000 : 0) | (retainHandling << 4);
    }
    writer.u8(options);
  }
  return writer.finish();
}

/** SUBACK (§3.9). */
function encodeSuback(packet: SubackPacket, protocolLevel: ProtocolLevel): Uint8Array {
  const { reasonCodes } = packet;
  const v5 = protocolLevel === 5;
  // 3.1.1 [MQTT-3.9.3-2]: map v5 reasons with v3SubackReturnCode first.
  for (const code of reasonCodes) requireReasonCode(code, v5 ? SUBACK_REASON_CODES : V3_SUBACK_RETURN_CODES);
  const propertiesContent = v5 ? propertiesSize(packet.properties, PropertyContext.ack) : 0;
  const writer = ByteWriter.forPacket(0x90, 2 + (v5 ? propertiesBlockSize(propertiesContent) : 0) + reasonCodes.length);
  writer.u16(packet.packetId);
  if (v5) writeProperties(writer, packet.properties, PropertyContext.ack, propertiesContent);
  for (const code of reasonCodes) writer.u8(code);
  return writer.finish();
}

/** UNSUBSCRIBE (§3.10). */
function encodeUnsubscribe(packet: UnsubscribePacket, protocolLevel: ProtocolLevel): Uint8Array {
  const { topicFilters } = packet;
  if (topicFilters.length === 0) throw new RangeError("UNSUBSCRIBE needs at least one topic filter"); // [MQTT-3.10.3-2]
  const v5 = protocolLevel === 5;
  const propertiesContent = v5 ? propertiesSize(packet.properties, PropertyContext.unsubscribe) : 0;
  let remainingLength = 2 + (v5 ? propertiesBlockSize(propertiesContent) : 0);
  for (const filter of topicFilters) remainingLength += stringSize(filter);

  const writer = ByteWriter.forPacket(0xa2, remainingLength); // flags 0b0010 [MQTT-3.10.1-1]
  writer.u16(nonZeroPacketId(packet.packetId));
  if (v5) writeProperties(writer, packet.properties, PropertyContext.unsubscribe, propertiesContent);
  for (const filter of topicFilters) writer.string(filter);
  return writer.finish();
}

/** UNSUBACK (§3.11): 3.1.1 has no payload. */
function encodeUnsuback(packet: UnsubackPacket, protocolLevel: ProtocolLevel): Uint8Array {
  if (protocolLevel === 4) {
    const writer = ByteWriter.forPacket(0xb0, 2);
    writer.u16(packet.packetId);
    return writer.finish();
  }
  const reasonCodes = packet.reasonCodes ?? [];
  for (const code of reasonCodes) requireReasonCode(code, UNSUBACK_REASON_CODES);
  const propertiesContent = propertiesSize(packet.properties, PropertyContext.ack);
  const writer = ByteWriter.forPacket(0xb0, 2 + propertiesBlockSize(propertiesContent) + reasonCodes.length);
  writer.u16(packet.packetId);
  writeProperties(writer, packet.properties, PropertyContext.ack, propertiesContent);
  for (const code of reasonCodes) writer.u8(code);
  return writer.finish();
}

/** DISCONNECT (§3.14): empty in 3.1.1; shortest form in v5, as for acknowledgements. */
function encodeDisconnect(packet: DisconnectPacket, protocolLevel: ProtocolLevel): Uint8Array {
  if (protocolLevel === 4) return Uint8Array.of(0xe0, 0x00);
  const reasonCode = requireReasonCode(packet.reasonCode ?? 0, DISCONNECT_REASON_CODES);
  return encodeReasonAndProperties(0xe0, reasonCode, packet.properties, PropertyContext.disconnect);
}

/** AUTH (§3.15), v5 only. */
function encodeAuth(packet: AuthPacket, protocolLevel: ProtocolLevel): Uint8Array {
  if (protocolLevel === 4) throw new RangeError("AUTH does not exist in MQTT 3.1.1");
  const reasonCode = requireReasonCode(packet.reasonCode, AUTH_REASON_CODES);
  return encodeReasonAndProperties(0xf0, reasonCode, packet.properties, PropertyContext.auth);
}

function encodeReasonAndProperties(firstByte: number, reasonCode: number, properties: DisconnectPacket["properties"] | AuthPacket["properties"], context: PropertyContext): Uint8Array {
  const propertiesContent = propertiesSize(properties, context);
  const remainingLength = propertiesContent > 0 ? 1 + propertiesBlockSize(propertiesContent) : reasonCode !== 0 ? 1 : 0;
  const writer = ByteWriter.forPacket(firstByte, remainingLength);
  if (remainingLength > 0) writer.u8(reasonCode);
  if (propertiesContent > 0) writeProperties(writer, properties, context, propertiesContent);
  return writer.finish();
}

/** v5 [MQTT-2.2.1-3], 3.1.1 [MQTT-2.3.1-1]. */
function nonZeroPacketId(packetId: number | undefined): number {
  if (packetId === undefined || packetId === 0) throw new RangeError("packet identifier must be 1–65535");
  return packetId;
}
