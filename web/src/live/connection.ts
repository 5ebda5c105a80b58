/**
 * The console's one live connection to its tenant's hub: MQTT over WebSocket to
 * `/t/{tenant}/mqtt` (which the tenant's own host and custom domains serve too), as an
 * application client (username `api`, password the signed-in user's token; a VIEWER may
 * subscribe). Every widget's subscription shares it, counted per topic filter.
 *
 * - It follows the session: opened when something subscribes, closed on logout, reopened with the
 *   new token on a workspace switch or a new login, closed a little after the last subscriber left.
 * - It notices a dead link (no answer to keep-alive pings, the browser going offline, the hub
 *   closing), reconnects with backoff (0.5 s doubling to 30 s, with jitter), resubscribes, and then
 *   reports the gap — from shortly before the last packet it had, to the moment the subscriptions
 *   were back — so callers backfill that window from the query API.
 */
import { currentSession, onSessionChange, type Session } from "../api";
import { connectPacket, disconnectPacket, PacketReader, pingPacket, pubackPacket, subscribePacket, unsubscribePacket, type Incoming } from "./mqtt-wire";

export type LiveStatus = "idle" | "connecting" | "live" | "reconnecting";
export type Gap = { from: number; to: number };
type MessageHandler = (topic: string, payload: Uint8Array, receivedAt: number) => void;

const KEEP_ALIVE_S = 30;
const PING_EVERY_MS = 10_000;
/** Nothing heard for this long (two pings unanswered) means the link is dead. */
const SILENCE_MS = 25_000;
const CONNACK_TIMEOUT_MS = 10_000;
const LINGER_MS = 5_000;
const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 30_000;
/** Device clocks and the pipeline are not the browser's: the gap starts this much before the last packet heard. */
const GAP_MARGIN_MS = 5_000;

/** MQTT wildcard matching (`+` one level, `#` the rest). */
function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split("/");
  const t = topic.split("/");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "#") return true;
    if (i >= t.length || (f[i] !== "+" && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

class LiveConnection {
  status: LiveStatus = "idle";
  private session: Session | null = currentSession();
  private socket: WebSocket | null = null;
  private reader = new PacketReader();
  /** Filters as functions of the tenant, so a switch resubscribes the same things in the new workspace. */
  private readonly handlers = new Map<string, Set<MessageHandler>>();
  private readonly statusListeners = new Set<(s: LiveStatus) => void>();
  private readonly gapListeners = new Set<(g: Gap) => void>();
  private packetId = 0;
  private attempt = 0;
  private lastHeard = 0;
  private gapFrom: number | null = null;
  private resubscribeId: number | null = null;
  private timers: { retry?: ReturnType<typeof setTimeout>; ping?: ReturnType<typeof setInterval>; linger?: ReturnType<typeof setTimeout>; connack?: ReturnType<typeof setTimeout> } = {};

  constructor() {
    onSessionChange((next) => this.sessionChanged(next));
    addEventListener("offline", () => this.drop());
    addEventListener("online", () => {
      this.attempt = 0;
      clearTimeout(this.timers.retry);
      this.timers.retry = undefined;
      this.ensureOpen();
    });
  }

  onStatus(listener: (s: LiveStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onGap(listener: (g: Gap) => void): () => void {
    this.gapListeners.add(listener);
    return () => this.gapListeners.delete(listener);
  }

  /** `filter` is relative to the tenant: `t/{tenant}/` + filter, or `$SYS/t/{tenant}/stats` for `$SYS/stats`. */
  subscribe(filter: string, handler: MessageHandler): () => void {
    clearTimeout(this.timers.linger);
    let set = this.handlers.get(filter);
    if (!set) {
      set = new Set();
      this.handlers.set(filter, set);
      if (this.status === "live") this.send(subscribePacket(this.nextId(), [this.expand(filter)]));
    }
    set.add(handler);
    this.ensureOpen();
    return () => {
      set.delete(handler);
      if (set.size > 0 || this.handlers.get(filter) !== set) return;
      this.handlers.delete(filter);
      if (this.status === "live") this.send(unsubscribePacket(this.nextId(), [this.expand(filter)]));
      if (this.handlers.size === 0) this.timers.linger = setTimeout(() => this.close(), LINGER_MS);
    };
  }

  private expand(filter: string): string {
    const tenant = this.session!.tenant;
    return filter === "$SYS/stats" ? `$SYS/t/${tenant}/stats` : `t/${tenant}/${filter}`;
  }

  private nextId(): number {
    this.packetId = (this.packetId % 0xffff) + 1;
    return this.packetId;
  }

  private setStatus(status: LiveStatus) {
    if (status === this.status) return;
    this.status = status;
    for (const l of this.statusListeners) l(status);
  }

  private sessionChanged(next: Session | null) {
    const previous = this.session;
    if (next?.token === previous?.token) return;
    this.session = next;
    const sameTenant = next !== null && previous !== null && next.tenant === previous.tenant;
    if (sameTenant && this.socket && this.lastHeard > 0) this.gapFrom ??= this.lastHeard;
    this.teardown();
    // A new token for the same workspace leaves a gap to fill; a new workspace or a logout does not.
    if (!sameTenant) this.gapFrom = null;
    if (next) this.ensureOpen();
    else this.setStatus("idle");
  }

  private ensureOpen() {
    if (this.socket || !this.session || this.handlers.size === 0 || this.timers.retry !== undefined) return;
    if (typeof navigator !== "undefined" && navigator.onLine === false) {
      this.setStatus("reconnecting");
      return;
    }
    const session = this.session;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    let socket: WebSocket;
    try {
      socket = new WebSocket(`${scheme}://${location.host}/t/${encodeURIComponent(session.tenant)}/mqtt`, ["mqtt"]);
    } catch {
      this.scheduleRetry();
      return;
    }
    socket.binaryType = "arraybuffer";
    this.socket = socket;
    this.reader = new PacketReader();
    this.setStatus(this.gapFrom === null && this.attempt === 0 ? "connecting" : "reconnecting");
    socket.onopen = () => {
      const clientId = `console-${crypto.getRandomValues(new Uint32Array(2)).join("").slice(0, 16)}`;
      socket.send(connectPacket({ clientId, username: "api", password: session.token, keepAliveSeconds: KEEP_ALIVE_S }));
      this.timers.connack = setTimeout(() => this.drop(), CONNACK_TIMEOUT_MS);
    };
    socket.onmessage = (e: MessageEvent) => {
      if (this.socket !== socket || !(e.data instanceof ArrayBuffer)) return;
      this.lastHeard = Date.now();
      let packets: Incoming[];
      try {
        packets = this.reader.push(new Uint8Array(e.data));
      } catch {
        this.drop();
        return;
      }
      for (const p of packets) this.handle(p);
    };
    socket.onclose = () => {
      if (this.socket === socket) this.drop();
    };
  }

  private handle(p: Incoming) {
    const now = this.lastHeard;
    switch (p.type) {
      case "connack": {
        clearTimeout(this.timers.connack);
        if (p.returnCode !== 0) return this.drop();
        this.attempt = 0;
        this.setStatus("live");
        this.timers.ping = setInterval(() => this.ping(), PING_EVERY_MS);
        const filters = [...this.handlers.keys()].map((f) => this.expand(f));
        if (filters.length > 0) {
          this.resubscribeId = this.nextId();
          this.send(subscribePacket(this.resubscribeId, filters));
        }
        return;
      }
      case "suback":
        if (p.packetId === this.resubscribeId) {
          this.resubscribeId = null;
          if (this.gapFrom !== null) {
            const gap = { from: this.gapFrom - GAP_MARGIN_MS, to: now };
            this.gapFrom = null;
            for (const l of this.gapListeners) l(gap);
          }
        }
        return;
      case "publish": {
        if (p.qos === 1 && p.packetId !== null) this.send(pubackPacket(p.packetId));
        for (const [filter, set] of this.handlers) {
          if (!topicMatches(this.expand(filter), p.topic)) continue;
          for (const h of set) h(p.topic, p.payload, now);
        }
        return;
      }
      default:
        return;
    }
  }

  private ping() {
    if (Date.now() - this.lastHeard > SILENCE_MS) return this.drop();
    this.send(pingPacket());
  }

  private send(bytes: Uint8Array) {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(bytes);
  }

  /** The link is gone (or unusable): remember where the gap starts and try again later. */
  private drop() {
    const wasOpen = this.socket !== null;
    if (wasOpen && this.gapFrom === null && this.lastHeard > 0) this.gapFrom = this.lastHeard;
    this.teardown();
    if (!this.session || this.handlers.size === 0) return this.setStatus("idle");
    this.setStatus("reconnecting");
    this.scheduleRetry();
  }

  private scheduleRetry() {
    if (this.timers.retry !== undefined) return;
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt) * (0.75 + Math.random() * 0.5);
    this.attempt++;
    this.timers.retry = setTimeout(() => {
      this.timers.retry = undefined;
      this.ensureOpen();
    }, delay);
  }

  private teardown() {
    clearInterval(this.timers.ping);
    clearTimeout(this.timers.connack);
    clearTimeout(this.timers.retry);
    this.timers.retry = undefined;
    this.resubscribeId = null;
    const socket = this.socket;
    this.socket = null;
    if (!socket) return;
    socket.onclose = socket.onmessage = socket.onopen = null;
    if (socket.readyState === WebSocket.OPEN) socket.send(disconnectPacket());
    if (socket.readyState <= WebSocket.OPEN) socket.close(1000);
  }

  /** Nobody listens any more. */
  private close() {
    if (this.handlers.size > 0) return;
    this.teardown();
    this.gapFrom = null;
    this.attempt = 0;
    this.setStatus("idle");
  }
}

let connection: LiveConnection | null = null;
/** Made on first use, so a console page that shows nothing live never opens a socket. */
export function liveConnection(): LiveConnection {
  connection ??= new LiveConnection();
  return connection;
}
