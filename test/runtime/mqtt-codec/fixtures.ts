import type { MqttPacket, ProtocolLevel } from "../../../domain/mqtt";

/**
 * Packets written out byte by byte from the MQTT 3.1.1 and 5.0 specifications, with the object
 * each must decode to. Canonical fixtures are also what the encoder must produce from the object;
 * `decodeOnly` ones are valid but not the encoder's chosen form (e.g. a v5 PUBACK spelling out a
 * Success reason code the encoder leaves off).
 */
export interface Fixture {
  name: string;
  protocolLevel: ProtocolLevel;
  bytes: number[];
  packet: MqttPacket;
  decodeOnly?: boolean;
}

const b = (...values: number[]) => Uint8Array.of(...values);

export const V311_FIXTURES: Fixture[] = [
  {
    name: "3.1.1 CONNECT, minimal",
    protocolLevel: 4,
    // prettier-ignore
    bytes: [
      0x10, 0x0e,                               // CONNECT, remaining length 14
      0x00, 0x04, 0x4d, 0x51, 0x54, 0x54,       // protocol name "MQTT"
      0x04,                                     // protocol level 4
      0x02,                                     // flags: clean session
      0x00, 0x3c,                               // keep alive 60
      0x00, 0x02, 0x63, 0x31,                   // client id "c1"
    ],
    packet: { type: "connect", protocolLevel: 4, clientId: "c1", keepAlive: 60, cleanStart: true },
  },
  {
    name: "3.1.1 CONNECT with will, user name and password",
    protocolLevel: 4,
    // prettier-ignore
    bytes: [
      0x10, 0x20,                               // CONNECT, remaining length 32
      0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, // "MQTT", level 4
      0xec,                                     // user name, password, will retain, will QoS 1, will
      0x00, 0x1e,                               // keep alive 30
      0x00, 0x03, 0x64, 0x65, 0x76,             // client id "dev"
      0x00, 0x03, 0x77, 0x2f, 0x74,             // will topic "w/t"
      0x00, 0x03, 0x62, 0x79, 0x65,             // will message "bye"
      0x00, 0x01, 0x75,                         // user name "u"
      0x00, 0x02, 0x70, 0x77,                   // password "pw"
    ],
    packet: {
      type: "connect",
      protocolLevel: 4,
      clientId: "dev",
      keepAlive: 30,
      cleanStart: false,
      will: { topic: "w/t", payload: b(0x62, 0x79, 0x65), qos: 1, retain: true },
      username: "u",
      password: b(0x70, 0x77),
    },
  },
  {
    name: "3.1.1 CONNECT keeps a leading BOM in the client id [MQTT-1.5.3-3]",
    protocolLevel: 4,
    // prettier-ignore
    bytes: [
      0x10, 0x10, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x00,
      0x00, 0x04, 0xef, 0xbb, 0xbf, 0x63,       // client id U+FEFF "c"
    ],
    packet: { type: "connect", protocolLevel: 4, clientId: "\ufeffc", keepAlive: 0, cleanStart: true },
  },
  {
    name: "3.1.1 CONNACK accepted, session present",
    protocolLevel: 4,
    bytes: [0x20, 0x02, 0x01, 0x00],
    packet: { type: "connack", sessionPresent: true, reasonCode: 0 },
  },
  {
    name: "3.1.1 CONNACK not authorized",
    protocolLevel: 4,
    bytes: [0x20, 0x02, 0x00, 0x05],
    packet: { type: "connack", sessionPresent: false, reasonCode: 5 },
  },
  {
    name: "3.1.1 PUBLISH QoS 0",
    protocolLevel: 4,
    // prettier-ignore
    bytes: [
      0x30, 0x07,                               // PUBLISH, QoS 0, remaining length 7
      0x00, 0x03, 0x61, 0x2f, 0x62,             // topic "a/b"
      0x68, 0x69,                               // payload "hi"
    ],
    packet: { type: "publish", topic: "a/b", payload: b(0x68, 0x69), qos: 0, retain: false, dup: false },
  },
  {
    name: "3.1.1 PUBLISH QoS 1, retained, duplicate",
    protocolLevel: 4,
    // prettier-ignore
    bytes: [
      0x3b, 0x0a,                               // PUBLISH, DUP, QoS 1, RETAIN
      0x00, 0x03, 0x61, 0x2f, 0x62,             // topic "a/b"
      0x00, 0x0a,                               // packet id 10
      0x01, 0x02, 0x03,                         // payload
    ],
    packet: { type: "publish", topic: "a/b", payload: b(1, 2, 3), qos: 1, retain: true, dup: true, packetId: 10 },
  },
  {
    name: "3.1.1 PUBLISH QoS 2, empty payload",
    protocolLevel: 4,
    bytes: [0x34, 0x05, 0x00, 0x01, 0x74, 0x12, 0x34],
    packet: { type: "publish", topic: "t", payload: b(), qos: 2, retain: false, dup: false, packetId: 0x1234 },
  },
  {
    name: "3.1.1 PUBLISH with a two-byte remaining length",
    protocolLevel: 4,
    // remaining length 203 = 0x4b + 1 * 128 → 0xcb 0x01
    bytes: [0x30, 0xcb, 0x01, 0x00, 0x01, 0x74, ...new Array<number>(200).fill(0x55)],
    packet: { type: "publish", topic: "t", payload: new Uint8Array(200).fill(0x55), qos: 0, retain: false, dup: false },
  },
  { name: "3.1.1 PUBACK", protocolLevel: 4, bytes: [0x40, 0x02, 0x00, 0x0a], packet: { type: "puback", packetId: 10 } },
  { name: "3.1.1 PUBREC", protocolLevel: 4, bytes: [0x50, 0x02, 0x00, 0x0b], packet: { type: "pubrec", packetId: 11 } },
  { name: "3.1.1 PUBREL", protocolLevel: 4, bytes: [0x62, 0x02, 0x00, 0x0b], packet: { type: "pubrel", packetId: 11 } },
  { name: "3.1.1 PUBCOMP", protocolLevel: 4, bytes: [0x70, 0x02, 0x00, 0x0b], packet: { type: "pubcomp", packetId: 11 } },
  {
    name: "3.1.1 SUBSCRIBE, two topic filters",
    protocolLevel: 4,
    // prettier-ignore
    bytes: [
      0x82, 0x0c,                               // SUBSCRIBE (flags 0b0010), remaining length 12
      0x00, 0x01,                               // packet id 1
      0x00, 0x03, 0x61, 0x2f, 0x2b, 0x01,       // "a/+" QoS 1
      0x00, 0x01, 0x23, 0x00,                   // "#" QoS 0
    ],
    packet: {
      type: "subscribe",
      packetId: 1,
      subscriptions: [
        { topicFilter: "a/+", qos: 1, noLocal: false, retainAsPublished: false, retainHandling: 0 },
        { topicFilter: "#", qos: 0, noLocal: false, retainAsPublished: false, retainHandling: 0 },
      ],
    },
  },
  {
    name: "3.1.1 SUBACK with a failure",
    protocolLevel: 4,
    bytes: [0x90, 0x04, 0x00, 0x01, 0x01, 0x80],
    packet: { type: "suback", packetId: 1, reasonCodes: [0x01, 0x80] },
  },
  {
    name: "3.1.1 UNSUBSCRIBE, two topic filters",
    protocolLevel: 4,
    // prettier-ignore
    bytes: [
      0xa2, 0x0a,                               // UNSUBSCRIBE (flags 0b0010), remaining length 10
      0x00, 0x02,                               // packet id 2
      0x00, 0x03, 0x61, 0x2f, 0x2b,             // "a/+"
      0x00, 0x01, 0x23,                         // "#"
    ],
    packet: { type: "unsubscribe", packetId: 2, topicFilters: ["a/+", "#"] },
  },
  { name: "3.1.1 UNSUBACK", protocolLevel: 4, bytes: [0xb0, 0x02, 0x00, 0x02], packet: { type: "unsuback", packetId: 2 } },
  { name: "3.1.1 PINGREQ", protocolLevel: 4, bytes: [0xc0, 0x00], packet: { type: "pingreq" } },
  { name: "3.1.1 PINGRESP", protocolLevel: 4, bytes: [0xd0, 0x00], packet: { type: "pingresp" } },
  { name: "3.1.1 DISCONNECT", protocolLevel: 4, bytes: [0xe0, 0x00], packet: { type: "disconnect" } },
];

import { V5_FIXTURES } from "./fixtures-v5";
import { V5_CONTROL_FIXTURES, V5_DECODE_ONLY_FIXTURES } from "./fixtures-v5-control";

export const ALL_FIXTURES: Fixture[] = [...V311_FIXTURES, ...V5_FIXTURES, ...V5_CONTROL_FIXTURES, ...V5_DECODE_ONLY_FIXTURES];
/** Fixtures whose bytes are exactly what the encoder produces. */
export const CANONICAL_FIXTURES: Fixture[] = ALL_FIXTURES.filter((fixture) => !fixture.decodeOnly);
