// The three kinds of client the broker benchmark compares, behind one small interface:
//   default — MQTT.js as most users run it (its WebSocket stream: several frames per PUBLISH)
//   sdk     — MQTT.js on the SDK's framed stream (sdk/: one frame per packet or burst)
//   raw     — a hand-written client on mqtt-packet, one frame per packet (the floor a client can reach)
// Each connects to a WebSocket URL and offers publish (resolves when acknowledged for QoS 1),
// subscribe and a message callback.
import { build } from "esbuild";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import mqtt from "mqtt";
import mqttPacket from "mqtt-packet";
import WebSocket from "ws";
import { ROOT } from "../../scripts/platform.mjs";

/** The SDK and the frame-counting proxy are TypeScript: bundled once for this Node process. */
export async function loadTypeScriptHelpers() {
  // Inside the project, so the bundles' external packages (mqtt, ws) resolve from its node_modules.
  const dir = join(ROOT, "node_modules/.cache/skylark-bench-broker");
  mkdirSync(dir, { recursive: true });
  const load = async (entry, name) => {
    const outfile = join(dir, `${name}.mjs`);
    await build({ entryPoints: [join(ROOT, entry)], bundle: true, platform: "node", format: "esm", packages: "external", outfile, logLevel: "silent" });
    return import(pathToFileURL(outfile).href);
  };
  return { sdk: await load("sdk/index.ts", "sdk"), proxy: await load("test/e2e/frame-proxy.ts", "frame-proxy") };
}

export const KINDS = ["default", "sdk", "raw"];

/** Connects a client of `kind`; `auth` is {clientId, username, password}. */
export async function connectClient(kind, url, auth, sdk) {
  if (kind === "raw") return RawClient.connect(url, auth);
  const options = { protocolVersion: 5, reconnectPeriod: 0, connectTimeout: 10_000, keepalive: 60, clean: true, ...auth };
  const client = kind === "sdk" ? new mqtt.MqttClient(() => sdk.framedWebSocketStream(new WebSocket(url, ["mqtt"])), { protocol: "ws", ...options }) : mqtt.connect(url, options);
  await new Promise((resolve, reject) => (client.once("connect", resolve), client.once("error", reject)));
  return {
    publish: (topic, payload, qos) => (qos === 0 ? (client.publish(topic, payload, { qos }), Promise.resolve()) : client.publishAsync(topic, payload, { qos })),
    subscribe: (filter, qos) => client.subscribeAsync(filter, { qos }),
    onMessage: (fn) => client.on("message", (_topic, payload) => fn(payload)),
    end: () => client.endAsync(true),
  };
}

/** A minimal MQTT 5 client: each packet is generated whole and sent as one WebSocket frame. */
class RawClient {
  static async connect(url, auth) {
    const ws = new WebSocket(url, ["mqtt"]);
    await new Promise((resolve, reject) => (ws.once("open", resolve), ws.once("error", reject)));
    const client = new RawClient(ws);
    const connack = client.waitFor("connack");
    client.send({ cmd: "connect", protocolId: "MQTT", protocolVersion: 5, clean: true, keepalive: 60, clientId: auth.clientId, username: auth.username, password: Buffer.from(auth.password) });
    const ack = await connack;
    if (ack.reasonCode) throw new Error(`raw client refused: CONNACK ${ack.reasonCode}`);
    return client;
  }

  constructor(ws) {
    this.ws = ws;
    this.nextId = 0;
    this.acks = new Map();
    this.waiters = new Map();
    this.listeners = [];
    this.parser = mqttPacket.parser({ protocolVersion: 5 });
    this.parser.on("packet", (p) => this.received(p));
    ws.on("message", (data) => this.parser.parse(data));
  }

  send(packet) {
    this.ws.send(mqttPacket.generate(packet, { protocolVersion: 5 }));
  }

  waitFor(cmd) {
    return new Promise((resolve) => this.waiters.set(cmd, resolve));
  }

  received(p) {
    if (p.cmd === "puback" || p.cmd === "suback") {
      this.acks.get(p.messageId)?.(p);
      this.acks.delete(p.messageId);
    } else if (p.cmd === "publish") {
      if (p.qos === 1) this.send({ cmd: "puback", messageId: p.messageId, reasonCode: 0 });
      for (const fn of this.listeners) fn(p.payload);
    }
    const waiter = this.waiters.get(p.cmd);
    if (waiter) (this.waiters.delete(p.cmd), waiter(p));
  }

  id() {
    this.nextId = (this.nextId % 65535) + 1;
    return this.nextId;
  }

  publish(topic, payload, qos) {
    if (qos === 0) return (void this.send({ cmd: "publish", topic, payload, qos: 0, retain: false, dup: false }), Promise.resolve());
    const messageId = this.id();
    const acked = new Promise((resolve) => this.acks.set(messageId, resolve));
    this.send({ cmd: "publish", topic, payload, qos, messageId, retain: false, dup: false });
    return acked;
  }

  subscribe(filter, qos) {
    const messageId = this.id();
    const acked = new Promise((resolve) => this.acks.set(messageId, resolve));
    this.send({ cmd: "subscribe", messageId, subscriptions: [{ topic: filter, qos, nl: false, rap: false, rh: 0 }] });
    return acked;
  }

  onMessage(fn) {
    this.listeners.push(fn);
  }

  async end() {
    this.send({ cmd: "disconnect", reasonCode: 0 });
    this.ws.close();
  }
}
