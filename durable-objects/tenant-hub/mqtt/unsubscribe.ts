import { ReasonCode, type UnsubscribePacket } from "../../../domain/mqtt";
import { mountFilter, validateTopicFilter } from "../../../domain/topics";
import type { Broker } from "../broker";
import type { Connection } from "../connection";

/** UNSUBSCRIBE: remove each filter from the session; v5 says per filter whether it existed. */
export function handleUnsubscribe(broker: Broker, conn: Connection, packet: UnsubscribePacket): void {
  const { clientId, mountpoint } = conn.state;
  const codes = packet.topicFilters.map((raw) => {
    if (!validateTopicFilter(raw).ok) return ReasonCode.TopicFilterInvalid;
    const filter = mountFilter(mountpoint, raw);
    const removed = broker.sessions.unsubscribe(clientId, filter);
    if (removed) broker.unindexSubscription(clientId, filter);
    return removed ? ReasonCode.Success : ReasonCode.NoSubscriptionExisted;
  });
  conn.send({ type: "unsuback", packetId: packet.packetId, ...(conn.v5 ? { reasonCodes: codes } : {}) });
}
