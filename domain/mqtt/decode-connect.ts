import type { ByteReader } from "./byte-reader";
import { malformed, MqttProtocolError, protocolError } from "./errors";
import type { ConnackPacket, ConnackProperties, ConnectPacket, ConnectProperties, ProtocolLevel, QoS, Will, WillProperties } from "./packets";
import { readProperties } from "./property-reader";
import { PropertyContext } from "./properties";
import { CONNACK_REASON_CODES, ReasonCode } from "./reason-codes";
import { hasWildcard } from "./utf8";

// CONNECT flag bits (§3.1.2.3).
const USERNAME = 0x80;
const PASSWORD = 0x40;
const WILL_RETAIN = 0x20;
const WILL_QOS_SHIFT = 3;
const WILL = 0x04;
const CLEAN_START = 0x02;
const RESERVED = 0x01;

/**
 * CONNECT (§3.1). Self-describing: the Protocol Level inside says which version the rest of the
 * packet (and of the connection) speaks.
 */
export function decodeConnect(reader: ByteReader): ConnectPacket {
  const protocolLevel = readProtocolNameAndLevel(reader);
  const v5 = protocolLevel === 5;

  const flags = reader.u8();
  if (flags & RESERVED) throw malformed("CONNECT reserved flag set"); // [MQTT-3.1.2-3]
  const hasWill = (flags & WILL) !== 0;
  const willQos = (flags >> WILL_QOS_SHIFT) & 0b11;
  const willRetain = (flags & WILL_RETAIN) !== 0;
  if (hasWill) {
    if (willQos === 3) throw malformed("Will QoS 3"); // v5 [MQTT-3.1.2-12], 3.1.1 [MQTT-3.1.2-14]
  } else {
    if (willQos !== 0) throw malformed("Will QoS without Will Flag"); // v5 [MQTT-3.1.2-11], 3.1.1 [MQTT-3.1.2-13]
    if (willRetain) throw malformed("Will Retain without Will Flag"); // v5 [MQTT-3.1.2-13], 3.1.1 [MQTT-3.1.2-15]
  }
  const hasUsername = (flags & USERNAME) !== 0;
  const hasPassword = (flags & PASSWORD) !== 0;
  // 3.1.1 only: v5 allows a password alone (§3.1.2.9), e.g. for a token.
  if (!v5 && hasPassword && !hasUsername) throw malformed("password without user name"); // [MQTT-3.1.2-22]

  const keepAlive = reader.u16();
  const properties = v5 ? (readProperties(reader, PropertyContext.connect) as ConnectProperties | undefined) : undefined;
  if (properties?.authenticationData !== undefined && properties.authenticationMethod === undefined) {
    throw protocolError("authentication data without method"); // §3.1.2.11.10
  }

  // Payload, in this order [MQTT-3.1.3-1]: Client Identifier, Will Properties, Will Topic,
  // Will Payload, User Name, Password; each present exactly when its flag says so.
  const clientId = reader.string(); // [MQTT-3.1.3-3] [MQTT-3.1.3-4]
  const packet: ConnectPacket = { type: "connect", protocolLevel, clientId, keepAlive, cleanStart: (flags & CLEAN_START) !== 0 };
  if (hasWill) packet.will = readWill(reader, v5, willQos as QoS, willRetain);
  if (hasUsername) packet.username = reader.string(); // v5 [MQTT-3.1.2-17], 3.1.1 [MQTT-3.1.2-19]
  if (hasPassword) packet.password = reader.binary(); // v5 [MQTT-3.1.2-19], 3.1.1 [MQTT-3.1.2-21]
  if (properties !== undefined) packet.properties = properties;
  return packet;
}

/**
 * Protocol Name "MQTT" [MQTT-3.1.2-1] and a Protocol Level this codec speaks [MQTT-3.1.2-2].
 * Anything else (e.g. MQTT 3.1's "MQIsdp", level 3) is UnsupportedProtocolVersion; the level asked
 * for travels with the error so the broker can refuse in a format the client reads.
 */
function readProtocolNameAndLevel(reader: ByteReader): ProtocolLevel {
  const nameLength = reader.u16();
  const nameStart = reader.pos;
  const bytes = reader.bytes;
  const isMqtt =
    nameLength === 4 &&
    reader.remaining >= 4 &&
    bytes[nameStart] === 0x4d && // M
    bytes[nameStart + 1] === 0x51 && // Q
    bytes[nameStart + 2] === 0x54 && // T
    bytes[nameStart + 3] === 0x54; // T
  if (!isMqtt) {
    const levelAt = nameStart + nameLength;
    const requested = levelAt < reader.end ? bytes[levelAt] : undefined;
    throw new MqttProtocolError(ReasonCode.UnsupportedProtocolVersion, "protocol name is not MQTT", requested);
  }
  reader.pos = nameStart + 4;
  const level = reader.u8();
  if (level !== 4 && level !== 5) {
    throw new MqttProtocolError(ReasonCode.UnsupportedProtocolVersion, `unsupported protocol level ${level}`, level);
  }
  return level;
}

function readWill(reader: ByteReader, v5: boolean, qos: QoS, retain: boolean): Will {
  const properties = v5 ? (readProperties(reader, PropertyContext.will) as WillProperties | undefined) : undefined;
  const topic = reader.string(); // v5 [MQTT-3.1.3-11]
  // The Will Topic is published like a PUBLISH topic, so the same Topic Name rules hold.
  if (topic.length === 0) throw protocolError("empty Will Topic"); // [MQTT-4.7.3-1]
  if (hasWildcard(topic)) throw new MqttProtocolError(ReasonCode.TopicNameInvalid, "wildcard in Will Topic"); // [MQTT-3.3.2-2]
  const payload = reader.binary();
  const will: Will = { topic, payload, qos, retain };
  if (properties !== undefined) will.properties = properties;
  return will;
}

const SESSION_PRESENT = 0x01;

/** CONNACK (§3.2). */
export function decodeConnack(reader: ByteReader, protocolLevel: ProtocolLevel): ConnackPacket {
  const ackFlags = reader.u8();
  if (ackFlags & ~SESSION_PRESENT) throw malformed("CONNACK reserved flags set"); // v5 [MQTT-3.2.2-1], 3.1.1 §3.2.2.1
  const sessionPresent = (ackFlags & SESSION_PRESENT) !== 0;
  const reasonCode = reader.u8();
  if (protocolLevel === 5) {
    if (!CONNACK_REASON_CODES.has(reasonCode)) throw malformed(`CONNACK reason code 0x${reasonCode.toString(16)}`);
  } else if (reasonCode > 5) {
    throw malformed(`reserved CONNACK return code ${reasonCode}`); // 3.1.1 §3.2.2.3: 6–255 reserved
  }
  // v5 [MQTT-3.2.2-6], 3.1.1 [MQTT-3.2.2-4]: a refusal never resumes a session.
  if (sessionPresent && reasonCode !== 0) throw protocolError("session present on a refused connection");
  const packet: ConnackPacket = { type: "connack", sessionPresent, reasonCode };
  if (protocolLevel === 5) {
    const properties = readProperties(reader, PropertyContext.connack) as ConnackProperties | undefined;
    if (properties !== undefined) packet.properties = properties;
  }
  return packet;
}
