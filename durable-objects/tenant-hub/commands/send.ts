/**
 * The PUBLISH that carries a command to the connection that will take it to the device: QoS 1
 * when the device subscribed at QoS 1 (so its PUBACK can prove delivery), the topic relative to
 * the connection's mountpoint, and for MQTT 5 the remaining Message Expiry, a Response Topic and
 * the command id as Correlation Data. MQTT 3.1.1 gets the plain topic form.
 */
import { remainingSeconds } from "../../../domain/commands/deadlines";
import { commandResponseTopic, commandTopic } from "../../../domain/commands/topics";
import type { PublishPacket } from "../../../domain/mqtt";
import { unmountTopic } from "../../../domain/topics";
import type { Connection } from "../connection";
import type { CommandRecord } from "./store";

const encoder = new TextEncoder();

/** What the device reads: the id (also in the topic), what to do, and until when it is valid. */
function commandPayload(c: CommandRecord): Uint8Array {
  return encoder.encode(JSON.stringify({ id: c.id, method: c.method, params: c.params ?? null, responseRequired: c.responseRequired, expiresAt: c.expiresAt }));
}

/** The packet for `conn`, or null when the command's topic lies outside the connection's mountpoint. */
export function commandPacket(tenantId: string, conn: Connection, c: CommandRecord, qos: 0 | 1, packetId: number | undefined, now: number): PublishPacket | null {
  const topic = unmountTopic(conn.state.mountpoint, commandTopic(tenantId, c.deviceId, c.id));
  if (topic === null) return null;
  const packet: PublishPacket = { type: "publish", topic, payload: commandPayload(c), qos, retain: false, dup: false, ...(packetId !== undefined ? { packetId } : {}) };
  if (conn.v5) {
    const responseTopic = unmountTopic(conn.state.mountpoint, commandResponseTopic(tenantId, c.deviceId, c.id));
    packet.properties = {
      messageExpiryInterval: remainingSeconds(c.expiresAt, now),
      payloadFormatIndicator: true,
      contentType: "application/json",
      correlationData: encoder.encode(c.id),
      ...(responseTopic !== null && c.responseRequired ? { responseTopic } : {}),
    };
  }
  return packet;
}
