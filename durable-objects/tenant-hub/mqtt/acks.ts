/**
 * Acknowledgements. From the client about hub → client messages: PUBACK (QoS 1 done),
 * PUBREC (QoS 2 received: answer PUBREL), PUBCOMP (QoS 2 done). From the client about client →
 * hub QoS 2 messages: PUBREL (answer PUBCOMP). Each completed delivery frees a slot of the
 * client's receive maximum, so queued messages flow on.
 */
import { ReasonCode, type PubackPacket, type PubcompPacket, type PubrecPacket, type PubrelPacket } from "../../../domain/mqtt";
import type { Broker } from "../broker";
import type { Connection } from "../connection";
import { drain } from "../delivery";

export function handlePuback(broker: Broker, conn: Connection, packet: PubackPacket): void {
  if (broker.messages.complete(conn.state.clientId, packet.packetId, "sent")) drain(broker, conn);
  else broker.commands.acknowledged(conn, packet.packetId, packet.reasonCode);
}

export function handlePubrec(broker: Broker, conn: Connection, packet: PubrecPacket): void {
  const clientId = conn.state.clientId;
  // v5: a PUBREC with an error reason ends the exchange [MQTT-4.3.3-?]: no PUBREL follows.
  if (packet.reasonCode !== undefined && packet.reasonCode >= 0x80) {
    if (broker.messages.complete(clientId, packet.packetId, "sent")) drain(broker, conn);
    return;
  }
  const known = broker.messages.release(clientId, packet.packetId);
  conn.send({ type: "pubrel", packetId: packet.packetId, ...(conn.v5 ? { reasonCode: known ? ReasonCode.Success : ReasonCode.PacketIdentifierNotFound } : {}) });
}

export function handlePubcomp(broker: Broker, conn: Connection, packet: PubcompPacket): void {
  if (broker.messages.complete(conn.state.clientId, packet.packetId, "released")) drain(broker, conn);
}

export function handlePubrel(broker: Broker, conn: Connection, packet: PubrelPacket): void {
  const known = broker.messages.endInboundQos2(conn.state.clientId, packet.packetId);
  conn.send({ type: "pubcomp", packetId: packet.packetId, ...(conn.v5 ? { reasonCode: known ? ReasonCode.Success : ReasonCode.PacketIdentifierNotFound } : {}) });
}
