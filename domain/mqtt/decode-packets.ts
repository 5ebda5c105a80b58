import type { ByteReader } from "./byte-reader";
import { malformed, MqttProtocolError, protocolError } from "./errors";
import type {
  AckProperties,
  AuthPacket,
  AuthProperties,
  DisconnectPacket,
  DisconnectProperties,
  ProtocolLevel,
  PublishPacket,
  PublishProperties,
  QoS,
  RetainHandling,
  SubackPacket,
  SubscribePacket,
  SubscribeProperties,
  Subscription,
  UnsubackPacket,
  UnsubscribePacket,
  UnsubscribeProperties,
} from "./packets";
import { readProperties } from "./property-reader";
import { PropertyContext } from "./properties";
import { AUTH_REASON_CODES, DISCONNECT_REASON_CODES, PUBACK_REASON_CODES, PUBREL_REASON_CODES, ReasonCode, SUBACK_REASON_CODES, UNSUBACK_REASON_CODES, V3_SUBACK_RETURN_CODES } from "./reason-codes";
import { hasWildcard } from "./utf8";

/** PUBLISH (§3.3). DUP, QoS and RETAIN come from the fixed header, already checked. */
export function decodePublish(reader: ByteReader, flags: number, protocolLevel: ProtocolLevel): PublishPacket {
  const qos = ((flags >> 1) & 0b11) as QoS;
  const topic = reader.string();
  const packetId = qos > 0 ? reader.nonZeroPacketId() : 0; // v5 [MQTT-2.2.1-3], 3.1.1 [MQTT-2.3.1-1]
  const properties = protocolLevel === 5 ? (readProperties(reader, PropertyContext.publish) as PublishProperties | undefined) : undefined;
  if (topic.length === 0) {
    // v5 lets a Topic Alias stand in for the name (§3.3.2.3.4); 3.1.1 never allows it [MQTT-4.7.3-1].
    if (properties?.topicAlias === undefined) throw protocolError("empty topic name");
  } else if (hasWildcard(topic)) {
    throw new MqttProtocolError(ReasonCode.TopicNameInvalid, "wildcard in topic name"); // [MQTT-3.3.2-2]
  }
  const packet: PublishPacket = {
    type: "publish",
    topic,
    payload: reader.rest(),
    qos,
    retain: (flags & 0b0001) !== 0,
    dup: (flags & 0b1000) !== 0,
  };
  if (qos > 0) packet.packetId = packetId;
  if (properties !== undefined) packet.properties = properties;
  return packet;
}

type AckType = "puback" | "pubrec" | "pubrel" | "pubcomp";
export interface AckPacket {
  type: AckType;
  packetId: number;
  reasonCode?: number;
  properties?: AckProperties;
}

/**
 * PUBACK, PUBREC, PUBREL, PUBCOMP (§3.4–§3.7). 3.1.1: just the Packet Identifier. v5: the Reason
 * Code and the property list may each be left off the end, meaning Success / no properties.
 */
export function decodeAck(reader: ByteReader, type: AckType, protocolLevel: ProtocolLevel): AckPacket {
  const packet: AckPacket = { type, packetId: reader.u16() };
  if (protocolLevel === 5) {
    packet.reasonCode = 0;
    if (reader.remaining > 0) {
      const reasonCode = reader.u8();
      const allowed = type === "pubrel" || type === "pubcomp" ? PUBREL_REASON_CODES : PUBACK_REASON_CODES;
      if (!allowed.has(reasonCode)) throw malformed(`${type} reason code 0x${reasonCode.toString(16)}`);
      packet.reasonCode = reasonCode;
      if (reader.remaining > 0) {
        const properties = readProperties(reader, PropertyContext.ack);
        if (properties !== undefined) packet.properties = properties as AckProperties;
      }
    }
  }
  return packet;
}

/** SUBSCRIBE (§3.8). Topic filter syntax is the broker's to judge (it answers per filter in SUBACK). */
export function decodeSubscribe(reader: ByteReader, protocolLevel: ProtocolLevel): SubscribePacket {
  const packetId = reader.nonZeroPacketId(); // v5 [MQTT-2.2.1-3], 3.1.1 [MQTT-2.3.1-1]
  const v5 = protocolLevel === 5;
  const properties = v5 ? (readProperties(reader, PropertyContext.subscribe) as SubscribeProperties | undefined) : undefined;
  const subscriptions: Subscription[] = [];
  while (reader.remaining > 0) {
    const topicFilter = reader.string(); // [MQTT-3.8.3-1]
    const options = reader.u8();
    const qos = options & 0b11;
    if (v5) {
      if (options & 0b1100_0000) throw malformed("subscription options reserved bits set"); // [MQTT-3.8.3-5]
      if (qos === 3) throw protocolError("subscription QoS 3"); // §3.8.3.1
      const retainHandling = (options >> 4) & 0b11;
      if (retainHandling === 3) throw protocolError("retain handling 3"); // §3.8.3.1
      const noLocal = (options & 0b0100) !== 0;
      if (noLocal && topicFilter.startsWith("$share/")) throw protocolError("no local on a shared subscription"); // [MQTT-3.8.3-4]
      subscriptions.push({
        topicFilter,
        qos: qos as QoS,
        noLocal,
        retainAsPublished: (options & 0b1000) !== 0,
        retainHandling: retainHandling as RetainHandling,
      });
    } else {
      // 3.1.1 [MQTT-3.8.3-4]: the upper six bits are reserved, and QoS 3 is malformed.
      if (options & 0b1111_1100 || qos === 3) throw malformed("requested QoS byte invalid");
      subscriptions.push({ topicFilter, qos: qos as QoS, noLocal: false, retainAsPublished: false, retainHandling: 0 });
    }
  }
  if (subscriptions.length === 0) throw protocolError("SUBSCRIBE without topic filters"); // 3.1.1 [MQTT-3.8.3-3], v5 [MQTT-3.8.3-2]
  const packet: SubscribePacket = { type: "subscribe", packetId, subscriptions };
  if (properties !== undefined) packet.properties = properties;
  return packet;
}

/** SUBACK (§3.9). */
export function decodeSuback(reader: ByteReader, protocolLevel: ProtocolLevel): SubackPacket {
  const packetId = reader.u16();
  const v5 = protocolLevel === 5;
  const properties = v5 ? (readProperties(reader, PropertyContext.ack) as AckProperties | undefined) : undefined;
  const allowed = v5 ? SUBACK_REASON_CODES : V3_SUBACK_RETURN_CODES; // 3.1.1 [MQTT-3.9.3-2]
  const reasonCodes: number[] = [];
  while (reader.remaining > 0) {
    const code = reader.u8();
    if (!allowed.has(code)) throw malformed(`SUBACK reason code 0x${code.toString(16)}`);
    reasonCodes.push(code);
  }
  const packet: SubackPacket = { type: "suback", packetId, reasonCodes };
  if (properties !== undefined) packet.properties = properties;
  return packet;
}

/** UNSUBSCRIBE (§3.10). */
export function decodeUnsubscribe(reader: ByteReader, protocolLevel: ProtocolLevel): UnsubscribePacket {
  const packetId = reader.nonZeroPacketId(); // v5 [MQTT-2.2.1-3], 3.1.1 [MQTT-2.3.1-1]
  const properties = protocolLevel === 5 ? (readProperties(reader, PropertyContext.unsubscribe) as UnsubscribeProperties | undefined) : undefined;
  const topicFilters: string[] = [];
  while (reader.remaining > 0) topicFilters.push(reader.string()); // [MQTT-3.10.3-1]
  if (topicFilters.length === 0) throw protocolError("UNSUBSCRIBE without topic filters"); // [MQTT-3.10.3-2]
  const packet: UnsubscribePacket = { type: "unsubscribe", packetId, topicFilters };
  if (properties !== undefined) packet.properties = properties;
  return packet;
}

/** UNSUBACK (§3.11): 3.1.1 has only the Packet Identifier; v5 adds properties and reason codes. */
export function decodeUnsuback(reader: ByteReader, protocolLevel: ProtocolLevel): UnsubackPacket {
  const packet: UnsubackPacket = { type: "unsuback", packetId: reader.u16() };
  if (protocolLevel === 5) {
    const properties = readProperties(reader, PropertyContext.ack);
    const reasonCodes: number[] = [];
    while (reader.remaining > 0) {
      const code = reader.u8();
      if (!UNSUBACK_REASON_CODES.has(code)) throw malformed(`UNSUBACK reason code 0x${code.toString(16)}`);
      reasonCodes.push(code);
    }
    packet.reasonCodes = reasonCodes;
    if (properties !== undefined) packet.properties = properties as AckProperties;
  }
  return packet;
}

/**
 * DISCONNECT (§3.14). 3.1.1: empty. v5: Reason Code and properties, each omissible from the end
 * (Remaining Length 0 = Normal disconnection, 1 = no properties).
 */
export function decodeDisconnect(reader: ByteReader, protocolLevel: ProtocolLevel): DisconnectPacket {
  const packet: DisconnectPacket = { type: "disconnect" };
  if (protocolLevel === 5) {
    packet.reasonCode = readOptionalReasonCode(reader, DISCONNECT_REASON_CODES, "DISCONNECT");
    if (reader.remaining > 0) {
      const properties = readProperties(reader, PropertyContext.disconnect);
      if (properties !== undefined) packet.properties = properties as DisconnectProperties;
    }
  }
  return packet;
}

/** AUTH (§3.15), v5 only; laid out like a v5 DISCONNECT. */
export function decodeAuth(reader: ByteReader): AuthPacket {
  const packet: AuthPacket = { type: "auth", reasonCode: readOptionalReasonCode(reader, AUTH_REASON_CODES, "AUTH") };
  if (reader.remaining > 0) {
    // Whether the Authentication Method is present and matches the CONNECT's [MQTT-4.12.0-5] is
    // for the broker's authentication exchange to judge, not the codec.
    const properties = readProperties(reader, PropertyContext.auth) as AuthProperties | undefined;
    if (properties !== undefined) packet.properties = properties;
  }
  return packet;
}

function readOptionalReasonCode(reader: ByteReader, allowed: ReadonlySet<number>, packetName: string): number {
  if (reader.remaining === 0) return 0;
  const code = reader.u8();
  if (!allowed.has(code)) throw malformed(`${packetName} reason code 0x${code.toString(16)}`);
  return code;
}
