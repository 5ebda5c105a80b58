import { MqttProtocolError, ReasonCode, type DisconnectPacket } from "../../../domain/mqtt";
import type { Broker } from "../broker";
import type { Connection } from "../connection";
import { publishMessage } from "../delivery";

/**
 * DISCONNECT from the client: a normal disconnect discards the will [MQTT-3.14.4-3]; v5 reason
 * 0x04 asks for it to be published. A v5 client may change the session expiry here, but not
 * from zero [MQTT-3.14.2-2].
 */
export function handleDisconnect(broker: Broker, conn: Connection, packet: DisconnectPacket): void {
  const { clientId, connId } = conn.state;
  const now = broker.effects.now();
  const newExpiry = packet.properties?.sessionExpiryInterval;
  if (newExpiry !== undefined) {
    const session = broker.sessions.get(clientId);
    if (session && session.expiryInterval === 0 && newExpiry !== 0) throw new MqttProtocolError(ReasonCode.ProtocolError, "session expiry cannot be raised from zero");
  }
  if (packet.reasonCode === ReasonCode.DisconnectWithWillMessage) {
    // Published as after an abnormal close, Will Delay Interval included.
    broker.wills.arm(clientId, now);
    for (const { message } of broker.wills.takeDue(now)) publishMessage(broker, message);
  } else {
    broker.wills.clear(clientId);
  }
  if (newExpiry !== undefined) broker.sessions.detach(clientId, connId, now, newExpiry);
  conn.close();
  broker.connectionLost(conn, { graceful: true });
}
