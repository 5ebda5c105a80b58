import type { AnyProperties, MqttPacket, MqttPacketType, ProtocolLevel, QoS, Subscription, UserProperties } from "../../../domain/mqtt";

/**
 * Random valid packets in the decoder's canonical form (see packets.ts), from a seeded PRNG so a
 * failure can be replayed. Only what the spec allows is generated: e.g. no Topic Alias 0, no
 * session present on a refused CONNACK, no No Local on a shared subscription.
 */
export class Random {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  /** mulberry32: tiny, fast, good enough for test data. */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  bytes(maxLength: number): Uint8Array {
    return Uint8Array.from({ length: this.int(0, maxLength) }, () => this.int(0, 255));
  }
  /** Text mixing ASCII with 2-, 3- and 4-byte UTF-8 characters and a BOM. */
  text(minLength: number, maxLength: number, alphabet = TEXT_ALPHABET): string {
    let text = "";
    for (let i = this.int(minLength, maxLength); i > 0; i--) text += this.pick(alphabet);
    return text;
  }
}

const TEXT_ALPHABET = [..."abcdefxyz0129 -_./$", "é", "ß", "€", "中", "\ufeff", "😀", "𝄞"];
const TOPIC_FILTER_PARTS = ["a", "b", "+", "#", "dev-1", "é", "$SYS", ""];

/** The text alphabet has no wildcards, so any non-empty text is a valid Topic Name. */
const topicName = (r: Random) => r.text(1, 24);
const topicFilter = (r: Random) => Array.from({ length: r.int(1, 4) }, () => r.pick(TOPIC_FILTER_PARTS)).join("/") || "a";
const qos = (r: Random) => r.int(0, 2) as QoS;
const u16 = (r: Random) => r.int(0, 0xffff);
const u32 = (r: Random) => r.int(0, 0xffffffff);

const userProperties = (r: Random): UserProperties => Array.from({ length: r.int(1, 3) }, () => [r.text(0, 6), r.text(0, 8)] as [string, string]);

const PROPERTY_VALUES: { [K in keyof AnyProperties]-?: (r: Random) => AnyProperties[K] } = {
  payloadFormatIndicator: (r) => r.chance(0.5),
  messageExpiryInterval: u32,
  contentType: (r) => r.text(0, 12),
  responseTopic: topicName,
  correlationData: (r) => r.bytes(16),
  subscriptionIdentifier: (r) => r.int(1, 268_435_455),
  subscriptionIdentifiers: (r) => Array.from({ length: r.int(1, 3) }, () => r.pick([1, 127, 128, 16_383, 16_384, 268_435_455])),
  sessionExpiryInterval: u32,
  assignedClientIdentifier: (r) => r.text(1, 23),
  serverKeepAlive: u16,
  authenticationMethod: (r) => r.text(1, 10),
  authenticationData: (r) => r.bytes(32),
  requestProblemInformation: (r) => r.chance(0.5),
  willDelayInterval: u32,
  requestResponseInformation: (r) => r.chance(0.5),
  responseInformation: (r) => r.text(0, 12),
  serverReference: (r) => r.text(1, 12),
  reasonString: (r) => r.text(0, 20),
  receiveMaximum: (r) => r.int(1, 0xffff),
  topicAliasMaximum: u16,
  topicAlias: (r) => r.int(1, 0xffff),
  maximumQoS: (r) => r.int(0, 1) as 0 | 1,
  retainAvailable: (r) => r.chance(0.5),
  userProperties,
  maximumPacketSize: (r) => r.int(1, 0xffffffff),
  wildcardSubscriptionAvailable: (r) => r.chance(0.5),
  subscriptionIdentifiersAvailable: (r) => r.chance(0.5),
  sharedSubscriptionAvailable: (r) => r.chance(0.5),
};

type Name = keyof AnyProperties;
const ACK: Name[] = ["reasonString", "userProperties"];
const PROPERTIES_BY_PACKET = {
  connect: ["sessionExpiryInterval", "receiveMaximum", "maximumPacketSize", "topicAliasMaximum", "requestResponseInformation", "requestProblemInformation", "userProperties", "authenticationMethod", "authenticationData"],
  will: ["willDelayInterval", "payloadFormatIndicator", "messageExpiryInterval", "contentType", "responseTopic", "correlationData", "userProperties"],
  connack: [
    "sessionExpiryInterval",
    "receiveMaximum",
    "maximumQoS",
    "retainAvailable",
    "maximumPacketSize",
    "assignedClientIdentifier",
    "topicAliasMaximum",
    "reasonString",
    "userProperties",
    "wildcardSubscriptionAvailable",
    "subscriptionIdentifiersAvailable",
    "sharedSubscriptionAvailable",
    "serverKeepAlive",
    "responseInformation",
    "serverReference",
    "authenticationMethod",
    "authenticationData",
  ],
  publish: ["payloadFormatIndicator", "messageExpiryInterval", "topicAlias", "responseTopic", "correlationData", "userProperties", "subscriptionIdentifiers", "contentType"],
  subscribe: ["subscriptionIdentifier", "userProperties"],
  unsubscribe: ["userProperties"],
  disconnect: ["sessionExpiryInterval", "reasonString", "userProperties", "serverReference"],
  auth: ["authenticationMethod", "authenticationData", "reasonString", "userProperties"],
} satisfies Record<string, Name[]>;

/** Each allowed property with probability 1/3; undefined when none was chosen (canonical form). */
function properties<T>(r: Random, names: readonly Name[]): T | undefined {
  const chosen: Record<string, unknown> = {};
  for (const name of names) if (r.chance(1 / 3)) chosen[name] = PROPERTY_VALUES[name](r);
  // The only cross-property rule the decoder enforces: data needs a method (§3.1.2.11.10).
  if (chosen.authenticationData !== undefined && chosen.authenticationMethod === undefined) delete chosen.authenticationData;
  return Object.keys(chosen).length > 0 ? (chosen as T) : undefined;
}

/** Sets `key` only when `value` is defined, keeping absent fields absent. */
function withOptional<T extends object, K extends string, V>(target: T, key: K, value: V | undefined): T {
  if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  return target;
}

const CONNACK_V5 = [0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8c, 0x90, 0x95, 0x97, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9f];
const PUBACK_V5 = [0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99];
const PUBREL_V5 = [0x00, 0x92];
const SUBACK_V5 = [0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8f, 0x91, 0x97, 0x9e, 0xa1, 0xa2];
const UNSUBACK_V5 = [0x00, 0x11, 0x80, 0x83, 0x87, 0x8f, 0x91];
const DISCONNECT_V5 = [0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8b, 0x8d, 0x8e, 0x8f, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2];

/** A random packet of one of `only` (default: every type the version has). */
export function randomPacket(r: Random, level: ProtocolLevel, only?: readonly MqttPacketType[]): MqttPacket {
  const v5 = level === 5;
  const props = <T>(names: readonly Name[]) => (v5 ? properties<T>(r, names) : undefined);
  const types = ["connect", "connack", "publish", "puback", "pubrec", "pubrel", "pubcomp", "subscribe", "suback", "unsubscribe", "unsuback", "pingreq", "pingresp", "disconnect", ...(v5 ? (["auth"] as const) : [])] as const;
  const type = r.pick(only === undefined ? types : types.filter((t) => only.includes(t)));
  switch (type) {
    case "connect": {
      const username = r.chance(0.5) ? r.text(0, 10) : undefined;
      const password = (v5 || username !== undefined) && r.chance(0.5) ? r.bytes(12) : undefined;
      const will = r.chance(0.5) ? withOptional({ topic: topicName(r), payload: r.bytes(20), qos: qos(r), retain: r.chance(0.5) }, "properties", props(PROPERTIES_BY_PACKET.will)) : undefined;
      const packet = { type, protocolLevel: level, clientId: r.text(0, 23), keepAlive: u16(r), cleanStart: r.chance(0.5) };
      withOptional(packet, "will", will);
      withOptional(packet, "username", username);
      withOptional(packet, "password", password);
      return withOptional(packet, "properties", props(PROPERTIES_BY_PACKET.connect));
    }
    case "connack": {
      const reasonCode = v5 ? r.pick(CONNACK_V5) : r.int(0, 5);
      const packet = { type, sessionPresent: reasonCode === 0 && r.chance(0.5), reasonCode };
      return withOptional(packet, "properties", props(PROPERTIES_BY_PACKET.connack));
    }
    case "publish": {
      const q = qos(r);
      const properties = props<{ topicAlias?: number }>(PROPERTIES_BY_PACKET.publish);
      const topic = properties?.topicAlias !== undefined && r.chance(0.5) ? "" : topicName(r);
      const packet = { type, topic, payload: r.bytes(64), qos: q, retain: r.chance(0.5), dup: q > 0 && r.chance(0.5) };
      if (q > 0) withOptional(packet, "packetId", r.int(1, 0xffff));
      return withOptional(packet, "properties", properties);
    }
    case "puback":
    case "pubrec":
    case "pubrel":
    case "pubcomp": {
      const packet = { type, packetId: u16(r) };
      if (!v5) return packet;
      const codes = type === "pubrel" || type === "pubcomp" ? PUBREL_V5 : PUBACK_V5;
      return withOptional({ ...packet, reasonCode: r.pick(codes) }, "properties", props(ACK));
    }
    case "subscribe": {
      const subscriptions = Array.from({ length: r.int(1, 4) }, (): Subscription => {
        const filter = r.chance(0.2) ? `$share/g/${topicFilter(r)}` : topicFilter(r);
        if (!v5) return { topicFilter: filter, qos: qos(r), noLocal: false, retainAsPublished: false, retainHandling: 0 };
        const noLocal = !filter.startsWith("$share/") && r.chance(0.5);
        return { topicFilter: filter, qos: qos(r), noLocal, retainAsPublished: r.chance(0.5), retainHandling: r.int(0, 2) as 0 | 1 | 2 };
      });
      return withOptional({ type, packetId: r.int(1, 0xffff), subscriptions }, "properties", props(PROPERTIES_BY_PACKET.subscribe));
    }
    case "suback": {
      const reasonCodes = Array.from({ length: r.int(1, 5) }, () => (v5 ? r.pick(SUBACK_V5) : r.pick([0, 1, 2, 0x80])));
      return withOptional({ type, packetId: u16(r), reasonCodes }, "properties", props(ACK));
    }
    case "unsubscribe": {
      const topicFilters = Array.from({ length: r.int(1, 4) }, () => topicFilter(r));
      return withOptional({ type, packetId: r.int(1, 0xffff), topicFilters }, "properties", props(PROPERTIES_BY_PACKET.unsubscribe));
    }
    case "unsuback": {
      const packet = { type, packetId: u16(r) };
      if (!v5) return packet;
      const reasonCodes = Array.from({ length: r.int(0, 4) }, () => r.pick(UNSUBACK_V5));
      return withOptional({ ...packet, reasonCodes }, "properties", props(ACK));
    }
    case "pingreq":
    case "pingresp":
      return { type };
    case "disconnect":
      if (!v5) return { type };
      return withOptional({ type, reasonCode: r.pick(DISCONNECT_V5) }, "properties", props(PROPERTIES_BY_PACKET.disconnect));
    case "auth":
      return withOptional({ type, reasonCode: r.pick([0x00, 0x18, 0x19]) }, "properties", props(PROPERTIES_BY_PACKET.auth));
  }
}
