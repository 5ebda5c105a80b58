import { ReasonCode } from "./reason-codes";

/**
 * A peer broke the protocol. `reasonCode` is the v5 Reason Code to report (in a CONNACK or
 * DISCONNECT to a v5 peer; a v3.1.1 peer just gets the connection closed), `message` is a short
 * internal explanation for logs, never meant for the peer.
 */
export class MqttProtocolError extends Error {
  override readonly name = "MqttProtocolError";
  readonly reasonCode: ReasonCode;
  /**
   * For UnsupportedProtocolVersion only: the protocol level the CONNECT asked for, so a broker can
   * answer in a format that client understands (a 3.1.1-style CONNACK below level 5).
   */
  readonly requestedProtocolLevel: number | undefined;

  constructor(reasonCode: ReasonCode, message: string, requestedProtocolLevel?: number) {
    super(message);
    this.reasonCode = reasonCode;
    this.requestedProtocolLevel = requestedProtocolLevel;
  }
}

export function malformed(message: string): MqttProtocolError {
  return new MqttProtocolError(ReasonCode.MalformedPacket, message);
}

export function protocolError(message: string): MqttProtocolError {
  return new MqttProtocolError(ReasonCode.ProtocolError, message);
}
