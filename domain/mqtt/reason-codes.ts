/**
 * MQTT reason codes.
 *
 * v5.0 (§2.4, table 2-6) gives every acknowledgement a one-byte Reason Code; values below 0x80
 * mean success, 0x80 and above mean failure. v3.1.1 only has the CONNACK return codes (§3.2.2.3)
 * and the SUBACK return codes (§3.9.3), which are kept separate below because their numbers
 * mean something else.
 */

/** v5.0 Reason Codes. Several names share a value, exactly as in the spec's table. */
export const ReasonCode = {
  Success: 0x00,
  NormalDisconnection: 0x00,
  GrantedQoS0: 0x00,
  GrantedQoS1: 0x01,
  GrantedQoS2: 0x02,
  DisconnectWithWillMessage: 0x04,
  NoMatchingSubscribers: 0x10,
  NoSubscriptionExisted: 0x11,
  ContinueAuthentication: 0x18,
  ReAuthenticate: 0x19,
  UnspecifiedError: 0x80,
  MalformedPacket: 0x81,
  ProtocolError: 0x82,
  ImplementationSpecificError: 0x83,
  UnsupportedProtocolVersion: 0x84,
  ClientIdentifierNotValid: 0x85,
  BadUserNameOrPassword: 0x86,
  NotAuthorized: 0x87,
  ServerUnavailable: 0x88,
  ServerBusy: 0x89,
  Banned: 0x8a,
  ServerShuttingDown: 0x8b,
  BadAuthenticationMethod: 0x8c,
  KeepAliveTimeout: 0x8d,
  SessionTakenOver: 0x8e,
  TopicFilterInvalid: 0x8f,
  TopicNameInvalid: 0x90,
  PacketIdentifierInUse: 0x91,
  PacketIdentifierNotFound: 0x92,
  ReceiveMaximumExceeded: 0x93,
  TopicAliasInvalid: 0x94,
  PacketTooLarge: 0x95,
  MessageRateTooHigh: 0x96,
  QuotaExceeded: 0x97,
  AdministrativeAction: 0x98,
  PayloadFormatInvalid: 0x99,
  RetainNotSupported: 0x9a,
  QoSNotSupported: 0x9b,
  UseAnotherServer: 0x9c,
  ServerMoved: 0x9d,
  SharedSubscriptionsNotSupported: 0x9e,
  ConnectionRateExceeded: 0x9f,
  MaximumConnectTime: 0xa0,
  SubscriptionIdentifiersNotSupported: 0xa1,
  WildcardSubscriptionsNotSupported: 0xa2,
} as const;
export type ReasonCode = (typeof ReasonCode)[keyof typeof ReasonCode];

/** v3.1.1 CONNACK return codes (§3.2.2.3, table 3.1). 6–255 are reserved. */
export const ConnectReturnCode = {
  Accepted: 0,
  UnacceptableProtocolVersion: 1,
  IdentifierRejected: 2,
  ServerUnavailable: 3,
  BadUsernameOrPassword: 4,
  NotAuthorized: 5,
} as const;
export type ConnectReturnCode = (typeof ConnectReturnCode)[keyof typeof ConnectReturnCode];

/** v3.1.1 SUBACK return codes (§3.9.3): the granted QoS, or 0x80 for failure [MQTT-3.9.3-2]. */
export const SubackReturnCode = { GrantedQoS0: 0x00, GrantedQoS1: 0x01, GrantedQoS2: 0x02, Failure: 0x80 } as const;
export type SubackReturnCode = (typeof SubackReturnCode)[keyof typeof SubackReturnCode];

/** True for v5 codes that mean failure (§2.4: "Reason Codes ... 0x80 or greater indicate failure"). */
export function isFailure(reasonCode: number): boolean {
  return reasonCode >= 0x80;
}

/**
 * The v3.1.1 CONNACK return code closest to a v5 CONNACK reason, for a broker that thinks in
 * v5 reasons but answers a 3.1.1 client. v3.1.1 has no generic failure, so anything without a
 * closer match becomes ServerUnavailable (the client may retry later).
 */
export function v3ConnackReturnCode(reason: number): ConnectReturnCode {
  switch (reason) {
    case ReasonCode.Success:
      return ConnectReturnCode.Accepted;
    case ReasonCode.UnsupportedProtocolVersion:
      return ConnectReturnCode.UnacceptableProtocolVersion;
    case ReasonCode.ClientIdentifierNotValid:
      return ConnectReturnCode.IdentifierRejected;
    case ReasonCode.BadUserNameOrPassword:
    case ReasonCode.BadAuthenticationMethod:
      return ConnectReturnCode.BadUsernameOrPassword;
    case ReasonCode.NotAuthorized:
    case ReasonCode.Banned:
      return ConnectReturnCode.NotAuthorized;
    default:
      return ConnectReturnCode.ServerUnavailable;
  }
}

/** The v3.1.1 SUBACK return code for a v5 SUBACK reason: the granted QoS, or Failure. */
export function v3SubackReturnCode(reason: number): SubackReturnCode {
  if (reason === 0x00 || reason === 0x01 || reason === 0x02) return reason;
  return SubackReturnCode.Failure;
}

// Which v5 reason codes each packet may carry (§3.2.2.2, §3.4.2.1, §3.5.2.1, §3.6.2.1,
// §3.7.2.1, §3.9.3, §3.11.3, §3.14.2.1, §3.15.2.1). A code outside its packet's list cannot be
// given a meaning, so the decoder treats it as malformed.
const codes = (...values: number[]): ReadonlySet<number> => new Set(values);

export const CONNACK_REASON_CODES = codes(0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8c, 0x90, 0x95, 0x97, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9f);
/** PUBACK and PUBREC share one list. */
export const PUBACK_REASON_CODES = codes(0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99);
/** PUBREL and PUBCOMP share one list. */
export const PUBREL_REASON_CODES = codes(0x00, 0x92);
export const SUBACK_REASON_CODES = codes(0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8f, 0x91, 0x97, 0x9e, 0xa1, 0xa2);
export const UNSUBACK_REASON_CODES = codes(0x00, 0x11, 0x80, 0x83, 0x87, 0x8f, 0x91);
export const DISCONNECT_REASON_CODES = codes(0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8b, 0x8d, 0x8e, 0x8f, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2);
export const AUTH_REASON_CODES = codes(0x00, 0x18, 0x19);
/** v3.1.1 SUBACK return codes [MQTT-3.9.3-2]. */
export const V3_SUBACK_RETURN_CODES = codes(0x00, 0x01, 0x02, 0x80);

/** Returns `code` if the packet may carry it (one of the lists above), else throws RangeError. */
export function requireReasonCode(code: number, allowed: ReadonlySet<number>): number {
  if (!allowed.has(code)) throw new RangeError(`reason code 0x${code.toString(16)} is not valid in this packet`);
  return code;
}
