/**
 * The hub side of commands: a durable queue per device, at most `maxInFlight` in flight, sent to
 * the device's connection (or its gateway's) as soon as one subscribes to its `cmd/+`, in order,
 * and moved through its states by what really happens: `delivered` only on the PUBACK, the
 * answer from `…/cmd/{id}/response` (also when it overtakes the PUBACK), and expiry, head-of-line
 * and response timeouts on the hub's one alarm. Every change is published on the command's
 * `…/state` topic for application clients.
 */
import { COMMAND_TIMING } from "../../../domain/commands/deadlines";
import { readResponse, type ResponseOutcome } from "../../../domain/commands/response";
import { transition, type CommandStatus, type TransitionEvidence } from "../../../domain/commands/states";
import { commandStateTopic, commandTopic } from "../../../domain/commands/topics";
import type { Command } from "../../../domain/schemas/commands";
import type { Broker } from "../broker";
import type { Connection } from "../connection";
import { publishMessage } from "../delivery";
import { commandPacket } from "./send";
import { CommandStore, toApi, type CommandRecord } from "./store";

export type NewCommand = Pick<CommandRecord, "deviceId" | "method" | "params" | "responseRequired" | "responseTimeoutMs" | "expiresAt" | "idempotencyKey" | "createdBy">;
export type CreateOutcome = { kind: "created" | "replayed"; command: Command } | { kind: "limit"; limit: "maxQueuedCommandsPerDevice"; max: number };
export type CancelOutcome = { kind: "canceled"; command: Command } | { kind: "not_found" } | { kind: "final"; command: Command };

type Carrier = { conn: Connection; qos: 0 | 1 };

const HOL_MS = COMMAND_TIMING.headOfLineTimeoutSeconds * 1000;
const encoder = new TextEncoder();

export class CommandCenter {
  readonly store: CommandStore;

  constructor(
    private readonly broker: Broker,
    sql: SqlStorage,
  ) {
    this.store = new CommandStore(sql);
  }

  // ---- from the API ----

  create(input: NewCommand, now: number): CreateOutcome {
    if (input.idempotencyKey !== null) {
      const first = this.store.byIdempotencyKey(input.deviceId, input.idempotencyKey, now - COMMAND_TIMING.idempotencyWindowMs);
      if (first) return { kind: "replayed", command: toApi(first) };
    }
    const max = this.broker.effects.limits().maxQueuedCommandsPerDevice;
    if (this.store.openCount(input.deviceId) >= max) {
      this.broker.limiter.hit("maxQueuedCommandsPerDevice", input.deviceId);
      return { kind: "limit", limit: "maxQueuedCommandsPerDevice", max };
    }
    const created = this.store.insert({
      ...input,
      id: crypto.randomUUID(),
      status: "queued",
      createdAt: now,
      history: [{ status: "queued", at: now, by: "api" }],
      attempts: 0,
      clientId: null,
      packetId: null,
      connId: null,
      holUntil: null,
      respondBy: null,
      earlyResponse: null,
      outcome: null,
    });
    this.published(created);
    this.dispatch(input.deviceId, now);
    this.broker.effects.reschedule();
    return { kind: "created", command: toApi(this.store.get(created.deviceId, created.id) ?? created) };
  }

  cancel(deviceId: string, id: string, now: number): CancelOutcome {
    const c = this.store.get(deviceId, id);
    if (!c) return { kind: "not_found" };
    if (c.status !== "queued" && c.status !== "sent" && !(c.status === "delivered" && c.responseRequired)) return { kind: "final", command: toApi(c) };
    const canceled = this.move(c, "canceled", now, "api");
    // Its slot is free: the next command may go.
    this.dispatch(deviceId, now);
    this.broker.effects.reschedule();
    return { kind: "canceled", command: toApi(canceled) };
  }

  /** A new in-flight limit applies at once: more room sends more now. */
  setMaxInFlight(deviceId: string, n: number): number {
    this.store.setMaxInFlight(deviceId, n);
    this.dispatch(deviceId, this.broker.effects.now());
    this.broker.effects.reschedule();
    return this.store.maxInFlight(deviceId);
  }

  /** The device was deleted: its unfinished commands are canceled (and published so), then it is forgotten, so a new device with its id starts empty. */
  deviceDeleted(deviceId: string): void {
    const now = this.broker.effects.now();
    for (const c of this.store.open(deviceId)) this.move(c, "canceled", now, "api");
    this.store.forgetDevice(deviceId);
  }

  get(deviceId: string, id: string): Command | null {
    const c = this.store.get(deviceId, id);
    return c ? toApi(c) : null;
  }

  // ---- from MQTT (one verb per event, called by the packet handlers) ----

  /** A device connection subscribed or (re)connected: send what waits for it and for its gateway children. */
  connectionReady(conn: Connection): void {
    const p = conn.state.principal;
    if (p?.kind !== "device") return;
    const now = this.broker.effects.now();
    for (const deviceId of [p.deviceId, ...(p.deviceType === "gateway" ? p.children : [])]) this.dispatch(deviceId, now);
    this.broker.effects.reschedule();
  }

  /** A PUBACK the message store did not know: true when it acknowledged a command. */
  acknowledged(conn: Connection, packetId: number, reasonCode: number | undefined): boolean {
    const c = this.store.awaitingPuback(conn.state.clientId, packetId);
    if (!c) return false;
    const now = this.broker.effects.now();
    let next = this.move(c, "delivered", now, "puback");
    if (reasonCode !== undefined && reasonCode >= 0x80) {
      next = this.move(next, "failed", now, "puback", { status: "failed", error: { code: "refused_by_device", reasonCode } });
    } else if (next.earlyResponse) {
      const { at, ...outcome } = next.earlyResponse;
      next = this.move(next, outcome.status, now, "response", outcome);
    } else if (next.responseRequired) {
      next = { ...next, respondBy: now + next.responseTimeoutMs };
      this.store.save(next);
    }
    this.dispatch(c.deviceId, now);
    this.broker.effects.reschedule();
    return true;
  }

  /** A device published on `…/cmd/{commandId}/response`. */
  responded(deviceId: string, commandId: string, payload: Uint8Array): void {
    const c = this.store.get(deviceId, commandId);
    if (!c || !c.responseRequired) return;
    const now = this.broker.effects.now();
    const outcome = readResponse(payload);
    if (c.status === "sent") {
      // The answer overtook the PUBACK: kept until the PUBACK makes the command delivered.
      if (!c.earlyResponse) this.store.save({ ...c, earlyResponse: { ...outcome, at: now } });
      return;
    }
    if (c.status !== "delivered") return;
    this.move(c, outcome.status, now, "response", outcome);
    this.dispatch(deviceId, now);
    this.broker.effects.reschedule();
  }

  // ---- from the alarm ----

  /** Applies every deadline that has passed: expiry, head-of-line release, response timeout; prunes old commands. */
  tick(now: number): void {
    const touched = new Set<string>();
    for (const c of this.store.due(now)) {
      touched.add(c.deviceId);
      if (c.status === "queued") this.move(c, "expired", now, "deadline");
      else if (c.status === "delivered") this.move(c, "timed_out", now, "deadline");
      else if (c.status === "sent" && c.expiresAt <= now) {
        if (c.earlyResponse) this.settleByResponse(c, now);
        else this.move(c, "expired", now, "deadline");
      } else if (c.status === "sent") this.store.save({ ...c, holUntil: null });
    }
    for (const deviceId of touched) this.dispatch(deviceId, now);
    this.store.prune(now - COMMAND_TIMING.retentionMs);
  }

  nextDeadline(): number | null {
    return this.store.nextDeadline();
  }

  // ---- the queue ----

  /** Sends a device's waiting commands, in order, while it has in-flight room and a connection subscribed to them. */
  private dispatch(deviceId: string, now: number): void {
    const open = this.store.open(deviceId);
    if (open.length === 0) return;
    const carrier = this.carrier(deviceId, commandTopic(this.broker.tenantId, deviceId, open[0]!.id));
    const maxInFlight = this.store.maxInFlight(deviceId);
    let held = open.filter((c) => c.status === "delivered" || (c.status === "sent" && carrier !== null && c.connId === carrier.conn.id && c.holUntil !== null)).length;
    for (const c of open) {
      if (c.status !== "queued" && !(c.status === "sent" && c.connId !== carrier?.conn.id)) continue;
      if (c.expiresAt <= now) {
        if (c.earlyResponse) this.settleByResponse(c, now);
        else this.move(c, "expired", now, "deadline");
        continue;
      }
      if (!carrier) return;
      // Sent on a connection that is gone, and already answered: no need to send it again.
      if (c.earlyResponse) {
        this.settleByResponse(c, now);
        continue;
      }
      if (held >= maxInFlight) return;
      if (!this.send(carrier, c, now)) return;
      held++;
    }
  }

  /** The device's own connection, else its gateway's, subscribed to the command topic (QoS 1 preferred). */
  private carrier(deviceId: string, topic: string): Carrier | null {
    let best: (Carrier & { rank: number }) | null = null;
    for (const key of this.broker.index.match(topic)) {
      const sub = this.broker.subscriptions.get(key);
      if (!sub || sub.shareGroup) continue;
      const conn = this.broker.connections.get(sub.clientId);
      if (!conn || conn.closed || conn.state.principal?.kind !== "device") continue;
      const qos = sub.qos > 0 ? 1 : 0;
      const rank = (sub.clientId === deviceId ? 2 : 0) + qos;
      if (!best || rank > best.rank) best = { conn, qos, rank };
    }
    return best;
  }

  private send(carrier: Carrier, c: CommandRecord, now: number): boolean {
    const { conn, qos } = carrier;
    const packetId = qos === 1 ? this.freePacketId(conn.state.clientId) : undefined;
    const packet = commandPacket(this.broker.tenantId, conn, c, qos, packetId, now);
    if (!packet || !conn.send(packet)) return false;
    this.broker.stats.messagesOut++;
    const placed = { ...c, attempts: c.attempts + 1, clientId: conn.state.clientId, packetId: packetId ?? null, connId: conn.id, holUntil: now + HOL_MS };
    if (c.status === "queued") this.move(placed, "sent", now, "api");
    else this.store.save(placed);
    return true;
  }

  /** A packet id free among the client's stored messages and its commands awaiting a PUBACK. */
  private freePacketId(clientId: string): number {
    let id = this.broker.sessions.nextPacketId(clientId);
    for (let tries = 0; tries < 100 && this.store.packetIdInUse(clientId, id); tries++) id = this.broker.sessions.nextPacketId(clientId);
    return id;
  }

  /**
   * A command answered but never PUBACKed (the connection went, or its expiry came first): the
   * answer proves receipt, so it is recorded as delivered `by: "response"` at the answer's time.
   */
  private settleByResponse(c: CommandRecord, now: number): void {
    const { at, ...outcome } = c.earlyResponse!;
    const delivered = this.move(c, "delivered", at, "response");
    this.move(delivered, outcome.status, Math.max(at, now), "response", outcome);
  }

  /** One transition: stored, its slot released when it ends, and published on the command's state topic. */
  private move(c: CommandRecord, to: CommandStatus, at: number, by: TransitionEvidence, outcome?: ResponseOutcome): CommandRecord {
    let next = transition(c, to, at, by);
    if (outcome) next = { ...next, outcome };
    if (to !== "sent") next = { ...next, holUntil: null, ...(to === "delivered" ? {} : { respondBy: null }) };
    if (to === "delivered" || to === "canceled" || to === "expired") next = { ...next, packetId: null, clientId: null };
    this.store.save(next);
    this.published(next);
    return next;
  }

  private published(c: CommandRecord): void {
    const message = {
      topic: commandStateTopic(this.broker.tenantId, c.deviceId, c.id),
      payload: encoder.encode(JSON.stringify(toApi(c))),
      qos: 1 as const,
      retain: false,
      properties: { contentType: "application/json" },
      publisher: "",
    };
    publishMessage(this.broker, message);
  }
}
