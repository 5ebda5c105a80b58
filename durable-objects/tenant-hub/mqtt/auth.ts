import { MqttProtocolError, ReasonCode } from "../../../domain/mqtt";

/**
 * AUTH: the hub offers no enhanced authentication, so CONNECT never names a method and an
 * AUTH packet is a protocol error [MQTT-4.12.0-1].
 */
export function handleAuth(): never {
  throw new MqttProtocolError(ReasonCode.ProtocolError, "enhanced authentication was not negotiated");
}
