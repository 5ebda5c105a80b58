import { ReasonCode } from "../../../domain/mqtt";

/**
 * Byte sequences that break one rule each, the Reason Code the decoder must report, and the
 * spec clause (MQTT 5.0 numbering unless the name says 3.1.1). `level` undefined means a fresh
 * decoder that has not seen a CONNECT yet.
 */
export interface MalformedCase {
  name: string;
  level: 4 | 5 | undefined;
  bytes: number[];
  reasonCode: number;
}

const { MalformedPacket: MALFORMED, ProtocolError: PROTOCOL } = ReasonCode;

// prettier-ignore
export const FIXED_HEADER_CASES: MalformedCase[] = [
  { name: "[MQTT-2.2.2-2] rejects 3.1.1 PUBACK with reserved flags set", level: 4, bytes: [0x41, 0x02, 0x00, 0x01], reasonCode: MALFORMED },
  { name: "[§2.1.2] rejects the forbidden packet type 0", level: 5, bytes: [0x00, 0x00], reasonCode: MALFORMED },
  { name: "[MQTT-3.8.1-1] rejects SUBSCRIBE with wrong fixed-header flags", level: 5, bytes: [0x80, 0x06, 0x00, 0x01, 0x00, 0x01, 0x74, 0x00], reasonCode: MALFORMED },
  { name: "[MQTT-3.8.1-1] rejects 3.1.1 SUBSCRIBE with wrong fixed-header flags", level: 4, bytes: [0x83, 0x06, 0x00, 0x01, 0x00, 0x01, 0x74, 0x00], reasonCode: MALFORMED },
  { name: "[MQTT-3.10.1-1] rejects UNSUBSCRIBE with wrong fixed-header flags", level: 5, bytes: [0xa0, 0x05, 0x00, 0x01, 0x00, 0x01, 0x74], reasonCode: MALFORMED },
  { name: "[MQTT-3.6.1-1] rejects PUBREL with wrong fixed-header flags", level: 4, bytes: [0x60, 0x02, 0x00, 0x01], reasonCode: MALFORMED },
  { name: "[MQTT-3.14.1-1] rejects DISCONNECT with reserved flags set", level: 5, bytes: [0xe1, 0x00], reasonCode: MALFORMED },
  { name: "[MQTT-3.15.1-1] rejects AUTH with reserved flags set", level: 5, bytes: [0xf1, 0x00], reasonCode: MALFORMED },
  { name: "[MQTT-3.3.1-4] rejects PUBLISH with QoS 3", level: 5, bytes: [0x36, 0x05, 0x00, 0x01, 0x74, 0x00, 0x01], reasonCode: MALFORMED },
  { name: "[MQTT-3.3.1-2] rejects QoS 0 PUBLISH with DUP set", level: 4, bytes: [0x38, 0x03, 0x00, 0x01, 0x74], reasonCode: MALFORMED },
  { name: "[MQTT-2.2.2-2] rejects AUTH (reserved type 15) in 3.1.1", level: 4, bytes: [0xf0, 0x00], reasonCode: MALFORMED },
  { name: "[§1.5.5] rejects a remaining length longer than 4 bytes", level: 5, bytes: [0x30, 0xff, 0xff, 0xff, 0xff, 0x01], reasonCode: MALFORMED },
  { name: "[MQTT-1.5.5-1] rejects a remaining length not minimally encoded", level: 5, bytes: [0xc0, 0x80, 0x00], reasonCode: MALFORMED },
  { name: "[MQTT-3.1.0-1] rejects a first packet that is not CONNECT", level: undefined, bytes: [0xc0, 0x00], reasonCode: PROTOCOL },
  { name: "[§3.12.1] rejects PINGREQ with a body", level: 5, bytes: [0xc0, 0x01, 0x00], reasonCode: MALFORMED },
  { name: "[§3.14] rejects a 3.1.1 DISCONNECT with a body", level: 4, bytes: [0xe0, 0x01, 0x00], reasonCode: MALFORMED },
  { name: "[§3.4.1] rejects a 3.1.1 PUBACK with bytes left over", level: 4, bytes: [0x40, 0x03, 0x00, 0x01, 0x00], reasonCode: MALFORMED },
];

// CONNECT bodies share: "MQTT", a level, flags, keep alive 0, (v5: properties), client id "c".
// prettier-ignore
export const CONNECT_CASES: MalformedCase[] = [
  { name: "[MQTT-3.1.2-1] answers an MQTT 3.1 (\"MQIsdp\") CONNECT with UnsupportedProtocolVersion", level: undefined,
    bytes: [0x10, 0x0f, 0x00, 0x06, 0x4d, 0x51, 0x49, 0x73, 0x64, 0x70, 0x03, 0x02, 0x00, 0x00, 0x00, 0x01, 0x63], reasonCode: ReasonCode.UnsupportedProtocolVersion },
  { name: "[MQTT-3.1.2-2] answers an unknown protocol level with UnsupportedProtocolVersion", level: undefined,
    bytes: [0x10, 0x0d, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x06, 0x02, 0x00, 0x00, 0x00, 0x01, 0x63], reasonCode: ReasonCode.UnsupportedProtocolVersion },
  { name: "[MQTT-3.1.2-3] rejects CONNECT with the reserved flag set", level: undefined,
    bytes: [0x10, 0x0d, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x03, 0x00, 0x00, 0x00, 0x01, 0x63], reasonCode: MALFORMED },
  { name: "[MQTT-3.1.2-13] rejects 3.1.1 CONNECT with Will QoS but no Will Flag", level: undefined,
    bytes: [0x10, 0x0d, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x0a, 0x00, 0x00, 0x00, 0x01, 0x63], reasonCode: MALFORMED },
  { name: "[MQTT-3.1.2-11] rejects v5 CONNECT with Will QoS but no Will Flag", level: undefined,
    bytes: [0x10, 0x0e, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x05, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x01, 0x63], reasonCode: MALFORMED },
  { name: "[MQTT-3.1.2-15] rejects 3.1.1 CONNECT with Will Retain but no Will Flag", level: undefined,
    bytes: [0x10, 0x0d, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x22, 0x00, 0x00, 0x00, 0x01, 0x63], reasonCode: MALFORMED },
  { name: "[MQTT-3.1.2-13] rejects v5 CONNECT with Will Retain but no Will Flag", level: undefined,
    bytes: [0x10, 0x0e, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x05, 0x22, 0x00, 0x00, 0x00, 0x00, 0x01, 0x63], reasonCode: MALFORMED },
  { name: "[MQTT-3.1.2-12] rejects CONNECT with Will QoS 3", level: undefined,
    bytes: [0x10, 0x0e, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x05, 0x1e, 0x00, 0x00, 0x00, 0x00, 0x01, 0x63], reasonCode: MALFORMED },
  { name: "[MQTT-3.1.2-22] rejects 3.1.1 CONNECT with a password but no user name", level: undefined,
    bytes: [0x10, 0x10, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x42, 0x00, 0x00, 0x00, 0x01, 0x63, 0x00, 0x01, 0x70], reasonCode: MALFORMED },
  { name: "[MQTT-3.1.2-19] rejects 3.1.1 CONNECT whose User Name Flag promises a missing user name", level: undefined,
    bytes: [0x10, 0x0d, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x82, 0x00, 0x00, 0x00, 0x01, 0x63], reasonCode: MALFORMED },
  { name: "[MQTT-3.1.3-1] rejects CONNECT with bytes after the payload", level: undefined,
    bytes: [0x10, 0x0e, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x00, 0x00, 0x01, 0x63, 0x00], reasonCode: MALFORMED },
  { name: "[MQTT-1.5.3-2] rejects 3.1.1 CONNECT with U+0000 in the client id", level: undefined,
    bytes: [0x10, 0x0d, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00], reasonCode: MALFORMED },
  { name: "[§3.1.2.11.3] rejects CONNECT with Receive Maximum 0", level: undefined,
    bytes: [0x10, 0x11, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x05, 0x02, 0x00, 0x00, 0x03, 0x21, 0x00, 0x00, 0x00, 0x01, 0x63], reasonCode: PROTOCOL },
  { name: "[§3.1.2.11.4] rejects CONNECT with Maximum Packet Size 0", level: undefined,
    bytes: [0x10, 0x13, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x05, 0x02, 0x00, 0x00, 0x05, 0x27, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x63], reasonCode: PROTOCOL },
  { name: "[§3.1.2.11.2] rejects CONNECT with Session Expiry Interval twice", level: undefined,
    bytes: [0x10, 0x18, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x05, 0x02, 0x00, 0x00, 0x0a, 0x11, 0x00, 0x00, 0x00, 0x01, 0x11, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x63], reasonCode: PROTOCOL },
  { name: "[§2.2.2.2] rejects CONNECT with an unknown property identifier", level: undefined,
    bytes: [0x10, 0x10, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x05, 0x02, 0x00, 0x00, 0x02, 0x7f, 0x00, 0x00, 0x01, 0x63], reasonCode: MALFORMED },
  { name: "[§2.2.2.2] rejects CONNECT carrying a Topic Alias (a PUBLISH-only property)", level: undefined,
    bytes: [0x10, 0x11, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x05, 0x02, 0x00, 0x00, 0x03, 0x23, 0x00, 0x01, 0x00, 0x01, 0x63], reasonCode: PROTOCOL },
  { name: "[§3.1.2.11.7] rejects CONNECT with Request Problem Information 2", level: undefined,
    bytes: [0x10, 0x10, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x05, 0x02, 0x00, 0x00, 0x02, 0x17, 0x02, 0x00, 0x01, 0x63], reasonCode: PROTOCOL },
  { name: "[§3.1.2.11.10] rejects CONNECT with Authentication Data but no Authentication Method", level: undefined,
    bytes: [0x10, 0x12, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x05, 0x02, 0x00, 0x00, 0x04, 0x16, 0x00, 0x01, 0x01, 0x00, 0x01, 0x63], reasonCode: PROTOCOL },
  { name: "[MQTT-3.3.2-2] rejects a Will Topic with a wildcard", level: undefined,
    bytes: [0x10, 0x16, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x05, 0x06, 0x00, 0x00, 0x00, 0x00, 0x01, 0x63,
            0x00, 0x00, 0x03, 0x61, 0x2f, 0x23, 0x00, 0x00], reasonCode: ReasonCode.TopicNameInvalid },
];

// prettier-ignore
export const PUBLISH_CASES: MalformedCase[] = [
  { name: "[MQTT-2.2.1-3] rejects QoS 1 PUBLISH with packet identifier 0", level: 5, bytes: [0x32, 0x06, 0x00, 0x01, 0x74, 0x00, 0x00, 0x00], reasonCode: PROTOCOL },
  { name: "[MQTT-2.3.1-1] rejects 3.1.1 QoS 2 PUBLISH with packet identifier 0", level: 4, bytes: [0x34, 0x05, 0x00, 0x01, 0x74, 0x00, 0x00], reasonCode: PROTOCOL },
  { name: "[MQTT-3.3.2-2] rejects a topic name with a multi-level wildcard", level: 5, bytes: [0x30, 0x04, 0x00, 0x01, 0x23, 0x00], reasonCode: ReasonCode.TopicNameInvalid },
  { name: "[MQTT-3.3.2-2] rejects a 3.1.1 topic name with a single-level wildcard", level: 4, bytes: [0x30, 0x05, 0x00, 0x03, 0x61, 0x2f, 0x2b], reasonCode: ReasonCode.TopicNameInvalid },
  { name: "[MQTT-4.7.3-1] rejects a 3.1.1 PUBLISH with an empty topic name", level: 4, bytes: [0x30, 0x02, 0x00, 0x00], reasonCode: PROTOCOL },
  { name: "[§3.3.2.3.4] rejects a v5 PUBLISH with an empty topic name and no Topic Alias", level: 5, bytes: [0x30, 0x03, 0x00, 0x00, 0x00], reasonCode: PROTOCOL },
  { name: "[MQTT-3.3.2-8] rejects Topic Alias 0", level: 5, bytes: [0x30, 0x07, 0x00, 0x01, 0x74, 0x03, 0x23, 0x00, 0x00], reasonCode: ReasonCode.TopicAliasInvalid },
  { name: "[§3.3.2.3.8] rejects Subscription Identifier 0", level: 5, bytes: [0x30, 0x06, 0x00, 0x01, 0x74, 0x02, 0x0b, 0x00], reasonCode: PROTOCOL },
  { name: "[§3.3.2.3.4] rejects Topic Alias included twice", level: 5, bytes: [0x30, 0x0a, 0x00, 0x01, 0x74, 0x06, 0x23, 0x00, 0x01, 0x23, 0x00, 0x02], reasonCode: PROTOCOL },
  { name: "[§3.3.2.3.2] rejects Payload Format Indicator 2", level: 5, bytes: [0x30, 0x06, 0x00, 0x01, 0x74, 0x02, 0x01, 0x02], reasonCode: PROTOCOL },
  { name: "[§2.2.2.2] rejects PUBLISH carrying Session Expiry Interval", level: 5, bytes: [0x30, 0x09, 0x00, 0x01, 0x74, 0x05, 0x11, 0x00, 0x00, 0x00, 0x01], reasonCode: PROTOCOL },
  { name: "[§2.2.2.2] rejects property identifier 0", level: 5, bytes: [0x30, 0x06, 0x00, 0x01, 0x74, 0x02, 0x00, 0x00], reasonCode: MALFORMED },
  { name: "[§2.2.2.1] rejects a property length running past the packet", level: 5, bytes: [0x30, 0x05, 0x00, 0x01, 0x74, 0x05, 0x01], reasonCode: MALFORMED },
  { name: "[§1.5.5] rejects a property length longer than 4 bytes", level: 5, bytes: [0x30, 0x08, 0x00, 0x01, 0x74, 0xff, 0xff, 0xff, 0xff, 0x01], reasonCode: MALFORMED },
  { name: "[§1.5.4] rejects a string length running past the packet", level: 5, bytes: [0x30, 0x05, 0x00, 0x0a, 0x61, 0x62, 0x63], reasonCode: MALFORMED },
  { name: "[MQTT-1.5.4-1] rejects ill-formed UTF-8 in a topic name", level: 4, bytes: [0x30, 0x03, 0x00, 0x01, 0xff], reasonCode: MALFORMED },
  { name: "[MQTT-1.5.4-1] rejects a UTF-8 encoded surrogate", level: 4, bytes: [0x30, 0x05, 0x00, 0x03, 0xed, 0xa0, 0x80], reasonCode: MALFORMED },
  { name: "[MQTT-1.5.4-1] rejects an overlong UTF-8 encoding", level: 4, bytes: [0x30, 0x04, 0x00, 0x02, 0xc0, 0xaf], reasonCode: MALFORMED },
  { name: "[MQTT-1.5.4-1] rejects a truncated UTF-8 sequence", level: 5, bytes: [0x30, 0x05, 0x00, 0x02, 0x61, 0xc3, 0x00], reasonCode: MALFORMED },
  { name: "[MQTT-1.5.4-2] rejects U+0000 in a topic name", level: 5, bytes: [0x30, 0x06, 0x00, 0x03, 0x61, 0x00, 0x62, 0x00], reasonCode: MALFORMED },
  { name: "[MQTT-1.5.4-2] rejects U+0000 in a user property", level: 5, bytes: [0x30, 0x0b, 0x00, 0x01, 0x74, 0x07, 0x26, 0x00, 0x01, 0x00, 0x00, 0x01, 0x76], reasonCode: MALFORMED },
];

// prettier-ignore
export const CONTROL_CASES: MalformedCase[] = [
  { name: "[§3.4.2.1] rejects a PUBACK reason code PUBACK cannot carry", level: 5, bytes: [0x40, 0x03, 0x00, 0x01, 0x01], reasonCode: MALFORMED },
  { name: "[§3.6.2.1] rejects a PUBREL reason code PUBREL cannot carry", level: 5, bytes: [0x62, 0x03, 0x00, 0x01, 0x10], reasonCode: MALFORMED },
  { name: "[§3.4.2.2.2] rejects a PUBACK with Reason String twice", level: 5, bytes: [0x40, 0x0c, 0x00, 0x01, 0x80, 0x08, 0x1f, 0x00, 0x01, 0x78, 0x1f, 0x00, 0x01, 0x79], reasonCode: PROTOCOL },
  { name: "[§2.2.2.1] rejects a property value running past its property list", level: 5, bytes: [0x40, 0x05, 0x00, 0x01, 0x80, 0x01, 0x1f], reasonCode: MALFORMED },
  { name: "[MQTT-3.8.3-3] rejects 3.1.1 SUBSCRIBE with no topic filters", level: 4, bytes: [0x82, 0x02, 0x00, 0x01], reasonCode: PROTOCOL },
  { name: "[MQTT-3.8.3-2] rejects v5 SUBSCRIBE with no topic filters", level: 5, bytes: [0x82, 0x03, 0x00, 0x01, 0x00], reasonCode: PROTOCOL },
  { name: "[MQTT-3.8.3-4] rejects 3.1.1 SUBSCRIBE with reserved bits in the requested QoS byte", level: 4, bytes: [0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 0x74, 0x04], reasonCode: MALFORMED },
  { name: "[MQTT-3.8.3-4] rejects 3.1.1 SUBSCRIBE requesting QoS 3", level: 4, bytes: [0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 0x74, 0x03], reasonCode: MALFORMED },
  { name: "[MQTT-3.8.3-5] rejects v5 SUBSCRIBE with reserved subscription option bits", level: 5, bytes: [0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, 0x74, 0x40], reasonCode: MALFORMED },
  { name: "[§3.8.3.1] rejects v5 SUBSCRIBE with Maximum QoS 3", level: 5, bytes: [0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, 0x74, 0x03], reasonCode: PROTOCOL },
  { name: "[§3.8.3.1] rejects v5 SUBSCRIBE with Retain Handling 3", level: 5, bytes: [0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, 0x74, 0x30], reasonCode: PROTOCOL },
  { name: "[MQTT-3.8.3-4] rejects No Local on a shared subscription", level: 5,
    bytes: [0x82, 0x10, 0x00, 0x01, 0x00, 0x00, 0x0a, 0x24, 0x73, 0x68, 0x61, 0x72, 0x65, 0x2f, 0x67, 0x2f, 0x74, 0x04], reasonCode: PROTOCOL },
  { name: "[MQTT-2.3.1-1] rejects 3.1.1 SUBSCRIBE with packet identifier 0", level: 4, bytes: [0x82, 0x06, 0x00, 0x00, 0x00, 0x01, 0x74, 0x00], reasonCode: PROTOCOL },
  { name: "[§3.8.2.1.2] rejects SUBSCRIBE with two Subscription Identifiers", level: 5, bytes: [0x82, 0x0b, 0x00, 0x01, 0x04, 0x0b, 0x01, 0x0b, 0x02, 0x00, 0x01, 0x74, 0x00], reasonCode: PROTOCOL },
  { name: "[§3.8.3] rejects SUBSCRIBE missing a subscription options byte", level: 4, bytes: [0x82, 0x05, 0x00, 0x01, 0x00, 0x01, 0x74], reasonCode: MALFORMED },
  { name: "[MQTT-3.9.3-2] rejects a reserved 3.1.1 SUBACK return code", level: 4, bytes: [0x90, 0x03, 0x00, 0x01, 0x03], reasonCode: MALFORMED },
  { name: "[§3.9.3] rejects a v5 SUBACK reason code SUBACK cannot carry", level: 5, bytes: [0x90, 0x04, 0x00, 0x01, 0x00, 0x03], reasonCode: MALFORMED },
  { name: "[MQTT-3.10.3-2] rejects 3.1.1 UNSUBSCRIBE with no topic filters", level: 4, bytes: [0xa2, 0x02, 0x00, 0x01], reasonCode: PROTOCOL },
  { name: "[MQTT-3.10.3-2] rejects v5 UNSUBSCRIBE with no topic filters", level: 5, bytes: [0xa2, 0x03, 0x00, 0x01, 0x00], reasonCode: PROTOCOL },
  { name: "[MQTT-2.3.1-1] rejects 3.1.1 UNSUBSCRIBE with packet identifier 0", level: 4, bytes: [0xa2, 0x05, 0x00, 0x00, 0x00, 0x01, 0x74], reasonCode: PROTOCOL },
  { name: "[§3.10.2.1] rejects UNSUBSCRIBE carrying a Reason String", level: 5, bytes: [0xa2, 0x0a, 0x00, 0x01, 0x04, 0x1f, 0x00, 0x01, 0x78, 0x00, 0x01, 0x74], reasonCode: PROTOCOL },
  { name: "[§3.11.3] rejects a v5 UNSUBACK reason code UNSUBACK cannot carry", level: 5, bytes: [0xb0, 0x04, 0x00, 0x01, 0x00, 0x10], reasonCode: MALFORMED },
  { name: "[§3.2.2.1] rejects 3.1.1 CONNACK with reserved acknowledge flags", level: 4, bytes: [0x20, 0x02, 0x02, 0x00], reasonCode: MALFORMED },
  { name: "[MQTT-3.2.2-1] rejects v5 CONNACK with reserved acknowledge flags", level: 5, bytes: [0x20, 0x03, 0x02, 0x00, 0x00], reasonCode: MALFORMED },
  { name: "[§3.2.2.3] rejects a reserved 3.1.1 CONNACK return code", level: 4, bytes: [0x20, 0x02, 0x00, 0x06], reasonCode: MALFORMED },
  { name: "[§3.2.2.2] rejects a v5 CONNACK reason code CONNACK cannot carry", level: 5, bytes: [0x20, 0x03, 0x00, 0x10, 0x00], reasonCode: MALFORMED },
  { name: "[MQTT-3.2.2-4] rejects 3.1.1 CONNACK with session present on a refusal", level: 4, bytes: [0x20, 0x02, 0x01, 0x05], reasonCode: PROTOCOL },
  { name: "[MQTT-3.2.2-6] rejects v5 CONNACK with session present on a refusal", level: 5, bytes: [0x20, 0x03, 0x01, 0x87, 0x00], reasonCode: PROTOCOL },
  { name: "[§3.2.2.3.4] rejects CONNACK with Maximum QoS 2", level: 5, bytes: [0x20, 0x05, 0x00, 0x00, 0x02, 0x24, 0x02], reasonCode: PROTOCOL },
  { name: "[§2.2.2.2] rejects CONNACK carrying a Topic Alias", level: 5, bytes: [0x20, 0x06, 0x00, 0x00, 0x03, 0x23, 0x00, 0x01], reasonCode: PROTOCOL },
  { name: "[§3.2] rejects a 3.1.1 CONNACK with bytes left over", level: 4, bytes: [0x20, 0x03, 0x00, 0x00, 0x00], reasonCode: MALFORMED },
  { name: "[§3.14.2.1] rejects a DISCONNECT reason code DISCONNECT cannot carry", level: 5, bytes: [0xe0, 0x01, 0x05], reasonCode: MALFORMED },
  { name: "[§2.2.2.2] rejects DISCONNECT carrying a Will Delay Interval", level: 5, bytes: [0xe0, 0x07, 0x00, 0x05, 0x18, 0x00, 0x00, 0x00, 0x01], reasonCode: PROTOCOL },
  { name: "[§3.15.2.1] rejects an AUTH reason code AUTH cannot carry", level: 5, bytes: [0xf0, 0x01, 0x01], reasonCode: MALFORMED },
];

// prettier-ignore
export const SESSION_CASES: MalformedCase[] = [
  { name: "[MQTT-3.1.0-2] rejects a second CONNECT", level: 4,
    bytes: [0x10, 0x0d, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x00, 0x00, 0x01, 0x63], reasonCode: PROTOCOL },
  { name: "[MQTT-3.1.0-2] rejects a second CONNECT even if it asks for another version", level: 5,
    bytes: [0x10, 0x0d, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x06, 0x02, 0x00, 0x00, 0x00, 0x01, 0x63], reasonCode: PROTOCOL },
];
