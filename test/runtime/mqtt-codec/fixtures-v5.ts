import type { Fixture } from "./fixtures";

const b = (...values: number[]) => Uint8Array.of(...values);

// Property objects list their keys in wire order: the encoder writes properties in key order.
export const V5_FIXTURES: Fixture[] = [
  {
    name: "5.0 CONNECT, minimal, no properties",
    protocolLevel: 5,
    // prettier-ignore
    bytes: [
      0x10, 0x0f,                               // CONNECT, remaining length 15
      0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x05, // "MQTT", level 5
      0x02,                                     // flags: clean start
      0x00, 0x3c,                               // keep alive 60
      0x00,                                     // no properties
      0x00, 0x02, 0x63, 0x31,                   // client id "c1"
    ],
    packet: { type: "connect", protocolLevel: 5, clientId: "c1", keepAlive: 60, cleanStart: true },
  },
  {
    name: "5.0 CONNECT with properties, will properties, user name and password",
    protocolLevel: 5,
    // prettier-ignore
    bytes: [
      0x10, 0x69,                               // CONNECT, remaining length 105
      0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x05,
      0xd6,                                     // user name, password, will QoS 2, will, clean start
      0x01, 0x2c,                               // keep alive 300
      0x2b,                                     // properties: 43 bytes
      0x11, 0x00, 0x00, 0x0e, 0x10,             //   session expiry interval 3600
      0x15, 0x00, 0x01, 0x6d,                   //   authentication method "m"
      0x16, 0x00, 0x02, 0x01, 0x02,             //   authentication data 01 02
      0x17, 0x00,                               //   request problem information 0
      0x19, 0x01,                               //   request response information 1
      0x21, 0x00, 0x14,                         //   receive maximum 20
      0x22, 0x00, 0x0a,                         //   topic alias maximum 10
      0x26, 0x00, 0x01, 0x6b, 0x00, 0x01, 0x76, //   user property k=v
      0x26, 0x00, 0x01, 0x6b, 0x00, 0x01, 0x77, //   user property k=w (keys may repeat)
      0x27, 0x00, 0x10, 0x00, 0x00,             //   maximum packet size 1 MiB
      0x00, 0x03, 0x64, 0x65, 0x76,             // client id "dev"
      0x20,                                     // will properties: 32 bytes
      0x01, 0x01,                               //   payload format indicator 1
      0x02, 0x00, 0x00, 0x00, 0x3c,             //   message expiry interval 60
      0x03, 0x00, 0x01, 0x74,                   //   content type "t"
      0x08, 0x00, 0x01, 0x72,                   //   response topic "r"
      0x09, 0x00, 0x02, 0x0a, 0x0b,             //   correlation data 0a 0b
      0x18, 0x00, 0x00, 0x00, 0x05,             //   will delay interval 5
      0x26, 0x00, 0x01, 0x61, 0x00, 0x01, 0x62, //   user property a=b
      0x00, 0x01, 0x77,                         // will topic "w"
      0x00, 0x01, 0x78,                         // will payload "x"
      0x00, 0x01, 0x75,                         // user name "u"
      0x00, 0x02, 0x70, 0x77,                   // password "pw"
    ],
    packet: {
      type: "connect",
      protocolLevel: 5,
      clientId: "dev",
      keepAlive: 300,
      cleanStart: true,
      properties: {
        sessionExpiryInterval: 3600,
        authenticationMethod: "m",
        authenticationData: b(1, 2),
        requestProblemInformation: false,
        requestResponseInformation: true,
        receiveMaximum: 20,
        topicAliasMaximum: 10,
        userProperties: [
          ["k", "v"],
          ["k", "w"],
        ],
        maximumPacketSize: 1048576,
      },
      will: {
        topic: "w",
        payload: b(0x78),
        qos: 2,
        retain: false,
        properties: {
          payloadFormatIndicator: true,
          messageExpiryInterval: 60,
          contentType: "t",
          responseTopic: "r",
          correlationData: b(0x0a, 0x0b),
          willDelayInterval: 5,
          userProperties: [["a", "b"]],
        },
      },
      username: "u",
      password: b(0x70, 0x77),
    },
  },
  {
    name: "5.0 CONNECT with a password and no user name, empty client id",
    protocolLevel: 5,
    // prettier-ignore
    bytes: [
      0x10, 0x11, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x05,
      0x42,                                     // password, clean start (allowed in v5, §3.1.2.9)
      0x00, 0x00, 0x00,                         // keep alive 0, no properties
      0x00, 0x00,                               // client id ""
      0x00, 0x02, 0x74, 0x6b,                   // password "tk"
    ],
    packet: { type: "connect", protocolLevel: 5, clientId: "", keepAlive: 0, cleanStart: true, password: b(0x74, 0x6b) },
  },
  {
    name: "5.0 CONNACK success, no properties",
    protocolLevel: 5,
    bytes: [0x20, 0x03, 0x00, 0x00, 0x00],
    packet: { type: "connack", sessionPresent: false, reasonCode: 0 },
  },
  {
    name: "5.0 CONNACK with every server property",
    protocolLevel: 5,
    // prettier-ignore
    bytes: [
      0x20, 0x43,                               // CONNACK, remaining length 67
      0x01, 0x00,                               // session present, success
      0x40,                                     // properties: 64 bytes
      0x11, 0x00, 0x00, 0x00, 0x00,             //   session expiry interval 0
      0x12, 0x00, 0x02, 0x69, 0x64,             //   assigned client identifier "id"
      0x13, 0x00, 0x78,                         //   server keep alive 120
      0x15, 0x00, 0x01, 0x6d,                   //   authentication method "m"
      0x16, 0x00, 0x01, 0x09,                   //   authentication data 09
      0x1a, 0x00, 0x02, 0x72, 0x69,             //   response information "ri"
      0x1c, 0x00, 0x02, 0x73, 0x32,             //   server reference "s2"
      0x1f, 0x00, 0x02, 0x6f, 0x6b,             //   reason string "ok"
      0x21, 0x00, 0x64,                         //   receive maximum 100
      0x22, 0x00, 0x10,                         //   topic alias maximum 16
      0x24, 0x01,                               //   maximum QoS 1
      0x25, 0x00,                               //   retain available 0
      0x26, 0x00, 0x01, 0x78, 0x00, 0x01, 0x79, //   user property x=y
      0x27, 0x00, 0x01, 0x00, 0x00,             //   maximum packet size 65536
      0x28, 0x01,                               //   wildcard subscription available 1
      0x29, 0x00,                               //   subscription identifiers available 0
      0x2a, 0x01,                               //   shared subscription available 1
    ],
    packet: {
      type: "connack",
      sessionPresent: true,
      reasonCode: 0,
      properties: {
        sessionExpiryInterval: 0,
        assignedClientIdentifier: "id",
        serverKeepAlive: 120,
        authenticationMethod: "m",
        authenticationData: b(9),
        responseInformation: "ri",
        serverReference: "s2",
        reasonString: "ok",
        receiveMaximum: 100,
        topicAliasMaximum: 16,
        maximumQoS: 1,
        retainAvailable: false,
        userProperties: [["x", "y"]],
        maximumPacketSize: 65536,
        wildcardSubscriptionAvailable: true,
        subscriptionIdentifiersAvailable: false,
        sharedSubscriptionAvailable: true,
      },
    },
  },
  {
    name: "5.0 CONNACK refusing with a reason string",
    protocolLevel: 5,
    bytes: [0x20, 0x08, 0x00, 0x87, 0x05, 0x1f, 0x00, 0x02, 0x6e, 0x6f],
    packet: { type: "connack", sessionPresent: false, reasonCode: 0x87, properties: { reasonString: "no" } },
  },
  {
    name: "5.0 PUBLISH QoS 0, no properties",
    protocolLevel: 5,
    bytes: [0x30, 0x08, 0x00, 0x03, 0x61, 0x2f, 0x62, 0x00, 0x68, 0x69],
    packet: { type: "publish", topic: "a/b", payload: b(0x68, 0x69), qos: 0, retain: false, dup: false },
  },
  {
    name: "5.0 PUBLISH QoS 1, retained, with properties",
    protocolLevel: 5,
    // prettier-ignore
    bytes: [
      0x33, 0x2d,                               // PUBLISH, QoS 1, RETAIN, remaining length 45
      0x00, 0x03, 0x73, 0x2f, 0x31,             // topic "s/1"
      0x00, 0x07,                               // packet id 7
      0x23,                                     // properties: 35 bytes
      0x01, 0x01,                               //   payload format indicator 1 (UTF-8)
      0x02, 0x00, 0x00, 0x01, 0x2c,             //   message expiry interval 300
      0x03, 0x00, 0x04, 0x74, 0x65, 0x78, 0x74, //   content type "text"
      0x08, 0x00, 0x03, 0x72, 0x2f, 0x31,       //   response topic "r/1"
      0x09, 0x00, 0x02, 0xca, 0xfe,             //   correlation data ca fe
      0x23, 0x00, 0x05,                         //   topic alias 5
      0x26, 0x00, 0x01, 0x6b, 0x00, 0x01, 0x76, //   user property k=v
      0x6f, 0x6e,                               // payload "on"
    ],
    packet: {
      type: "publish",
      topic: "s/1",
      payload: b(0x6f, 0x6e),
      qos: 1,
      retain: true,
      dup: false,
      packetId: 7,
      properties: {
        payloadFormatIndicator: true,
        messageExpiryInterval: 300,
        contentType: "text",
        responseTopic: "r/1",
        correlationData: b(0xca, 0xfe),
        topicAlias: 5,
        userProperties: [["k", "v"]],
      },
    },
  },
  {
    name: "5.0 PUBLISH QoS 2, duplicate, with several subscription identifiers",
    protocolLevel: 5,
    // prettier-ignore
    bytes: [
      0x3c, 0x10,                               // PUBLISH, DUP, QoS 2, remaining length 16
      0x00, 0x01, 0x78,                         // topic "x"
      0x01, 0x00,                               // packet id 256
      0x0a,                                     // properties: 10 bytes
      0x0b, 0x01,                               //   subscription identifier 1
      0x0b, 0x80, 0x01,                         //   subscription identifier 128
      0x0b, 0xff, 0xff, 0xff, 0x7f,             //   subscription identifier 268,435,455
    ],
    packet: {
      type: "publish",
      topic: "x",
      payload: b(),
      qos: 2,
      retain: false,
      dup: true,
      packetId: 256,
      properties: { subscriptionIdentifiers: [1, 128, 268_435_455] },
    },
  },
  {
    name: "5.0 PUBLISH with an empty topic and a topic alias",
    protocolLevel: 5,
    bytes: [0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x01, 0x7a],
    packet: { type: "publish", topic: "", payload: b(0x7a), qos: 0, retain: false, dup: false, properties: { topicAlias: 1 } },
  },
  {
    name: "5.0 PUBLISH with a multi-byte UTF-8 topic",
    protocolLevel: 5,
    // prettier-ignore
    bytes: [
      0x30, 0x0b,
      0x00, 0x07, 0xc3, 0xa9, 0x2f, 0xf0, 0x9f, 0x98, 0x80, // "é/😀"
      0x00,
      0x21,                                                 // payload "!"
    ],
    packet: { type: "publish", topic: "é/😀", payload: b(0x21), qos: 0, retain: false, dup: false },
  },
  {
    name: "5.0 PUBLISH with properties out of identifier order (any order is valid, §2.2.2.2)",
    protocolLevel: 5,
    // topic "t", properties: topic alias 2, then payload format indicator 0
    bytes: [0x30, 0x09, 0x00, 0x01, 0x74, 0x05, 0x23, 0x00, 0x02, 0x01, 0x00],
    packet: {
      type: "publish",
      topic: "t",
      payload: b(),
      qos: 0,
      retain: false,
      dup: false,
      properties: { topicAlias: 2, payloadFormatIndicator: false },
    },
  },
];
