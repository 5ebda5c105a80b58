/** Why a connection the hub closed ended, from the MQTT reason code it closed it with. */
import type { DisconnectCause } from "../../../domain/health/states";
import { ReasonCode } from "../../../domain/mqtt";

const BY_CODE = new Map<number, DisconnectCause>([
  [ReasonCode.SessionTakenOver, "takeover"],
  [ReasonCode.KeepAliveTimeout, "keep_alive_timeout"],
  [ReasonCode.AdministrativeAction, "credentials_revoked"],
  [ReasonCode.NotAuthorized, "credentials_revoked"],
  [ReasonCode.ReceiveMaximumExceeded, "limit"],
  [ReasonCode.PacketTooLarge, "limit"],
  [ReasonCode.MessageRateTooHigh, "limit"],
  [ReasonCode.QuotaExceeded, "limit"],
  [ReasonCode.ConnectionRateExceeded, "limit"],
  [ReasonCode.ServerBusy, "limit"],
  [ReasonCode.MalformedPacket, "protocol_error"],
  [ReasonCode.ProtocolError, "protocol_error"],
  [ReasonCode.TopicAliasInvalid, "protocol_error"],
  [ReasonCode.TopicNameInvalid, "protocol_error"],
  [ReasonCode.PacketIdentifierInUse, "protocol_error"],
  [ReasonCode.PayloadFormatInvalid, "protocol_error"],
  [ReasonCode.QoSNotSupported, "protocol_error"],
]);

export function causeOfClose(reasonCode: number): DisconnectCause {
  return BY_CODE.get(reasonCode) ?? "server";
}
