/** Routes each decoded packet to its handler; the first packet must be CONNECT [MQTT-3.1.0-1]. */
import { MqttProtocolError, ReasonCode, type MqttPacket } from "../../../domain/mqtt";
import type { Broker } from "../broker";
import type { Connection } from "../connection";
import { handlePuback, handlePubcomp, handlePubrec, handlePubrel } from "./acks";
import { handleAuth } from "./auth";
import { handleConnect } from "./connect";
import { handleDisconnect } from "./disconnect";
import { handlePingreq } from "./pingreq";
import { handlePublish } from "./publish";
import { handleSubscribe } from "./subscribe";
import { handleUnsubscribe } from "./unsubscribe";

export async function dispatch(broker: Broker, conn: Connection, packet: MqttPacket): Promise<void> {
  if (packet.type === "connect") return handleConnect(broker, conn, packet);
  if (!conn.state.connected) throw new MqttProtocolError(ReasonCode.ProtocolError, `${packet.type} before CONNECT`);
  switch (packet.type) {
    case "publish":
      return handlePublish(broker, conn, packet);
    case "puback":
      return handlePuback(broker, conn, packet);
    case "pubrec":
      return handlePubrec(broker, conn, packet);
    case "pubrel":
      return handlePubrel(broker, conn, packet);
    case "pubcomp":
      return handlePubcomp(broker, conn, packet);
    case "subscribe":
      return handleSubscribe(broker, conn, packet);
    case "unsubscribe":
      return handleUnsubscribe(broker, conn, packet);
    case "pingreq":
      return handlePingreq(conn);
    case "disconnect":
      return handleDisconnect(broker, conn, packet);
    case "auth":
      return handleAuth();
    default:
      // CONNACK, SUBACK, UNSUBACK, PINGRESP are server → client only.
      throw new MqttProtocolError(ReasonCode.ProtocolError, `unexpected ${packet.type} from a client`);
  }
}
