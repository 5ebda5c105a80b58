/**
 * MQTT control packets as plain objects, for MQTT 3.1.1 (protocol level 4) and 5.0 (level 5).
 *
 * One shape serves both versions: fields that only exist in v5 (reason codes on acknowledgements,
 * properties, subscription options beyond QoS) are optional, the decoder leaves them out of v3.1.1
 * packets, and the encoder drops them when writing v3.1.1 — which is what a broker forwarding a v5
 * PUBLISH to a v3.1.1 subscriber needs.
 *
 * Canonical form (what the decoder produces, so encode→decode gives back an equal object):
 * - `properties` is absent when the packet carried none (always absent in v3.1.1); inside it,
 *   a property that was not sent is absent, never `undefined`.
 * - v5 acknowledgements always carry `reasonCode`, also when the wire form omitted it (0x00).
 * - byte-array fields (payload, password, correlationData, authenticationData) may be views into
 *   the chunk given to `MqttDecoder.push`: do not mutate a chunk after pushing it, and `.slice()`
 *   a payload you keep for long (a view keeps its whole chunk alive).
 */

/** 4 = MQTT 3.1.1, 5 = MQTT 5.0. */
export type ProtocolLevel = 4 | 5;
export type QoS = 0 | 1 | 2;
/** v5 §3.8.3.1: 0 = send retained on subscribe, 1 = only if new subscription, 2 = never. */
export type RetainHandling = 0 | 1 | 2;
/** v5 User Properties, in wire order; a key may repeat (§3.3.2.3.7). */
export type UserProperties = Array<[key: string, value: string]>;

// ---- v5 properties, by the packet that may carry them (§2.2.2.2, table 2-4) ----

export interface ConnectProperties {
  sessionExpiryInterval?: number;
  receiveMaximum?: number;
  maximumPacketSize?: number;
  topicAliasMaximum?: number;
  requestResponseInformation?: boolean;
  requestProblemInformation?: boolean;
  userProperties?: UserProperties;
  authenticationMethod?: string;
  authenticationData?: Uint8Array;
}

export interface WillProperties {
  willDelayInterval?: number;
  payloadFormatIndicator?: boolean;
  messageExpiryInterval?: number;
  contentType?: string;
  responseTopic?: string;
  correlationData?: Uint8Array;
  userProperties?: UserProperties;
}

export interface ConnackProperties {
  sessionExpiryInterval?: number;
  receiveMaximum?: number;
  maximumQoS?: 0 | 1;
  retainAvailable?: boolean;
  maximumPacketSize?: number;
  assignedClientIdentifier?: string;
  topicAliasMaximum?: number;
  reasonString?: string;
  userProperties?: UserProperties;
  wildcardSubscriptionAvailable?: boolean;
  subscriptionIdentifiersAvailable?: boolean;
  sharedSubscriptionAvailable?: boolean;
  serverKeepAlive?: number;
  responseInformation?: string;
  serverReference?: string;
  authenticationMethod?: string;
  authenticationData?: Uint8Array;
}

export interface PublishProperties {
  payloadFormatIndicator?: boolean;
  messageExpiryInterval?: number;
  topicAlias?: number;
  responseTopic?: string;
  correlationData?: Uint8Array;
  userProperties?: UserProperties;
  /** Server → client only; one per matching subscription that had an identifier (§3.3.4). */
  subscriptionIdentifiers?: number[];
  contentType?: string;
}

/** PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK and UNSUBACK all carry these two. */
export interface AckProperties {
  reasonString?: string;
  userProperties?: UserProperties;
}

export interface SubscribeProperties {
  subscriptionIdentifier?: number;
  userProperties?: UserProperties;
}

export interface UnsubscribeProperties {
  userProperties?: UserProperties;
}

export interface DisconnectProperties {
  sessionExpiryInterval?: number;
  reasonString?: string;
  userProperties?: UserProperties;
  serverReference?: string;
}

export interface AuthProperties {
  authenticationMethod?: string;
  authenticationData?: Uint8Array;
  reasonString?: string;
  userProperties?: UserProperties;
}

/** Every property name, for code that handles properties generically. */
export type AnyProperties = ConnectProperties & WillProperties & ConnackProperties & PublishProperties & SubscribeProperties & DisconnectProperties & AuthProperties;

// ---- packets ----

export interface Will {
  topic: string;
  payload: Uint8Array;
  qos: QoS;
  retain: boolean;
  /** v5 only. */
  properties?: WillProperties;
}

export interface ConnectPacket {
  type: "connect";
  protocolLevel: ProtocolLevel;
  clientId: string;
  /** Seconds; 0 disables keep-alive. */
  keepAlive: number;
  /** "Clean Session" in 3.1.1, "Clean Start" in 5.0. */
  cleanStart: boolean;
  will?: Will;
  username?: string;
  /** Binary data; v3.1.1 only allows it together with a username [MQTT-3.1.2-22]. */
  password?: Uint8Array;
  properties?: ConnectProperties;
}

export interface ConnackPacket {
  type: "connack";
  sessionPresent: boolean;
  /** v5: a Reason Code. v3.1.1: a ConnectReturnCode (0–5); see `v3ConnackReturnCode`. */
  reasonCode: number;
  properties?: ConnackProperties;
}

export interface PublishPacket {
  type: "publish";
  /** May be "" in v5 when `properties.topicAlias` names the topic (§3.3.2.3.4). */
  topic: string;
  payload: Uint8Array;
  qos: QoS;
  retain: boolean;
  dup: boolean;
  /** Present exactly when qos > 0 (1–65535). */
  packetId?: number;
  properties?: PublishProperties;
}

interface Acknowledgement {
  packetId: number;
  /** v5 only; decoded v5 packets always have it. */
  reasonCode?: number;
  properties?: AckProperties;
}
export interface PubackPacket extends Acknowledgement {
  type: "puback";
}
export interface PubrecPacket extends Acknowledgement {
  type: "pubrec";
}
export interface PubrelPacket extends Acknowledgement {
  type: "pubrel";
}
export interface PubcompPacket extends Acknowledgement {
  type: "pubcomp";
}

export interface Subscription {
  topicFilter: string;
  /** Maximum QoS the subscriber accepts. */
  qos: QoS;
  /** v5 only (false in 3.1.1). */
  noLocal: boolean;
  /** v5 only (false in 3.1.1). */
  retainAsPublished: boolean;
  /** v5 only (0 in 3.1.1). */
  retainHandling: RetainHandling;
}

export interface SubscribePacket {
  type: "subscribe";
  packetId: number;
  subscriptions: Subscription[];
  properties?: SubscribeProperties;
}

export interface SubackPacket {
  type: "suback";
  packetId: number;
  /** One per subscription, in order. v3.1.1: 0, 1, 2 or 0x80; see `v3SubackReturnCode`. */
  reasonCodes: number[];
  properties?: AckProperties;
}

export interface UnsubscribePacket {
  type: "unsubscribe";
  packetId: number;
  topicFilters: string[];
  properties?: UnsubscribeProperties;
}

export interface UnsubackPacket {
  type: "unsuback";
  packetId: number;
  /** v5 only: one per topic filter, in order. */
  reasonCodes?: number[];
  properties?: AckProperties;
}

interface PingreqPacket {
  type: "pingreq";
}
interface PingrespPacket {
  type: "pingresp";
}

export interface DisconnectPacket {
  type: "disconnect";
  /** v5 only; decoded v5 packets always have it. */
  reasonCode?: number;
  properties?: DisconnectProperties;
}

/** v5 only (packet type 15 is reserved in 3.1.1). */
export interface AuthPacket {
  type: "auth";
  reasonCode: number;
  properties?: AuthProperties;
}

export type MqttPacket =
  | ConnectPacket
  | ConnackPacket
  | PublishPacket
  | PubackPacket
  | PubrecPacket
  | PubrelPacket
  | PubcompPacket
  | SubscribePacket
  | SubackPacket
  | UnsubscribePacket
  | UnsubackPacket
  | PingreqPacket
  | PingrespPacket
  | DisconnectPacket
  | AuthPacket;

export type MqttPacketType = MqttPacket["type"];
/** The packet object of one type, e.g. `PacketOfType<"publish">`. */
export type PacketOfType<T extends MqttPacketType> = Extract<MqttPacket, { type: T }>;
