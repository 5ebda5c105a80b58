import type { AnyProperties } from "./packets";

/**
 * The v5 property table (§2.2.2.2, table 2-4): identifier, name, wire type and the packets that may
 * carry each property. Decoder and encoder both work from it, so the two cannot disagree.
 */

/** Where a property list sits; one bit each so a property's permissions are a bitmask. */
export const PropertyContext = {
  connect: 1 << 0,
  will: 1 << 1,
  connack: 1 << 2,
  publish: 1 << 3,
  /** PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK and UNSUBACK: the same two properties. */
  ack: 1 << 4,
  subscribe: 1 << 5,
  unsubscribe: 1 << 6,
  disconnect: 1 << 7,
  auth: 1 << 8,
} as const;
export type PropertyContext = (typeof PropertyContext)[keyof typeof PropertyContext];

export const PROPERTY_CONTEXT_NAMES: Readonly<Record<number, string>> = {
  [PropertyContext.connect]: "CONNECT",
  [PropertyContext.will]: "Will",
  [PropertyContext.connack]: "CONNACK",
  [PropertyContext.publish]: "PUBLISH",
  [PropertyContext.ack]: "acknowledgement",
  [PropertyContext.subscribe]: "SUBSCRIBE",
  [PropertyContext.unsubscribe]: "UNSUBSCRIBE",
  [PropertyContext.disconnect]: "DISCONNECT",
  [PropertyContext.auth]: "AUTH",
};

/** Wire types (§1.5), with the value rules the spec attaches to some properties. */
export const PropertyKind = {
  /** A Byte that must be 0 or 1, surfaced as a boolean. */
  flag: 0,
  /** Maximum QoS: a Byte that must be 0 or 1 (§3.2.2.3.4). */
  qos01: 1,
  u16: 2,
  /** A Two Byte Integer for which 0 is a Protocol Error (Receive Maximum, Topic Alias). */
  u16NonZero: 3,
  u32: 4,
  /** A Four Byte Integer for which 0 is a Protocol Error (Maximum Packet Size). */
  u32NonZero: 5,
  /** Subscription Identifier: a Variable Byte Integer 1–268,435,455 (§3.3.2.3.8). */
  vbiNonZero: 6,
  string: 7,
  binary: 8,
  /** User Property: a UTF-8 String Pair, may repeat (§3.3.2.3.7). */
  pair: 9,
} as const;
export type PropertyKind = (typeof PropertyKind)[keyof typeof PropertyKind];

type PropertyName = keyof AnyProperties;

export interface PropertyDescriptor {
  readonly id: number;
  readonly name: PropertyName;
  readonly kind: PropertyKind;
  /** Bitmask of PropertyContext values where the property is allowed. */
  readonly contexts: number;
  /** This property's bit in the decoder's "already seen" mask. */
  readonly seenBit: number;
}

const C = PropertyContext;
const K = PropertyKind;
const ACKS = C.ack;
const EVERYWHERE = C.connect | C.will | C.connack | C.publish | C.ack | C.subscribe | C.unsubscribe | C.disconnect | C.auth;

export const USER_PROPERTY_ID = 0x26;
export const SUBSCRIPTION_IDENTIFIER_ID = 0x0b;

const TABLE: ReadonlyArray<Omit<PropertyDescriptor, "seenBit">> = [
  { id: 0x01, name: "payloadFormatIndicator", kind: K.flag, contexts: C.publish | C.will },
  { id: 0x02, name: "messageExpiryInterval", kind: K.u32, contexts: C.publish | C.will },
  { id: 0x03, name: "contentType", kind: K.string, contexts: C.publish | C.will },
  { id: 0x08, name: "responseTopic", kind: K.string, contexts: C.publish | C.will },
  { id: 0x09, name: "correlationData", kind: K.binary, contexts: C.publish | C.will },
  // Named subscriptionIdentifiers (a list) in PUBLISH and subscriptionIdentifier in SUBSCRIBE.
  { id: 0x0b, name: "subscriptionIdentifier", kind: K.vbiNonZero, contexts: C.publish | C.subscribe },
  { id: 0x11, name: "sessionExpiryInterval", kind: K.u32, contexts: C.connect | C.connack | C.disconnect },
  { id: 0x12, name: "assignedClientIdentifier", kind: K.string, contexts: C.connack },
  { id: 0x13, name: "serverKeepAlive", kind: K.u16, contexts: C.connack },
  { id: 0x15, name: "authenticationMethod", kind: K.string, contexts: C.connect | C.connack | C.auth },
  { id: 0x16, name: "authenticationData", kind: K.binary, contexts: C.connect | C.connack | C.auth },
  { id: 0x17, name: "requestProblemInformation", kind: K.flag, contexts: C.connect },
  { id: 0x18, name: "willDelayInterval", kind: K.u32, contexts: C.will },
  { id: 0x19, name: "requestResponseInformation", kind: K.flag, contexts: C.connect },
  { id: 0x1a, name: "responseInformation", kind: K.string, contexts: C.connack },
  { id: 0x1c, name: "serverReference", kind: K.string, contexts: C.connack | C.disconnect },
  { id: 0x1f, name: "reasonString", kind: K.string, contexts: C.connack | ACKS | C.disconnect | C.auth },
  { id: 0x21, name: "receiveMaximum", kind: K.u16NonZero, contexts: C.connect | C.connack },
  { id: 0x22, name: "topicAliasMaximum", kind: K.u16, contexts: C.connect | C.connack },
  { id: 0x23, name: "topicAlias", kind: K.u16NonZero, contexts: C.publish },
  { id: 0x24, name: "maximumQoS", kind: K.qos01, contexts: C.connack },
  { id: 0x25, name: "retainAvailable", kind: K.flag, contexts: C.connack },
  { id: 0x26, name: "userProperties", kind: K.pair, contexts: EVERYWHERE },
  { id: 0x27, name: "maximumPacketSize", kind: K.u32NonZero, contexts: C.connect | C.connack },
  { id: 0x28, name: "wildcardSubscriptionAvailable", kind: K.flag, contexts: C.connack },
  { id: 0x29, name: "subscriptionIdentifiersAvailable", kind: K.flag, contexts: C.connack },
  { id: 0x2a, name: "sharedSubscriptionAvailable", kind: K.flag, contexts: C.connack },
];

const DESCRIPTORS: readonly PropertyDescriptor[] = TABLE.map((d, index) => ({ ...d, seenBit: 1 << index }));

/** Descriptor by identifier; undefined for identifiers the spec does not define. */
export const PROPERTY_BY_ID: ReadonlyArray<PropertyDescriptor | undefined> = (() => {
  const byId: Array<PropertyDescriptor | undefined> = [];
  for (const d of DESCRIPTORS) byId[d.id] = d;
  return byId;
})();

/**
 * For each context, the properties allowed there by the name they have in that context's object:
 * the Subscription Identifier is `subscriptionIdentifiers` (a list) in PUBLISH and
 * `subscriptionIdentifier` in SUBSCRIBE.
 */
export const PROPERTIES_BY_NAME: ReadonlyMap<PropertyContext, ReadonlyMap<string, PropertyDescriptor>> = new Map(
  Object.values(PropertyContext).map((context) => [
    context,
    new Map(DESCRIPTORS.filter((d) => d.contexts & context).map((d) => [d.id === SUBSCRIPTION_IDENTIFIER_ID && context === PropertyContext.publish ? "subscriptionIdentifiers" : d.name, d])),
  ]),
);
