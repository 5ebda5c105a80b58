// A flooding MQTT device in its own process (the flood benchmark and the e2e flood test spawn
// it), so its client-side work never queues up the clients being measured. Like firmware gone
// wrong, it never waits for a PUBACK and ignores the server's Receive Maximum, and it keeps
// sending after a DISCONNECT until the socket is actually closed.
//
//   node bench/flood-client.mjs <url> <tenant> <device:secret> [key=value ...]
//
// Options (key=value arguments, or the environment as FLOOD_<KEY in upper snake case>):
//   client=raw|mqttjs    raw: packets generated once with mqtt-packet, one ws.send each, QoS 1
//                        packet ids cycling 1..65535 whatever is in flight; mqttjs: MQTT.js
//                        publish() in a loop, as in the issue (it does not hold back for the
//                        server's Receive Maximum either)                                 default raw
//   version=5|4          MQTT 5 or 3.1.1 (protocol level 4)                              default 5
//   qos=0|1                                                                               default 1
//   rate=max|<msg/s>     max: as fast as the socket takes them, yielding to the event loop
//                        every yieldEvery packets; a number paces the sends                default max
//   duration=<ms>        how long it floods, counted from process start                   default 3000
//   linger=<ms>          after the flood, how long a still open connection waits for the
//                        hub to close it before we close it ourselves                     default 1000
//   reconnect=0|1        reconnect at once whenever the connection closes (until the
//                        flood's end), after refused upgrades too                         default 0
//   reconnectDelay=<ms>  pause before each reconnection attempt                           default 0
//   address=<ip>         sent as cf-connecting-ip: locally the caller supplies the client
//                        address (without it the edge sees 127.0.0.1)                     default none
//   yieldEvery=<n>       packets per event-loop turn at rate=max                           default 200
//   maxBuffered=<bytes>  at rate=max, stop sending while more than this waits in the client
//                        (bounds the client's memory; the kernel's socket buffers come on
//                        top of it)                                                       default 4 MiB
//   payload=<text>       the PUBLISH payload                              default {"values":{"x":1}}
//   channel=<name>       topic t/{tenant}/devices/{device}/{channel}                      default telemetry
//   connackTimeout=<ms>  a connection without CONNACK this long is dropped                default 10000
//
// At the end it writes one JSON object to stdout: what it offered, what the hub answered
// (PUBACKs and DISCONNECTs by reason code, CONNACKs by code), every connection's end (who
// closed it, and how long after the hub's DISCONNECT), reconnection attempts and refused
// upgrades (HTTP status → count, with the first refusals' Retry-After and problem `limit`).
import mqtt from "mqtt";
import mqttPacket from "mqtt-packet";
import { performance } from "node:perf_hooks";
import { WebSocket } from "ws";

const [url, tenantId, cred, ...rest] = process.argv.slice(2);
if (!url || !tenantId || !cred?.includes(":")) {
  process.stderr.write("usage: node bench/flood-client.mjs <url> <tenant> <device:secret> [key=value ...]\n");
  process.exit(2);
}
const [deviceId, secret] = [cred.slice(0, cred.indexOf(":")), cred.slice(cred.indexOf(":") + 1)];
const args = Object.fromEntries(rest.map((a) => [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)]));
const opt = (key, fallback) => args[key] ?? process.env[`FLOOD_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`] ?? fallback;

const cfg = {
  client: opt("client", "raw"),
  version: Number(opt("version", 5)),
  qos: Number(opt("qos", 1)),
  rate: opt("rate", "max"),
  durationMs: Number(opt("duration", 3000)),
  lingerMs: Number(opt("linger", 1000)),
  reconnect: opt("reconnect", "0") === "1",
  reconnectDelayMs: Number(opt("reconnectDelay", 0)),
  address: opt("address", "") || null,
  yieldEvery: Number(opt("yieldEvery", 200)),
  maxBuffered: Number(opt("maxBuffered", 4 * 1024 * 1024)),
  payload: opt("payload", '{"values":{"x":1}}'),
  channel: opt("channel", "telemetry"),
  connackTimeoutMs: Number(opt("connackTimeout", 10_000)),
};
if (!["raw", "mqttjs"].includes(cfg.client)) throw new Error("client is raw or mqttjs");
if (![4, 5].includes(cfg.version)) throw new Error("version is 4 or 5");
if (![0, 1].includes(cfg.qos)) throw new Error("qos is 0 or 1");
const maxRate = cfg.rate === "max";
if (!maxRate && !(Number(cfg.rate) > 0)) throw new Error("rate is max or a positive number");

const t0 = performance.now();
const now = () => performance.now() - t0;
const ms = (x) => Math.round(x * 10) / 10;
const sleep = (n) => new Promise((r) => setTimeout(r, n));
const turn = () => new Promise((r) => setImmediate(r));
const bump = (o, k) => (o[k] = (o[k] ?? 0) + 1);
const hex = (n) => `0x${(n ?? 0).toString(16).padStart(2, "0")}`;

// One PUBLISH, generated once; raw QoS 1 copies get their packet id patched in (it sits right
// before the payload, and in v5 before the one-byte empty property length).
const topic = `t/${tenantId}/devices/${deviceId}/${cfg.channel}`;
const template = mqttPacket.generate({ cmd: "publish", topic, payload: cfg.payload, qos: cfg.qos, ...(cfg.qos ? { messageId: 1 } : {}), protocolVersion: cfg.version }, { protocolVersion: cfg.version });
const idOffset = template.length - Buffer.byteLength(cfg.payload) - (cfg.version === 5 ? 1 : 0) - 2;
if (cfg.qos && template.readUInt16BE(idOffset) !== 1) throw new Error("could not locate the packet id in the PUBLISH template");
const wsUrl = `${url.replace(/^http/, "ws")}/t/${tenantId}/mqtt`;
const wsOptions = { headers: cfg.address ? { "cf-connecting-ip": cfg.address } : {}, perMessageDeflate: false, handshakeTimeout: cfg.connackTimeoutMs };

const report = {
  config: { ...cfg, device: deviceId, packetBytes: template.length },
  /** PUBLISH packets handed to the client (ws.send, or MQTT.js publish()) while connected. */
  offered: 0,
  /** WebSocket frames sent (CONNECTs included): raw sends one per packet, MQTT.js several (one per piece it writes). */
  frames: 0,
  /** Approximate: offered minus what still waited in the client (ws, Node's socket, MQTT.js's stream) when each connection ended. */
  written: 0,
  unsentAtClose: 0,
  /** Wall time with a connection that had its CONNACK. */
  connectedMs: 0,
  /** Upgrade attempts, the first one included; `reconnectAttempts` counts only the later ones. */
  connectionAttempts: 0,
  reconnectAttempts: 0,
  connacks: {},
  /** By reason code; v3.1.1 PUBACKs carry none and count as 0x00. */
  pubacks: {},
  disconnects: {},
  /** HTTP status of refused WebSocket upgrades → count, and the first few refusals in detail. */
  upgradesRefused: {},
  refusals: [],
  connectErrors: {},
  /** Every connection that got a CONNACK or a DISCONNECT: when it ended, who closed it, how long after the hub's DISCONNECT. */
  closes: [],
  closedByHub: 0,
  /** Per connection the hub closed after sending DISCONNECT: DISCONNECT received → socket closed (ms). */
  closeAfterDisconnectMs: [],
  /** Connections the hub sent DISCONNECT on but had not closed when we gave up on them (flood over, linger over). */
  leftOpenAfterDisconnect: 0,
  firstDisconnectAtMs: null,
  firstCloseByHubAtMs: null,
  /** Times sending paused because more than maxBuffered bytes waited in the client. */
  backpressureWaits: 0,
  endedBy: null,
  seconds: 0,
};

/** The connection in use: { ready, closed, byUs, readyAt, disconnectAt, offered, send(), buffered(), close(), kill() }. */
let conn = null;
let lastBuffered = 0;

function onPacket(c, p, resolve) {
  if (p.cmd === "connack") {
    const code = cfg.version === 5 ? p.reasonCode : p.returnCode;
    bump(report.connacks, hex(code));
    if (code === 0) {
      c.ready = true;
      c.readyAt = now();
    }
    resolve();
  } else if (p.cmd === "puback") bump(report.pubacks, hex(p.reasonCode));
  else if (p.cmd === "disconnect") {
    bump(report.disconnects, hex(p.reasonCode));
    c.disconnectAt ??= now();
    report.firstDisconnectAtMs ??= ms(now());
  }
}

/** A refused upgrade: counts it by status, keeps the first few refusals' details, and ends the attempt. */
function onRefusedUpgrade(c, res, kill) {
  bump(report.upgradesRefused, String(res.statusCode));
  let body = "";
  res.on("data", (d) => (body += d));
  res.on("end", () => {
    if (report.refusals.length < 5) {
      let limit = null;
      try {
        limit = JSON.parse(body).limit ?? null;
      } catch {
        // not problem+json
      }
      report.refusals.push({ atMs: ms(now()), status: res.statusCode, retryAfter: res.headers["retry-after"] ?? null, contentType: res.headers["content-type"] ?? null, limit });
    }
    c.byUs = true;
    kill();
  });
}

function onClosed(c, wsCode) {
  if (c.closed) return;
  c.closed = true;
  const at = now();
  if (c.readyAt !== null) report.connectedMs += at - c.readyAt;
  const unsent = Math.min(c.offered, Math.floor(lastBuffered / template.length));
  report.unsentAtClose += unsent;
  report.written += c.offered - unsent;
  lastBuffered = 0;
  if (c.readyAt === null && c.disconnectAt === null) return;
  const byHub = !c.byUs;
  if (!byHub && c.disconnectAt !== null) report.leftOpenAfterDisconnect++;
  report.closes.push({ atMs: ms(at), byHub, wsCode: wsCode ?? null, offered: c.offered, afterDisconnectMs: c.disconnectAt !== null ? ms(at - c.disconnectAt) : null });
  if (!byHub) return;
  report.closedByHub++;
  report.firstCloseByHubAtMs ??= ms(at);
  if (c.disconnectAt !== null) report.closeAfterDisconnectMs.push(ms(at - c.disconnectAt));
}

const isAbortAfterRefusal = (e) => /Unexpected server response|closed before the connection was established/.test(e.message);

/** Raw: one WebSocket, packets from the template. */
function connectRaw(c, resolve) {
  const parser = mqttPacket.parser({ protocolVersion: cfg.version });
  const ws = new WebSocket(wsUrl, "mqtt", wsOptions);
  let nextId = 1;
  Object.assign(c, {
    send() {
      const packet = Buffer.from(template);
      if (cfg.qos) {
        packet.writeUInt16BE(nextId, idOffset);
        nextId = (nextId % 65535) + 1;
      }
      ws.send(packet);
      report.frames++;
    },
    buffered: () => ws.bufferedAmount,
    close: () => ws.close(),
    kill: () => ws.terminate(),
  });
  parser.on("packet", (p) => onPacket(c, p, resolve));
  parser.on("error", (e) => bump(report.connectErrors, `parse: ${e.message}`));
  ws.on("message", (data) => parser.parse(data));
  ws.on("unexpected-response", (_req, res) => onRefusedUpgrade(c, res, () => ws.terminate()));
  ws.on("open", () => {
    const connectPacket = { cmd: "connect", protocolId: "MQTT", protocolVersion: cfg.version, clientId: deviceId, username: deviceId, password: Buffer.from(secret), keepalive: 60, clean: true };
    ws.send(mqttPacket.generate(connectPacket, { protocolVersion: cfg.version }));
    report.frames++;
  });
  ws.on("error", (e) => isAbortAfterRefusal(e) || bump(report.connectErrors, e.code ?? e.message));
  ws.on("close", (code) => {
    onClosed(c, code);
    resolve();
  });
}

/** MQTT.js, as the issue's device used it: publish() in a loop, nothing awaited. */
function connectMqttJs(c, resolve) {
  let socket = null;
  let wsCode = null;
  const client = mqtt.connect(wsUrl, {
    protocolVersion: cfg.version,
    clientId: deviceId,
    username: deviceId,
    password: secret,
    keepalive: 60,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: cfg.connackTimeoutMs,
    createWebsocket: (u, protocols) => {
      socket = new WebSocket(u, protocols, wsOptions);
      const send = socket.send.bind(socket);
      socket.send = (...a) => (report.frames++, send(...a));
      socket.on("unexpected-response", (_req, res) => onRefusedUpgrade(c, res, () => socket.terminate()));
      socket.on("close", (code) => (wsCode = code));
      return socket;
    },
  });
  Object.assign(c, {
    send: () => client.publish(topic, cfg.payload, { qos: cfg.qos }),
    buffered: () => (client.stream?.writableLength ?? 0) + (socket?.bufferedAmount ?? 0),
    close: () => client.end(true),
    kill: () => client.end(true),
  });
  client.on("packetreceive", (p) => onPacket(c, p, resolve));
  client.on("error", (e) => isAbortAfterRefusal(e) || bump(report.connectErrors, e.code ?? e.message));
  client.on("close", () => {
    onClosed(c, wsCode);
    resolve();
  });
}

/** Opens one connection; resolves once it is ready (CONNACK 0), refused, or closed. */
function connect() {
  report.connectionAttempts++;
  const c = { ready: false, closed: false, byUs: false, readyAt: null, disconnectAt: null, offered: 0 };
  conn = c;
  return new Promise((resolve) => {
    const connackTimer = setTimeout(() => {
      if (c.ready || c.closed) return;
      bump(report.connectErrors, "no CONNACK in time");
      c.byUs = true;
      c.kill();
      resolve();
    }, cfg.connackTimeoutMs);
    const done = () => (clearTimeout(connackTimer), resolve());
    (cfg.client === "raw" ? connectRaw : connectMqttJs)(c, done);
  });
}

function sendOne(c) {
  c.send();
  c.offered++;
  report.offered++;
}

const deadline = cfg.durationMs;

async function flood() {
  await connect();
  let sentSincePace = 0;
  let paceStart = now();
  while (now() < deadline) {
    const c = conn;
    if (c.closed) {
      if (!cfg.reconnect) return "closed by the hub";
      if (cfg.reconnectDelayMs) await sleep(cfg.reconnectDelayMs);
      if (now() >= deadline) break;
      report.reconnectAttempts++;
      await connect();
      sentSincePace = 0;
      paceStart = now();
      continue;
    }
    if (!c.ready) {
      await sleep(1);
      continue;
    }
    if (maxRate) {
      for (let i = 0; i < cfg.yieldEvery && !c.closed; i++) sendOne(c);
      lastBuffered = c.buffered();
      if (lastBuffered > cfg.maxBuffered) {
        report.backpressureWaits++;
        while (!c.closed && now() < deadline && (lastBuffered = c.buffered()) > cfg.maxBuffered / 2) await sleep(1);
      } else await turn();
    } else {
      sendOne(c);
      sentSincePace++;
      lastBuffered = c.buffered();
      const due = paceStart + (sentSincePace * 1000) / Number(cfg.rate);
      const wait = due - now();
      if (wait > 0) await sleep(wait);
      else if (sentSincePace % cfg.yieldEvery === 0) await turn();
    }
  }
  return "deadline";
}

let finished = false;
function finish(endedBy) {
  if (finished) return;
  finished = true;
  report.endedBy ??= endedBy;
  if (conn && !conn.closed) {
    // This connection's close event will not come before we exit: count it now.
    conn.byUs = true;
    lastBuffered = conn.buffered?.() ?? lastBuffered;
    const before = report.closes.length;
    onClosed(conn, null);
    if (report.closes.length > before) report.closes.at(-1).stillOpenAtExit = true;
  }
  report.connectedMs = Math.round(report.connectedMs);
  report.seconds = Math.round(now()) / 1000;
  process.stdout.write(JSON.stringify(report) + "\n", () => process.exit(0));
}
// Whatever happens (a connection that never settles, a benchmark stopping us early), the report comes out.
process.on("SIGTERM", () => finish("SIGTERM"));
setTimeout(() => finish("hard deadline"), cfg.durationMs + cfg.lingerMs + cfg.connackTimeoutMs + 5_000).unref();

const endedBy = await flood();
// The flood is over; a connection still open gets `linger` ms for the hub to close it.
const lingerUntil = now() + cfg.lingerMs;
while (conn && !conn.closed && now() < lingerUntil) {
  lastBuffered = conn.buffered?.() ?? 0;
  await sleep(5);
}
if (conn && !conn.closed) {
  report.endedBy = `${endedBy}; still open after the linger, closed by us`;
  conn.byUs = true;
  lastBuffered = conn.buffered();
  conn.close();
  const until = now() + 500;
  while (!conn.closed && now() < until) await sleep(5);
}
finish(endedBy);
