import type { Fixture } from "./fixtures";

const b = (...values: number[]) => Uint8Array.of(...values);

/** v5 acknowledgements, subscriptions, pings, DISCONNECT and AUTH. */
export const V5_CONTROL_FIXTURES: Fixture[] = [
  {
    name: "5.0 PUBACK success, short form",
    protocolLevel: 5,
    bytes: [0x40, 0x02, 0x00, 0x0a], // reason code and properties left off (§3.4.2.1)
    packet: { type: "puback", packetId: 10, reasonCode: 0 },
  },
  {
    name: "5.0 PUBACK with a reason code, no properties",
    protocolLevel: 5,
    bytes: [0x40, 0x03, 0x00, 0x0a, 0x10], // No matching subscribers
    packet: { type: "puback", packetId: 10, reasonCode: 0x10 },
  },
  {
    name: "5.0 PUBACK with reason string and user property",
    protocolLevel: 5,
    // prettier-ignore
    bytes: [
      0x40, 0x10,                               // PUBACK, remaining length 16
      0x00, 0x0a,                               // packet id 10
      0x87,                                     // Not authorized
      0x0c,                                     // properties: 12 bytes
      0x1f, 0x00, 0x02, 0x6e, 0x6f,             //   reason string "no"
      0x26, 0x00, 0x01, 0x6b, 0x00, 0x01, 0x76, //   user property k=v
    ],
    packet: {
      type: "puback",
      packetId: 10,
      reasonCode: 0x87,
      properties: { reasonString: "no", userProperties: [["k", "v"]] },
    },
  },
  {
    name: "5.0 PUBREC success, short form",
    protocolLevel: 5,
    bytes: [0x50, 0x02, 0x00, 0x0b],
    packet: { type: "pubrec", packetId: 11, reasonCode: 0 },
  },
  {
    name: "5.0 PUBREC failure with reason string",
    protocolLevel: 5,
    bytes: [0x50, 0x08, 0x00, 0x0b, 0x80, 0x04, 0x1f, 0x00, 0x01, 0x78],
    packet: { type: "pubrec", packetId: 11, reasonCode: 0x80, properties: { reasonString: "x" } },
  },
  {
    name: "5.0 PUBREL success, short form",
    protocolLevel: 5,
    bytes: [0x62, 0x02, 0x00, 0x0b],
    packet: { type: "pubrel", packetId: 11, reasonCode: 0 },
  },
  {
    name: "5.0 PUBREL packet identifier not found",
    protocolLevel: 5,
    bytes: [0x62, 0x03, 0x00, 0x0b, 0x92],
    packet: { type: "pubrel", packetId: 11, reasonCode: 0x92 },
  },
  {
    name: "5.0 PUBCOMP success, short form",
    protocolLevel: 5,
    bytes: [0x70, 0x02, 0x00, 0x0b],
    packet: { type: "pubcomp", packetId: 11, reasonCode: 0 },
  },
  {
    name: "5.0 PUBCOMP success with a user property",
    protocolLevel: 5,
    bytes: [0x70, 0x0b, 0x00, 0x0b, 0x00, 0x07, 0x26, 0x00, 0x01, 0x61, 0x00, 0x01, 0x62],
    packet: { type: "pubcomp", packetId: 11, reasonCode: 0, properties: { userProperties: [["a", "b"]] } },
  },
  {
    name: "5.0 SUBSCRIBE with subscription options and identifier",
    protocolLevel: 5,
    // prettier-ignore
    bytes: [
      0x82, 0x23,                               // SUBSCRIBE, remaining length 35
      0x00, 0x03,                               // packet id 3
      0x09,                                     // properties: 9 bytes
      0x0b, 0x2a,                               //   subscription identifier 42
      0x26, 0x00, 0x01, 0x6b, 0x00, 0x01, 0x76, //   user property k=v
      0x00, 0x03, 0x61, 0x2f, 0x2b,             // "a/+"
      0x05,                                     //   QoS 1, no local
      0x00, 0x0a, 0x24, 0x73, 0x68, 0x61, 0x72, 0x65, 0x2f, 0x67, 0x2f, 0x74, // "$share/g/t"
      0x2a,                                     //   QoS 2, retain as published, retain handling 2
      0x00, 0x01, 0x23,                         // "#"
      0x10,                                     //   QoS 0, retain handling 1
    ],
    packet: {
      type: "subscribe",
      packetId: 3,
      properties: { subscriptionIdentifier: 42, userProperties: [["k", "v"]] },
      subscriptions: [
        { topicFilter: "a/+", qos: 1, noLocal: true, retainAsPublished: false, retainHandling: 0 },
        { topicFilter: "$share/g/t", qos: 2, noLocal: false, retainAsPublished: true, retainHandling: 2 },
        { topicFilter: "#", qos: 0, noLocal: false, retainAsPublished: false, retainHandling: 1 },
      ],
    },
  },
  {
    name: "5.0 SUBSCRIBE without properties",
    protocolLevel: 5,
    bytes: [0x82, 0x07, 0x00, 0x04, 0x00, 0x00, 0x01, 0x74, 0x00],
    packet: {
      type: "subscribe",
      packetId: 4,
      subscriptions: [{ topicFilter: "t", qos: 0, noLocal: false, retainAsPublished: false, retainHandling: 0 }],
    },
  },
  {
    name: "5.0 SUBACK with reason string",
    protocolLevel: 5,
    // prettier-ignore
    bytes: [
      0x90, 0x0b, 0x00, 0x03,
      0x05, 0x1f, 0x00, 0x02, 0x6f, 0x6b,       // reason string "ok"
      0x01, 0x9e, 0x00,                         // granted QoS 1, shared subscriptions not supported, granted QoS 0
    ],
    packet: { type: "suback", packetId: 3, reasonCodes: [0x01, 0x9e, 0x00], properties: { reasonString: "ok" } },
  },
  {
    name: "5.0 SUBACK without properties",
    protocolLevel: 5,
    bytes: [0x90, 0x04, 0x00, 0x04, 0x00, 0x00],
    packet: { type: "suback", packetId: 4, reasonCodes: [0x00] },
  },
  {
    name: "5.0 UNSUBSCRIBE with a user property",
    protocolLevel: 5,
    // prettier-ignore
    bytes: [
      0xa2, 0x12, 0x00, 0x05,
      0x07, 0x26, 0x00, 0x01, 0x6b, 0x00, 0x01, 0x76, // user property k=v
      0x00, 0x03, 0x61, 0x2f, 0x2b,             // "a/+"
      0x00, 0x01, 0x23,                         // "#"
    ],
    packet: { type: "unsubscribe", packetId: 5, topicFilters: ["a/+", "#"], properties: { userProperties: [["k", "v"]] } },
  },
  {
    name: "5.0 UNSUBSCRIBE without properties",
    protocolLevel: 5,
    bytes: [0xa2, 0x06, 0x00, 0x06, 0x00, 0x00, 0x01, 0x74],
    packet: { type: "unsubscribe", packetId: 6, topicFilters: ["t"] },
  },
  {
    name: "5.0 UNSUBACK without properties",
    protocolLevel: 5,
    bytes: [0xb0, 0x05, 0x00, 0x05, 0x00, 0x00, 0x11], // success, no subscription existed
    packet: { type: "unsuback", packetId: 5, reasonCodes: [0x00, 0x11] },
  },
  {
    name: "5.0 UNSUBACK with reason string",
    protocolLevel: 5,
    bytes: [0xb0, 0x08, 0x00, 0x05, 0x04, 0x1f, 0x00, 0x01, 0x78, 0x87],
    packet: { type: "unsuback", packetId: 5, reasonCodes: [0x87], properties: { reasonString: "x" } },
  },
  { name: "5.0 PINGREQ", protocolLevel: 5, bytes: [0xc0, 0x00], packet: { type: "pingreq" } },
  { name: "5.0 PINGRESP", protocolLevel: 5, bytes: [0xd0, 0x00], packet: { type: "pingresp" } },
  {
    name: "5.0 DISCONNECT normal, short form",
    protocolLevel: 5,
    bytes: [0xe0, 0x00], // §3.14.2.1: remaining length 0 means Normal disconnection
    packet: { type: "disconnect", reasonCode: 0 },
  },
  {
    name: "5.0 DISCONNECT with will message, no properties",
    protocolLevel: 5,
    bytes: [0xe0, 0x01, 0x04],
    packet: { type: "disconnect", reasonCode: 0x04 },
  },
  {
    name: "5.0 DISCONNECT with properties",
    protocolLevel: 5,
    // prettier-ignore
    bytes: [
      0xe0, 0x10,
      0x9c,                                     // Use another server
      0x0e,                                     // properties: 14 bytes
      0x11, 0x00, 0x00, 0x00, 0x00,             //   session expiry interval 0
      0x1c, 0x00, 0x02, 0x73, 0x32,             //   server reference "s2"
      0x1f, 0x00, 0x01, 0x78,                   //   reason string "x"
    ],
    packet: {
      type: "disconnect",
      reasonCode: 0x9c,
      properties: { sessionExpiryInterval: 0, serverReference: "s2", reasonString: "x" },
    },
  },
  {
    name: "5.0 AUTH success, short form",
    protocolLevel: 5,
    bytes: [0xf0, 0x00],
    packet: { type: "auth", reasonCode: 0 },
  },
  {
    name: "5.0 AUTH continue authentication",
    protocolLevel: 5,
    // prettier-ignore
    bytes: [
      0xf0, 0x16,
      0x18,                                     // Continue authentication
      0x14,                                     // properties: 20 bytes
      0x15, 0x00, 0x01, 0x6d,                   //   authentication method "m"
      0x16, 0x00, 0x02, 0x01, 0x02,             //   authentication data 01 02
      0x1f, 0x00, 0x01, 0x78,                   //   reason string "x"
      0x26, 0x00, 0x01, 0x6b, 0x00, 0x01, 0x76, //   user property k=v
    ],
    packet: {
      type: "auth",
      reasonCode: 0x18,
      properties: { authenticationMethod: "m", authenticationData: b(1, 2), reasonString: "x", userProperties: [["k", "v"]] },
    },
  },
];

/** Valid v5 packets in a form the encoder does not choose; decoded only. */
export const V5_DECODE_ONLY_FIXTURES: Fixture[] = [
  {
    name: "5.0 PUBACK spelling out Success",
    protocolLevel: 5,
    bytes: [0x40, 0x03, 0x00, 0x0a, 0x00],
    packet: { type: "puback", packetId: 10, reasonCode: 0 },
    decodeOnly: true,
  },
  {
    name: "5.0 PUBACK with an empty property list",
    protocolLevel: 5,
    bytes: [0x40, 0x04, 0x00, 0x0a, 0x00, 0x00],
    packet: { type: "puback", packetId: 10, reasonCode: 0 },
    decodeOnly: true,
  },
  {
    name: "5.0 DISCONNECT spelling out Normal disconnection and no properties",
    protocolLevel: 5,
    bytes: [0xe0, 0x02, 0x00, 0x00],
    packet: { type: "disconnect", reasonCode: 0 },
    decodeOnly: true,
  },
  {
    name: "5.0 AUTH spelling out Success",
    protocolLevel: 5,
    bytes: [0xf0, 0x01, 0x00],
    packet: { type: "auth", reasonCode: 0 },
    decodeOnly: true,
  },
];
