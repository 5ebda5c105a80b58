/**
 * One client connection: its WebSocket, the state that must survive hibernation (kept in the
 * socket's attachment, small by design), a streaming decoder, and a serial task queue so that a
 * client's packets are handled strictly in order even when handlers await I/O.
 */
import { MqttDecoder, MqttEncoder, ReasonCode, type MqttPacket, type ProtocolLevel } from "../../domain/mqtt";
import type { DisconnectCause } from "../../domain/health/states";
import { causeOfClose } from "./health/causes";
import { InboundAcks } from "./inbound-acks";
import { OutboundFrames } from "./outbound";
import { createLogger, errorFields } from "../../domain/log";
import type { HubPrincipal } from "./principal";

const log = createLogger({ component: "hub.connection" });

export type ConnState = {
  v: 1;
  connId: string;
  /** False until a CONNECT was accepted. */
  connected: boolean;
  clientId: string;
  protocolLevel: ProtocolLevel;
  /** Seconds; 0 = no keep-alive. */
  keepAlive: number;
  principal: HubPrincipal | null;
  mountpoint: string;
  /** The client's limits (v5 CONNECT properties). */
  receiveMaximum: number;
  maximumPacketSize: number;
  topicAliasMaximum: number;
  requestProblemInformation: boolean;
  lastActivity: number;
  connectedAt: number;
  /** When the hub accepted the socket: CONNECT is due within `PRE_CONNECT.deadlineMs` of it.
   * Optional only because attachments written before it existed lack it. */
  acceptedAt?: number;
  /** The client's address bucket as the Worker saw it (`x-skylark-client-address`), for the edge cool-down. */
  address?: string;
  /** Fingerprint of the edge-verified client certificate the WebSocket was opened with (mTLS). */
  clientCertificate?: string;
  /** A device's connection sequence number (health/monitor.ts): its disconnect names it. */
  healthSeq?: number;
  /** Base64 of a packet begun in an earlier frame, when the hub may hibernate before the rest arrives. */
  partial?: string;
};

export function newConnState(connId: string, now: number): ConnState {
  return {
    v: 1,
    connId,
    connected: false,
    clientId: "",
    protocolLevel: 4,
    keepAlive: 0,
    principal: null,
    mountpoint: "",
    receiveMaximum: 65535,
    maximumPacketSize: 0,
    topicAliasMaximum: 0,
    requestProblemInformation: true,
    lastActivity: now,
    connectedAt: now,
    acceptedAt: now,
  };
}

/** Persist last-activity to the attachment at most this often (it is read after hibernation). */
const ACTIVITY_PERSIST_MS = 5_000;
const MAX_PARTIAL_BYTES = 1024;
const PARTIAL_SAVE_DELAY_MS = 1_000;

export class Connection {
  readonly decoder: MqttDecoder;
  /** Per-connection encoder: its buffers only ever hold this connection's own packets. */
  private readonly encoder = new MqttEncoder();
  /** Outbound topic aliases (v5, hub → client); rebuilt from scratch after hibernation, which is
   * safe because every first use of an alias sends the topic along with it. */
  readonly outAliases = new Map<string, number>();
  /**
   * Set the moment the hub closes this connection (or it is lost): what the client had already
   * sent is still delivered as WebSocket events until its side of the close arrives, and each is
   * dropped before any decoding. A flooding client's backlog costs a flag check per frame.
   */
  closed = false;
  /** Why the hub closed it (null: it did not, or not yet), for the device's connectivity events. */
  closeCause: DisconnectCause | null = null;
  /** When this connection last reported its device's presence (in memory only). */
  presenceReportedAt = 0;
  private partialTimer: ReturnType<typeof setTimeout> | null = null;
  private chain: Promise<void> = Promise.resolve();
  /** Acknowledgements owed to the client, in PUBLISH order; their count is its inbound in-flight window. */
  readonly acks = new InboundAcks(
    (packetId, qos, reasonCode, reasonString) => this.sendAck(packetId, qos, reasonCode, reasonString),
    (err) => log.error("acknowledgement failed", { clientId: this.state.clientId, ...errorFields(err) }),
  );
  private persistedActivity: number;
  /** What this connection is sent, joined into one frame per turn (outbound.ts). */
  readonly outbound = new OutboundFrames({ send: (frame) => this.ws.send(frame) }, () => this.markClosed());

  constructor(
    readonly ws: WebSocket,
    public state: ConnState,
    maxPacketSize: number,
  ) {
    this.decoder = new MqttDecoder({ maxPacketSize, ...(state.connected ? { protocolLevel: state.protocolLevel } : {}) });
    this.persistedActivity = state.lastActivity;
    if (state.partial) {
      // Restore a packet cut across frames before the hub hibernated.
      this.decoder.push(Uint8Array.from(atob(state.partial), (c) => c.charCodeAt(0)));
    }
  }

  get id(): string {
    return this.state.connId;
  }

  get v5(): boolean {
    return this.state.protocolLevel === 5;
  }

  persist(): void {
    this.persistedActivity = this.state.lastActivity;
    this.ws.serializeAttachment(this.state);
  }

  /**
   * Keeps a half-received packet in the attachment, so it survives hibernation. Clients often
   * split every packet over several frames (MQTT.js writes header, topic and payload
   * separately), so this is not done per frame: only when the rest has not arrived within
   * PARTIAL_SAVE_DELAY_MS (the hub cannot hibernate sooner than that, and a pending timer keeps
   * it awake meanwhile). Small partials only; large ones are rare and mid-transfer.
   */
  savePartial(): void {
    if (!this.decoder.hasPendingBytes) {
      if (this.state.partial !== undefined) {
        delete this.state.partial;
        this.persist();
      }
      return;
    }
    this.partialTimer ??= setTimeout(() => {
      this.partialTimer = null;
      if (this.closed) return;
      const pending = this.decoder.pendingBytes();
      const encoded = pending.length > 0 && pending.length <= MAX_PARTIAL_BYTES ? btoa(String.fromCharCode(...pending)) : undefined;
      if (encoded === this.state.partial) return;
      if (encoded) this.state.partial = encoded;
      else delete this.state.partial;
      this.persist();
    }, PARTIAL_SAVE_DELAY_MS);
  }

  touch(now: number): void {
    this.state.lastActivity = now;
    if (now - this.persistedActivity > ACTIVITY_PERSIST_MS) this.persist();
  }

  /** The connection is over (closed by the hub or lost): nothing more is read, sent or owed. */
  markClosed(): void {
    // What was already sent in this turn leaves before the close does.
    if (!this.closed) this.outbound.flush();
    this.closed = true;
    this.acks.clear();
  }

  /** PUBACK / PUBREC; a v3.1.1 acknowledgement carries no reason (a refused message is acknowledged and dropped). */
  private sendAck(packetId: number, qos: 1 | 2, reasonCode: number, reasonString: string | undefined): void {
    const type = qos === 1 ? "puback" : "pubrec";
    if (!this.v5) return void this.send({ type, packetId });
    this.send(reasonString && this.state.requestProblemInformation ? { type, packetId, reasonCode, properties: { reasonString } } : { type, packetId, reasonCode });
  }

  /** Runs tasks for this connection one after another, in arrival order; what a task sends leaves as one frame when it ends. */
  enqueue(task: () => Promise<void>): Promise<void> {
    const held = () => this.outbound.whileHeld(task);
    const next = this.chain.then(held, held);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /**
   * Sends a packet unless it exceeds the client's Maximum Packet Size, in which case it is
   * discarded as the spec requires [MQTT-3.1.2-24]. Returns whether it was sent.
   */
  send(packet: MqttPacket): boolean {
    if (this.closed) return false;
    const bytes = this.encoder.encode(packet, this.state.protocolLevel);
    if (this.state.maximumPacketSize > 0 && bytes.byteLength > this.state.maximumPacketSize) return false;
    this.outbound.write(bytes);
    return true;
  }

  /**
   * Closes the connection; a v5 client that completed CONNECT is first told why with a
   * DISCONNECT carrying `reasonCode` [MQTT-4.13.2-1].
   */
  close(reasonCode: number = ReasonCode.NormalDisconnection, reasonString?: string, cause?: DisconnectCause): void {
    if (this.closed) return;
    this.closeCause = cause ?? causeOfClose(reasonCode);
    if (this.v5 && this.state.connected) {
      const properties = reasonString && this.state.requestProblemInformation ? { reasonString } : undefined;
      this.send({ type: "disconnect", reasonCode, ...(properties ? { properties } : {}) });
    }
    this.markClosed();
    try {
      this.ws.close(reasonCode === ReasonCode.NormalDisconnection ? 1000 : 1002, "");
    } catch {
      // already closed
    }
  }
}
