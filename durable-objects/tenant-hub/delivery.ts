/**
 * Routing a message to subscribers: one copy per matching session (with the highest QoS and all
 * subscription identifiers of its matching subscriptions), one member per shared-subscription
 * group, QoS≥1 copies persisted until acknowledged, and offline persistent sessions queued
 * (bounded, oldest dropped first).
 */
import type { PublishPacket, QoS } from "../../domain/mqtt";
import { unmountTopic } from "../../domain/topics";
import type { Broker } from "./broker";
import type { Connection } from "./connection";
import { isExpired, remainingExpirySeconds, type HubMessage } from "./message";

type Target = { qos: QoS; retainAsPublished: boolean; subscriptionIds: number[] };

function addTarget(targets: Map<string, Target>, clientId: string, qos: QoS, rap: boolean, subId: number | null) {
  const t = targets.get(clientId) ?? { qos: 0, retainAsPublished: false, subscriptionIds: [] };
  if (qos > t.qos) t.qos = qos;
  t.retainAsPublished ||= rap;
  if (subId !== null) t.subscriptionIds.push(subId);
  targets.set(clientId, t);
}

/** Publishes a message to every matching subscription in the hub. `origin` is the publisher's connection, if any. */
export function publishMessage(broker: Broker, msg: HubMessage): void {
  const targets = new Map<string, Target>();
  const groups = new Map<string, (typeof broker.subscriptions extends Map<string, infer S> ? S : never)[]>();
  for (const key of broker.index.match(msg.topic)) {
    const sub = broker.subscriptions.get(key);
    if (!sub) continue;
    if (sub.shareGroup) {
      const group = `${sub.shareGroup}\u0000${sub.filter}`;
      const members = groups.get(group) ?? [];
      members.push(sub);
      groups.set(group, members);
      continue;
    }
    // v5 No Local: not back to the publishing client [MQTT-3.8.3-3].
    if (sub.noLocal && sub.clientId === msg.publisher) continue;
    addTarget(targets, sub.clientId, sub.qos, sub.retainAsPublished, sub.subscriptionId);
  }
  // Shared subscriptions: one member per group, round robin, preferring connected members.
  for (const [group, members] of groups) {
    const online = members.filter((m) => broker.connections.has(m.clientId));
    const pool = online.length ? online : members;
    const cursor = (broker.shareCursor.get(group) ?? -1) + 1;
    broker.shareCursor.set(group, cursor);
    const chosen = pool[cursor % pool.length]!;
    addTarget(targets, chosen.clientId, chosen.qos, chosen.retainAsPublished, chosen.subscriptionId);
  }
  for (const [clientId, t] of targets) {
    const qos = Math.min(msg.qos, t.qos) as QoS;
    // Retain is cleared on normal delivery unless Retain As Published [MQTT-3.3.1-12], [MQTT-3.3.1-13].
    const copy: HubMessage = { ...msg, qos, retain: t.retainAsPublished ? msg.retain : false, properties: t.subscriptionIds.length ? { ...msg.properties, subscriptionIdentifiers: t.subscriptionIds } : msg.properties };
    deliver(broker, clientId, copy);
  }
}

/** Delivers one subscriber's copy: sent now when connected and within its receive maximum, otherwise stored. */
export function deliver(broker: Broker, clientId: string, msg: HubMessage): void {
  const conn = broker.connections.get(clientId);
  const now = broker.effects.now();
  const limit = broker.effects.limits().maxQueuedMessagesPerSession;
  if (!conn) {
    // Offline: QoS 0 is not stored; QoS≥1 waits in the persistent session.
    if (msg.qos === 0 || !broker.sessions.get(clientId)) {
      broker.stats.dropped++;
      return;
    }
    const { dropped } = broker.messages.enqueue(clientId, msg, limit, now);
    if (dropped) {
      broker.stats.dropped += dropped;
      broker.limiter.hit("maxQueuedMessagesPerSession", clientId);
    }
    return;
  }
  if (msg.qos === 0) {
    sendPublish(broker, conn, msg, undefined, false);
    return;
  }
  const outbound = broker.messages.outboundState(clientId);
  if (outbound.inFlight < conn.state.receiveMaximum && !outbound.queued) {
    const packetId = broker.sessions.nextPacketId(clientId);
    const { id } = broker.messages.enqueue(clientId, msg, limit, now, "sent", packetId);
    sendInFlight(broker, conn, id, msg, packetId, false);
    return;
  }
  const { dropped } = broker.messages.enqueue(clientId, msg, limit, now);
  if (dropped) broker.stats.dropped += dropped;
}

/** Encodes a hub message for one client: unmounted topic, remaining expiry, topic alias. */
function sendPublish(broker: Broker, conn: Connection, msg: HubMessage, packetId: number | undefined, dup: boolean): boolean {
  const now = broker.effects.now();
  if (isExpired(msg, now)) return false;
  const topic = unmountTopic(conn.state.mountpoint, msg.topic);
  if (topic === null) return false;
  const packet: PublishPacket = { type: "publish", topic, payload: msg.payload, qos: msg.qos, retain: msg.retain, dup, ...(packetId !== undefined ? { packetId } : {}) };
  if (conn.v5) {
    const { subscriptionIdentifiers, responseTopic, ...forwarded } = msg.properties;
    const properties: NonNullable<PublishPacket["properties"]> = { ...forwarded };
    const expiry = remainingExpirySeconds(msg, now);
    if (expiry !== undefined) properties.messageExpiryInterval = expiry;
    if (responseTopic !== undefined) {
      const relative = unmountTopic(conn.state.mountpoint, responseTopic);
      if (relative !== null) properties.responseTopic = relative;
    }
    if (subscriptionIdentifiers?.length) properties.subscriptionIdentifiers = subscriptionIdentifiers;
    applyOutboundAlias(conn, packet, properties);
    if (Object.keys(properties).length) packet.properties = properties;
  }
  const sent = conn.send(packet);
  if (sent) broker.stats.messagesOut++;
  return sent;
}

/**
 * Sends a QoS≥1 message already stored as in flight. One the client cannot be sent (larger than
 * its Maximum Packet Size, outside its mountpoint, expired) is discarded as if its delivery had
 * completed [MQTT-3.1.2-25]: it must not hold a Receive Maximum slot forever nor come back on
 * resumption. A connection that is gone keeps it for the resend. Returns whether it is in flight.
 */
function sendInFlight(broker: Broker, conn: Connection, rowId: number, msg: HubMessage, packetId: number, dup: boolean): boolean {
  if (sendPublish(broker, conn, msg, packetId, dup) || conn.closed) return true;
  broker.messages.remove(rowId);
  broker.stats.dropped++;
  return false;
}

/** v5 topic aliases towards the client: the first use sends topic and alias, later ones the alias only. */
function applyOutboundAlias(conn: Connection, packet: PublishPacket, properties: NonNullable<PublishPacket["properties"]>) {
  if (conn.state.topicAliasMaximum === 0) return;
  const existing = conn.outAliases.get(packet.topic);
  if (existing !== undefined) {
    properties.topicAlias = existing;
    packet.topic = "";
    return;
  }
  if (conn.outAliases.size < conn.state.topicAliasMaximum) {
    const alias = conn.outAliases.size + 1;
    conn.outAliases.set(packet.topic, alias);
    properties.topicAlias = alias;
  }
}

/** Sends queued messages while the client's receive maximum allows [MQTT-4.9.0-2]. */
export function drain(broker: Broker, conn: Connection): void {
  const clientId = conn.state.clientId;
  const now = broker.effects.now();
  let room = conn.state.receiveMaximum - broker.messages.inFlightCount(clientId);
  while (room > 0 && !conn.closed) {
    const batch = broker.messages.queued(clientId, Math.min(room, 100));
    if (batch.length === 0) return;
    for (const row of batch) {
      if (isExpired(row.message, now)) {
        broker.messages.remove(row.id);
        continue;
      }
      const packetId = broker.sessions.nextPacketId(clientId);
      broker.messages.markSent(row.id, packetId);
      if (sendInFlight(broker, conn, row.id, row.message, packetId, false)) room--;
    }
  }
}

/** On session resumption: unacknowledged PUBLISHes again with DUP, then PUBRELs [MQTT-4.4.0-1]. */
export function resendInFlight(broker: Broker, conn: Connection): void {
  const now = broker.effects.now();
  for (const row of broker.messages.inFlight(conn.state.clientId)) {
    if (row.state === "sent" && isExpired(row.message, now)) {
      broker.messages.remove(row.id);
      continue;
    }
    if (row.state === "released") conn.send({ type: "pubrel", packetId: row.packetId!, ...(conn.v5 ? { reasonCode: 0 } : {}) });
    else sendInFlight(broker, conn, row.id, row.message, row.packetId!, true);
  }
}
