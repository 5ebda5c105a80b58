/**
 * SUBSCRIBE: validate each filter, mount it, check the ACL and the plan's subscription limit,
 * store it in the session, answer SUBACK with one code per filter, then send matching retained
 * messages as Retain Handling asks (never for shared subscriptions).
 */
import { MqttProtocolError, ReasonCode, v3SubackReturnCode, type SubscribePacket } from "../../../domain/mqtt";
import { canSubscribe, mountFilter, parseSubscription, validateTopicFilter } from "../../../domain/topics";
import type { Broker } from "../broker";
import type { Connection } from "../connection";
import { deliver } from "../delivery";
import type { HubMessage } from "../message";

export function handleSubscribe(broker: Broker, conn: Connection, packet: SubscribePacket): void {
  const { principal, clientId, mountpoint } = conn.state;
  const subscriptionId = packet.properties?.subscriptionIdentifier ?? null;
  const limit = broker.effects.limits().maxSubscriptionsPerConnection;
  const now = broker.effects.now();
  const codes: number[] = [];
  const retainedToSend: HubMessage[] = [];

  for (const sub of packet.subscriptions) {
    const valid = validateTopicFilter(sub.topicFilter);
    if (!valid.ok) {
      codes.push(ReasonCode.TopicFilterInvalid);
      continue;
    }
    const filter = mountFilter(mountpoint, sub.topicFilter);
    const { shareGroup, filter: inner } = parseSubscription(filter);
    // No Local on a shared subscription is a protocol error [MQTT-3.8.3-4].
    if (shareGroup && sub.noLocal) throw new MqttProtocolError(ReasonCode.ProtocolError, "no local on a shared subscription");
    const decision = canSubscribe(principal!, filter);
    if (!decision.allowed) {
      broker.stats.denied++;
      broker.effects.audit({
        actorType: principal!.credential.kind,
        actorId: principal!.credential.id,
        action: "mqtt.subscribe",
        outcome: "denied",
        targetType: "topic_filter",
        targetId: filter,
        details: { clientId, reason: decision.reason },
      });
      codes.push(ReasonCode.NotAuthorized);
      continue;
    }
    const existing = broker.sessions.subscriptionsOf(clientId).some((s) => s.filter === filter);
    if (!existing && broker.sessions.subscriptionCount(clientId) >= limit) {
      broker.limiter.hit("maxSubscriptionsPerConnection", clientId);
      codes.push(ReasonCode.QuotaExceeded);
      continue;
    }
    const stored = { clientId, filter, qos: sub.qos, noLocal: sub.noLocal, retainAsPublished: sub.retainAsPublished, retainHandling: sub.retainHandling, subscriptionId };
    const isNew = broker.sessions.subscribe(stored);
    broker.indexSubscription(stored);
    codes.push(sub.qos); // granted QoS 0, 1 or 2
    // Retained messages: 0 = always, 1 = only for a new subscription, 2 = never [MQTT-3.3.1-9..11].
    if (!shareGroup && (sub.retainHandling === 0 || (sub.retainHandling === 1 && isNew))) {
      for (const m of broker.retained.matching(inner, now)) {
        retainedToSend.push({ ...m, qos: Math.min(m.qos, sub.qos) as 0 | 1 | 2, retain: true, properties: subscriptionId !== null ? { ...m.properties, subscriptionIdentifiers: [subscriptionId] } : m.properties });
      }
    }
  }

  conn.send({ type: "suback", packetId: packet.packetId, reasonCodes: conn.v5 ? codes : codes.map(v3SubackReturnCode) });
  for (const m of retainedToSend) deliver(broker, clientId, m);
  // A device subscribing to its `cmd/+` may have commands waiting.
  broker.commands.connectionReady(conn);
  // A new subscriber to the stats topic starts the periodic $SYS publication.
  broker.effects.reschedule();
}
