import { binarySize, ByteWriter, stringSize } from "./byte-writer";
import type { ConnackPacket, ConnectPacket, ProtocolLevel } from "./packets";
import { propertiesBlockSize, propertiesSize, writeProperties } from "./property-writer";
import { PropertyContext } from "./properties";
import { CONNACK_REASON_CODES, requireReasonCode } from "./reason-codes";
import { hasWildcard } from "./utf8";

/** "MQTT" as a length-prefixed string (§3.1.2.1). */
const PROTOCOL_NAME = Uint8Array.of(0x00, 0x04, 0x4d, 0x51, 0x54, 0x54);

/** CONNECT (§3.1). */
export function encodeConnect(packet: ConnectPacket, protocolLevel: ProtocolLevel): Uint8Array {
  if (packet.protocolLevel !== protocolLevel) {
    throw new RangeError(`CONNECT says protocol level ${packet.protocolLevel} but is encoded as ${protocolLevel}`);
  }
  const v5 = protocolLevel === 5;
  const { will, username, password, properties } = packet;
  if (!v5 && password !== undefined && username === undefined) {
    throw new RangeError("MQTT 3.1.1 allows a password only with a user name"); // [MQTT-3.1.2-22]
  }
  if (will !== undefined) {
    if (!(will.qos >= 0 && will.qos <= 2)) throw new RangeError(`Will QoS ${will.qos}`);
    if (will.topic.length === 0 || hasWildcard(will.topic)) throw new RangeError("the Will Topic must be a topic name"); // [MQTT-3.3.2-2]
  }
  if (v5 && properties?.authenticationData !== undefined && properties.authenticationMethod === undefined) {
    throw new RangeError("authenticationData needs an authenticationMethod"); // §3.1.2.11.10
  }

  const propertiesContent = v5 ? propertiesSize(properties, PropertyContext.connect) : 0;
  const willPropertiesContent = v5 && will !== undefined ? propertiesSize(will.properties, PropertyContext.will) : 0;
  let remainingLength = PROTOCOL_NAME.length + 1 + 1 + 2 + stringSize(packet.clientId);
  if (v5) remainingLength += propertiesBlockSize(propertiesContent);
  if (will !== undefined) {
    remainingLength += stringSize(will.topic) + binarySize(will.payload);
    if (v5) remainingLength += propertiesBlockSize(willPropertiesContent);
  }
  if (username !== undefined) remainingLength += stringSize(username);
  if (password !== undefined) remainingLength += binarySize(password);

  // Connect Flags (§3.1.2.3); bit 0 stays 0 [MQTT-3.1.2-3].
  let flags = packet.cleanStart ? 0x02 : 0;
  if (will !== undefined) flags |= 0x04 | (will.qos << 3) | (will.retain ? 0x20 : 0);
  if (password !== undefined) flags |= 0x40;
  if (username !== undefined) flags |= 0x80;

  const writer = ByteWriter.forPacket(0x10, remainingLength);
  writer.raw(PROTOCOL_NAME);
  writer.u8(protocolLevel);
  writer.u8(flags);
  writer.u16(packet.keepAlive);
  if (v5) writeProperties(writer, properties, PropertyContext.connect, propertiesContent);
  // Payload order [MQTT-3.1.3-1].
  writer.string(packet.clientId);
  if (will !== undefined) {
    if (v5) writeProperties(writer, will.properties, PropertyContext.will, willPropertiesContent);
    writer.string(will.topic);
    writer.binary(will.payload);
  }
  if (username !== undefined) writer.string(username);
  if (password !== undefined) writer.binary(password);
  return writer.finish();
}

/** CONNACK (§3.2). */
export function encodeConnack(packet: ConnackPacket, protocolLevel: ProtocolLevel): Uint8Array {
  const { reasonCode, sessionPresent } = packet;
  if (protocolLevel === 5) {
    requireReasonCode(reasonCode, CONNACK_REASON_CODES);
  } else if (!(reasonCode >= 0 && reasonCode <= 5)) {
    throw new RangeError(`3.1.1 CONNACK return code ${reasonCode}: map v5 reasons with v3ConnackReturnCode`);
  }
  if (sessionPresent && reasonCode !== 0) {
    throw new RangeError("a refused CONNACK must not have session present"); // v5 [MQTT-3.2.2-6], 3.1.1 [MQTT-3.2.2-4]
  }
  const v5 = protocolLevel === 5;
  const propertiesContent = v5 ? propertiesSize(packet.properties, PropertyContext.connack) : 0;
  const writer = ByteWriter.forPacket(0x20, 2 + (v5 ? propertiesBlockSize(propertiesContent) : 0));
  writer.u8(sessionPresent ? 1 : 0);
  writer.u8(reasonCode);
  if (v5) writeProperties(writer, packet.properties, PropertyContext.connack, propertiesContent);
  return writer.finish();
}
