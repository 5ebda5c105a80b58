/**
 * CONNECT: authenticate, take over an existing connection with the same client id, start or
 * resume the session, store the will, negotiate keep-alive and limits, answer CONNACK, then
 * resend what the resumed session still owes the client.
 */
import { MqttProtocolError, ReasonCode, v3ConnackReturnCode, type ConnackPacket, type ConnectPacket } from "../../../domain/mqtt";
import { canPublish, canSubscribe, mountTopic, validateTopicName } from "../../../domain/topics";
import { BROKER_CONFIG, type Broker } from "../broker";
import type { Connection } from "../connection";
import { drain, resendInFlight } from "../delivery";
import { forwardedProperties, type HubMessage } from "../message";
import { NO_INPUTS } from "../health/store";
import { ownedByAnother } from "../session-owner";

const NEVER_EXPIRES = 0xffffffff;

function refuse(conn: Connection, reasonCode: number, reasonString: string): void {
  const v5 = conn.v5;
  const packet: ConnackPacket = { type: "connack", sessionPresent: false, reasonCode: v5 ? reasonCode : v3ConnackReturnCode(reasonCode) };
  if (v5) packet.properties = { reasonString };
  conn.send(packet);
  conn.close(); // not connected yet: no DISCONNECT, just close [MQTT-3.2.2-5]
}

const AUTH_REASON = {
  bad_credentials: ReasonCode.BadUserNameOrPassword,
  not_authorized: ReasonCode.NotAuthorized,
  client_id_invalid: ReasonCode.ClientIdentifierNotValid,
  tenant_unavailable: ReasonCode.ServerUnavailable,
} as const;

export async function handleConnect(broker: Broker, conn: Connection, packet: ConnectPacket): Promise<void> {
  // A second CONNECT is a protocol violation [MQTT-3.1.0-2].
  if (conn.state.connected) throw new MqttProtocolError(ReasonCode.ProtocolError, "second CONNECT");
  conn.state.protocolLevel = packet.protocolLevel;
  const v5 = packet.protocolLevel === 5;
  const props = packet.properties ?? {};

  // Enhanced authentication (AUTH exchanges) is not offered.
  if (props.authenticationMethod !== undefined) return refuse(conn, ReasonCode.BadAuthenticationMethod, "enhanced authentication is not supported");

  let clientId = packet.clientId;
  const assignedClientId = clientId === "";
  if (assignedClientId) {
    // v3.1.1 allows an empty client id only with a clean session [MQTT-3.1.3-8].
    if (!v5 && !packet.cleanStart) return refuse(conn, ReasonCode.ClientIdentifierNotValid, "an empty client id needs a clean session");
    clientId = `auto-${crypto.randomUUID()}`;
  }

  // Thrown out for abuse a moment ago (from any address): refused before any credential is checked.
  const cooling = broker.cooldowns.check(clientId, broker.effects.now());
  if (!cooling.allowed) return refuse(conn, ReasonCode.ConnectionRateExceeded, `this client was disconnected for abuse; retry in ${Math.ceil(cooling.retryAfterMs / 1000)} s`);

  const auth = await broker.effects.authenticate({
    clientId,
    ...(packet.username !== undefined ? { username: packet.username } : {}),
    ...(packet.password ? { password: packet.password } : {}),
    ...(conn.state.clientCertificate ? { clientCertificate: conn.state.clientCertificate } : {}),
    assignedClientId,
  });
  if (conn.closed) return;
  if (!auth.ok) {
    broker.effects.audit({
      actorType: packet.username && packet.username !== "api" ? "device" : "anonymous",
      actorId: packet.username ?? null,
      action: "mqtt.connect",
      outcome: "failure",
      details: { clientId, reason: auth.reason, detail: auth.detail },
    });
    if (auth.reason === "bad_credentials") broker.authenticationFailed(conn);
    return refuse(conn, AUTH_REASON[auth.reason], auth.detail);
  }
  const { principal, mountpoint, health } = auth;

  // Only the credential that owns the client id's session may take it over or resume it (session-owner.ts).
  if (ownedByAnother(broker, clientId, principal.credential)) {
    broker.effects.audit({ actorType: principal.credential.kind, actorId: principal.credential.id, action: "mqtt.connect", outcome: "denied", details: { clientId, reason: "session_owned_by_another_credential" } });
    return refuse(conn, ReasonCode.ClientIdentifierNotValid, "this client id's session belongs to another credential");
  }

  // The will is a publish like any other: valid topic, inside the ACL.
  let will: HubMessage | null = null;
  if (packet.will) {
    const valid = validateTopicName(packet.will.topic);
    if (!valid.ok) return refuse(conn, ReasonCode.TopicNameInvalid, `will topic: ${valid.reason}`);
    const topic = mountTopic(mountpoint, packet.will.topic);
    const decision = canPublish(principal, topic);
    if (!decision.allowed) {
      broker.stats.denied++;
      broker.effects.audit({ actorType: principal.credential.kind, actorId: principal.credential.id, action: "mqtt.will", outcome: "denied", targetType: "topic", targetId: topic, details: { clientId, reason: decision.reason } });
      return refuse(conn, ReasonCode.NotAuthorized, `will topic not allowed: ${decision.reason}`);
    }
    const willProps = packet.will.properties ?? {};
    const forwarded = forwardedProperties(willProps);
    if (forwarded.responseTopic !== undefined) forwarded.responseTopic = mountTopic(mountpoint, forwarded.responseTopic);
    will = {
      topic,
      payload: packet.will.payload,
      qos: packet.will.qos,
      retain: packet.will.retain,
      properties: forwarded,
      ...(willProps.messageExpiryInterval !== undefined ? { expiresAt: broker.effects.now() + willProps.messageExpiryInterval * 1000 } : {}),
      publisher: clientId,
    };
  }

  // The plan's connection limit (a takeover replaces a connection, it does not add one).
  const limits = broker.effects.limits();
  if (!broker.connections.has(clientId) && broker.connections.size >= limits.maxConnections) {
    broker.limiter.hit("maxConnections", clientId);
    return refuse(conn, ReasonCode.QuotaExceeded, `the plan allows ${limits.maxConnections} concurrent connections`);
  }
  broker.takeOver(clientId);

  // Session: clean start discards any previous one [MQTT-3.1.2-4]; otherwise it resumes [MQTT-3.1.2-5].
  const requestedExpiry = v5 ? (props.sessionExpiryInterval ?? 0) : packet.cleanStart ? 0 : NEVER_EXPIRES;
  const expiry = Math.min(requestedExpiry, BROKER_CONFIG.maxSessionExpirySeconds);
  const previous = broker.sessions.get(clientId);
  let sessionPresent = false;
  if (previous && !packet.cleanStart) {
    sessionPresent = true;
    // The same client id may come back with other rights: keep only what it may still read.
    for (const sub of broker.sessions.subscriptionsOf(clientId)) {
      if (!canSubscribe(principal, sub.filter).allowed) {
        broker.sessions.unsubscribe(clientId, sub.filter);
        broker.unindexSubscription(clientId, sub.filter);
      }
    }
  } else if (previous) {
    broker.endSession(clientId);
  }
  broker.sessions.open({ clientId, principal, mountpoint, protocolLevel: packet.protocolLevel, expiryInterval: expiry, connId: conn.id });
  // A new connection cancels a will still waiting out its delay.
  if (will) broker.wills.set(clientId, will, Math.min(packet.will?.properties?.willDelayInterval ?? 0, expiry));
  else broker.wills.clear(clientId);

  // Keep-alive: v5 clients asking for none or too long get the Server Keep Alive [MQTT-3.2.2-21].
  let keepAlive = packet.keepAlive;
  let serverKeepAlive: number | undefined;
  if (v5 && (keepAlive === 0 || keepAlive > BROKER_CONFIG.maxKeepAliveSeconds)) {
    keepAlive = BROKER_CONFIG.maxKeepAliveSeconds;
    serverKeepAlive = keepAlive;
  }

  const now = broker.effects.now();
  conn.state = {
    ...conn.state,
    connected: true,
    clientId,
    keepAlive,
    principal,
    mountpoint,
    receiveMaximum: props.receiveMaximum ?? 65535,
    maximumPacketSize: props.maximumPacketSize ?? 0,
    topicAliasMaximum: props.topicAliasMaximum ?? 0,
    requestProblemInformation: props.requestProblemInformation ?? true,
    lastActivity: now,
    connectedAt: now,
  };
  if (principal.kind === "device") conn.state.healthSeq = broker.health.connected(principal.deviceId, health ?? NO_INPUTS, packet.protocolLevel, now);
  conn.persist();
  broker.connections.set(clientId, conn);

  const connack: ConnackPacket = { type: "connack", sessionPresent, reasonCode: 0 };
  if (v5) {
    connack.properties = {
      receiveMaximum: BROKER_CONFIG.receiveMaximum,
      maximumPacketSize: conn.decoder.maxPacketSize,
      topicAliasMaximum: BROKER_CONFIG.topicAliasMaximum,
      retainAvailable: true,
      wildcardSubscriptionAvailable: true,
      subscriptionIdentifiersAvailable: true,
      sharedSubscriptionAvailable: true,
      ...(assignedClientId ? { assignedClientIdentifier: clientId } : {}),
      ...(serverKeepAlive !== undefined ? { serverKeepAlive } : {}),
      ...(expiry !== requestedExpiry ? { sessionExpiryInterval: expiry } : {}),
      userProperties: [["max-subscriptions", String(limits.maxSubscriptionsPerConnection)]],
    };
  }
  conn.send(connack);
  if (principal.kind === "device") broker.effects.presence(principal.deviceId, "online");
  if (sessionPresent) {
    resendInFlight(broker, conn);
    drain(broker, conn);
  }
  // Commands queued while the device was away go now, in order (when its session still subscribes to them).
  broker.commands.connectionReady(conn);
  broker.effects.reschedule();
}
