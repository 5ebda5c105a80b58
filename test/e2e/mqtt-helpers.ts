/**
 * MQTT end-to-end helpers: tenants, devices, API keys and profiles through the REST API, and
 * real MQTT.js clients over WebSockets against the running platform.
 *
 * `Client.open` resolves once the hub accepted CONNECT; `Client.refused` resolves once a
 * connection attempt failed, with the CONNACK code (MQTT.js error code) or the HTTP status of a
 * refused upgrade. Every client also records the raw packets it received off the wire (parsed
 * from the WebSocket frames with mqtt-packet, independently of MQTT.js), so tests can see what
 * the hub sent even while MQTT.js holds back processing. Call `closeClients` in `afterEach`.
 */
import mqtt, { type IClientOptions, type ISubscriptionMap, type IConnackPacket, type IDisconnectPacket, type IPublishPacket, type MqttClient, type Packet } from "mqtt";
import mqttPacket from "mqtt-packet";
import WebSocket from "ws";
import { http, platformUrl, signupTenant, uniqueId } from "./client";

export type Version = 4 | 5;
export const VERSIONS: readonly Version[] = [4, 5];
export const vName = (v: Version) => (v === 5 ? "v5" : "v3.1.1");

export const mqttUrl = (tenant: string) => `ws://${new URL(platformUrl()).host}/t/${tenant}/mqtt`;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- REST fixtures ----

export type Tenant = { id: string; token: string; email: string; password: string };

export async function newTenant(prefix = "mq"): Promise<Tenant> {
  const t = await signupTenant(prefix);
  return { id: t.tenantId, token: t.token, email: t.email, password: t.password };
}

async function ok<T = any>(p: Promise<{ status: number; body: T }>, status = 200): Promise<T> {
  const r = await p;
  if (r.status !== status) throw new Error(`expected HTTP ${status}, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

export type Device = { id: string; password: string };

export async function registerDevice(t: Tenant, id: string, extra: Record<string, unknown> = {}): Promise<Device> {
  const body = await ok(http("POST", "/api/v1/devices", { token: t.token, body: { id, ...extra } }), 201);
  return { id, password: body.credentials.password as string };
}

export async function createApiKey(t: Tenant, role: string, extra: Record<string, unknown> = {}): Promise<{ id: string; key: string }> {
  const body = await ok(http("POST", "/api/v1/api-keys", { token: t.token, body: { name: `key ${role}`, role, ...extra } }), 201);
  return { id: body.apiKey.id as string, key: body.key as string };
}

export async function createProfile(t: Tenant, id: string, mountpoint: string | null): Promise<void> {
  await ok(http("POST", "/api/v1/device-profiles", { token: t.token, body: { id, mountpoint } }), 201);
}

export const rest = { ok };

export type AuditRow = { action: string; outcome: string; actorType: string; actorId: string | null; targetType: string | null; targetId: string | null; details: Record<string, unknown> };

/** Polls the audit log (the hub writes it in batches, about a second late) until `match` finds a row. */
export async function auditRow(t: Tenant, query: string, match: (r: AuditRow) => boolean, timeoutMs = 6000): Promise<AuditRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const body = await ok(http("GET", `/api/v1/audit?${query}&limit=200`, { token: t.token }));
    const row = (body.items as AuditRow[]).find(match);
    if (row) return row;
    if (Date.now() > deadline) throw new Error(`no audit row for ${query} matching ${match} (had ${JSON.stringify(body.items)})`);
    await sleep(250);
  }
}

// ---- connect options ----

export const deviceOpts = (d: Device, v: Version, extra: Partial<IClientOptions> = {}): IClientOptions => ({ clientId: d.id, username: d.id, password: d.password, protocolVersion: v, ...extra });
export const appOpts = (password: string, v: Version, extra: Partial<IClientOptions> = {}): IClientOptions => ({ clientId: uniqueId("app"), username: "api", password, protocolVersion: v, ...extra });

// ---- the client ----

export type Msg = { topic: string; text: string; payload: Buffer; packet: IPublishPacket };
type Match = string | ((m: Msg) => boolean);
const matches = (m: Msg, match?: Match) => (match === undefined ? true : typeof match === "string" ? m.topic === match : match(m));

const open = new Set<Client>();

/** Ends every client opened by this file's tests (abruptly: no DISCONNECT). */
export async function closeClients(): Promise<void> {
  const all = [...open];
  open.clear();
  await Promise.all(all.map((c) => c.kill()));
}

export async function waitFor<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export type Refusal = { code?: number; httpStatus?: number; httpBody?: string; connected: boolean };

export class Client {
  readonly mqtt: MqttClient;
  connack: IConnackPacket | null = null;
  /** DISCONNECT packets from the hub (v5). */
  readonly disconnects: IDisconnectPacket[] = [];
  /** Every PUBLISH MQTT.js handed to the application, in order. */
  readonly all: Msg[] = [];
  private readonly pending: Msg[] = [];
  /** Every packet received on the wire, parsed from the raw WebSocket frames. */
  readonly wire: Packet[] = [];
  /** Every packet MQTT.js wrote, as written (after its topic alias handling). */
  readonly sent: Packet[] = [];
  errors: (Error & { code?: number })[] = [];
  closed = false;
  httpStatus?: number;
  httpBody?: string;
  socket: WebSocket | null = null;

  private constructor(
    tenant: string,
    readonly opts: IClientOptions,
  ) {
    const version = (opts.protocolVersion ?? 4) as Version;
    const tap = mqttPacket.parser({ protocolVersion: version });
    tap.on("packet", (p: Packet) => this.wire.push(p));
    tap.on("error", () => undefined);
    this.mqtt = mqtt.connect(mqttUrl(tenant), {
      reconnectPeriod: 0,
      connectTimeout: 5000,
      keepalive: 30,
      ...opts,
      createWebsocket: (url: string, protocols: string[]) => {
        const ws = new WebSocket(url, protocols);
        this.socket = ws;
        ws.on("message", (data: Buffer) => tap.parse(data));
        ws.on("unexpected-response", (req, res) => {
          this.httpStatus = res.statusCode;
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString("utf8")));
          res.on("end", () => {
            this.httpBody = body;
            ws.terminate();
          });
          void req;
        });
        return ws;
      },
    });
    this.mqtt.on("connect", (p) => (this.connack = p));
    this.mqtt.on("message", (topic, payload, packet) => {
      const m = { topic, payload, text: payload.toString("utf8"), packet };
      this.all.push(m);
      this.pending.push(m);
    });
    this.mqtt.on("disconnect", (p) => this.disconnects.push(p));
    this.mqtt.on("packetsend", (p) => this.sent.push(structuredClone(p)));
    this.mqtt.on("error", (e) => this.errors.push(e as Error & { code?: number }));
    this.mqtt.on("close", () => (this.closed = true));
    open.add(this);
  }

  private settled(): Promise<void> {
    return waitFor("CONNACK or close", () => this.connack !== null || this.closed, 8000).then(() => undefined);
  }

  /** Connects and expects success. */
  static async open(tenant: string, opts: IClientOptions): Promise<Client> {
    const c = new Client(tenant, opts);
    await c.settled();
    if (!c.connack) throw new Error(`connect failed: ${c.httpStatus ?? ""} ${c.errors.map((e) => `${e.message} (${e.code})`).join("; ")}`);
    return c;
  }

  /** Connects and expects the attempt to fail; reports how. */
  static async refused(tenant: string, opts: IClientOptions): Promise<Refusal> {
    const c = new Client(tenant, opts);
    await c.settled();
    if (c.connack) {
      await c.kill();
      return { connected: true };
    }
    // The hub closes the connection after a refusing CONNACK [MQTT-3.2.2-5] / [MQTT-3.2.2-7].
    await c.waitClosed();
    const code = c.errors.find((e) => typeof e.code === "number")?.code;
    return { connected: false, ...(code !== undefined ? { code } : {}), ...(c.httpStatus !== undefined ? { httpStatus: c.httpStatus, httpBody: c.httpBody ?? "" } : {}) };
  }

  get sessionPresent(): boolean {
    return this.connack?.sessionPresent ?? false;
  }

  /** Waits for (and consumes) the next delivered message matching `match`. */
  async next(match?: Match, timeoutMs = 3000): Promise<Msg> {
    const i = await waitFor(
      `a message ${match ?? ""} on ${this.opts.clientId}`,
      () => {
        const j = this.pending.findIndex((m) => matches(m, match));
        return j >= 0 ? j + 1 : undefined;
      },
      timeoutMs,
    );
    return this.pending.splice(i - 1, 1)[0]!;
  }

  /** Waits for `n` matching messages and returns them in arrival order. */
  async take(n: number, match?: Match, timeoutMs = 4000): Promise<Msg[]> {
    const out: Msg[] = [];
    for (let i = 0; i < n; i++) out.push(await this.next(match, timeoutMs));
    return out;
  }

  /** Messages delivered so far (including consumed ones) that match. */
  received(match?: Match): Msg[] {
    return this.all.filter((m) => matches(m, match));
  }

  /** SUBSCRIBE; returns the SUBACK's codes (granted QoS or failure codes), never throws on refusals. */
  sub(filter: string | string[] | ISubscriptionMap, opts: Parameters<MqttClient["subscribe"]>[1] = { qos: 1 }): Promise<number[]> {
    const suback = new Promise<number[]>((resolve, reject) => {
      this.mqtt.subscribe(filter, opts as never, (err, _granted, packet) => {
        const codes = (packet as { granted?: number[] } | undefined)?.granted;
        if (codes) resolve(codes);
        else reject(err ?? new Error("no SUBACK"));
      });
    });
    return withTimeout(suback, 5000, `SUBACK for ${JSON.stringify(filter)} on ${this.opts.clientId}`);
  }

  /** PUBLISH; resolves when acknowledged (at once for QoS 0), rejects with the v5 reason code on refusal. */
  pub(topic: string, payload: string | Buffer, opts: Parameters<MqttClient["publishAsync"]>[2] = { qos: 1 }): Promise<unknown> {
    return withTimeout(this.mqtt.publishAsync(topic, payload, opts), 5000, `acknowledgement of ${payload.toString().slice(0, 40)} on ${topic} from ${this.opts.clientId}`);
  }

  /** The reason code of a PUBLISH acknowledgement: 0 when accepted, else the refusal code. */
  async pubCode(topic: string, payload: string | Buffer, opts: Parameters<MqttClient["publishAsync"]>[2] = { qos: 1 }): Promise<number> {
    try {
      await this.pub(topic, payload, opts);
      return 0;
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (typeof code !== "number") throw err;
      return code;
    }
  }

  waitClosed(timeoutMs = 5000): Promise<true> {
    return waitFor(`${this.opts.clientId} to be closed`, () => this.closed, timeoutMs);
  }

  /** Closes cleanly with DISCONNECT (the will is discarded). */
  async end(opts: Partial<IDisconnectPacket> = {}): Promise<void> {
    if (this.closed) return;
    open.delete(this);
    await withTimeout(this.mqtt.endAsync(false, opts), 5000, `${this.opts.clientId} to end`);
    await this.waitClosed();
  }

  /** Drops the connection without DISCONNECT (as if the network went away). */
  async kill(): Promise<void> {
    open.delete(this);
    if (this.closed) return;
    this.mqtt.stream.destroy();
    await this.mqtt.endAsync(true).catch(() => undefined);
    await this.waitClosed().catch(() => undefined);
  }
}

/**
 * A barrier: `publisher` sends a marker to a topic `subscriber` reads; once it arrives, every
 * message routed before it has been delivered too (one hub, in order), so the absence of an
 * earlier message is a fact rather than a guess about timing.
 */
export async function barrier(publisher: Client, subscriber: Client, topic: string): Promise<void> {
  const marker = `barrier-${uniqueId("b")}`;
  await publisher.pub(topic, marker, { qos: 1 });
  await subscriber.next((m) => m.text === marker);
}

// ---- floods (bench/flood-client.mjs) and raw upgrade attempts ----

// (Imports are hoisted; this one sits with the helpers that use it.)
import { spawn } from "node:child_process";

/** What an upgrade attempt got: 101 (the socket is then closed at once, before any CONNECT), a refusal, or status 0 with the error (no answer in time, say). */
export type UpgradeOutcome = { status: number; retryAfter: string | null; contentType: string | null; body: string; ms: number };

/**
 * One WebSocket upgrade to the tenant's MQTT endpoint, as a reconnecting client makes it;
 * `address` is sent as cf-connecting-ip (locally the caller supplies its address). An accepted
 * socket is closed at once without sending CONNECT. Never rejects.
 */
export function upgradeAttempt(tenant: string, address?: string, timeoutMs = 3_000): Promise<UpgradeOutcome> {
  const start = Date.now();
  return new Promise((resolve) => {
    const done = (o: Omit<UpgradeOutcome, "ms">) => resolve({ ...o, ms: Date.now() - start });
    const ws = new WebSocket(mqttUrl(tenant), "mqtt", { headers: address ? { "cf-connecting-ip": address } : {}, perMessageDeflate: false, handshakeTimeout: timeoutMs });
    ws.on("upgrade", () => done({ status: 101, retryAfter: null, contentType: null, body: "" }));
    ws.on("open", () => ws.terminate());
    ws.on("unexpected-response", (_req, res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString("utf8")));
      res.on("end", () => {
        done({ status: res.statusCode ?? 0, retryAfter: (res.headers["retry-after"] as string | undefined) ?? null, contentType: res.headers["content-type"] ?? null, body });
        ws.terminate();
      });
    });
    ws.on("error", (e) => done({ status: 0, retryAfter: null, contentType: null, body: e.message }));
  });
}

/** The JSON report of bench/flood-client.mjs (see there for what each count means). */
export type FloodReport = {
  config: Record<string, unknown>;
  offered: number;
  frames: number;
  written: number;
  connectionAttempts: number;
  reconnectAttempts: number;
  connacks: Record<string, number>;
  pubacks: Record<string, number>;
  disconnects: Record<string, number>;
  upgradesRefused: Record<string, number>;
  refusals: { atMs: number; status: number; retryAfter: string | null; contentType: string | null; limit: string | null }[];
  connectErrors: Record<string, number>;
  closes: { atMs: number; byHub: boolean; wsCode: number | null; offered: number; afterDisconnectMs: number | null }[];
  closedByHub: number;
  closeAfterDisconnectMs: number[];
  leftOpenAfterDisconnect: number;
  firstDisconnectAtMs: number | null;
  firstCloseByHubAtMs: number | null;
  endedBy: string;
  seconds: number;
};

/**
 * Floods from a device in a separate process (bench/flood-client.mjs: it never waits for
 * PUBACKs, ignores Receive Maximum, keeps sending after DISCONNECT until the socket closes) and
 * resolves with its report. `options` are the client's key=value options (client, version, qos,
 * rate, duration, linger, reconnect, address, payload, ...).
 */
export function flood(tenant: string, device: Device, options: Record<string, string | number>): Promise<FloodReport> {
  const script = new URL("../../bench/flood-client.mjs", import.meta.url).pathname;
  const args = [script, platformUrl(), tenant, `${device.id}:${device.password}`, ...Object.entries(options).map(([k, v]) => `${k}=${v}`)];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => (err += d.toString("utf8")));
    child.on("error", reject);
    child.on("exit", (code) => {
      try {
        resolve(JSON.parse(out) as FloodReport);
      } catch {
        reject(new Error(`flood client exited ${code} without a report: ${out.slice(0, 300)} ${err.slice(0, 1000)}`));
      }
    });
  });
}
