/**
 * What a deploy does to live MQTT connections, rehearsed locally: the platform process is stopped
 * and started again on the same state directory (as a new Worker version replaces the old one,
 * every WebSocket drops). Clients reconnect; persistent sessions (clean=false) come back with
 * sessionPresent, their QoS 1 subscriptions still routing without a new SUBSCRIBE, and QoS 1
 * messages queued for a subscriber that was away — before the restart and after it — are delivered
 * in order. A key rotation goes live the same way: `npm run rotate-keys` on the platform's secrets,
 * then a restart; tokens signed by the old key keep working over HTTP and MQTT until the previous
 * key is dropped. This suite runs a platform of its own (own port, own persistent state), not the
 * shared one.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import mqtt, { type IClientOptions, type IConnackPacket, type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: plain ESM helper shared with scripts/dev.mjs
import { applyMigrations, generateSecrets, readVarsFile, ROOT, startPlatform, startPlatformOnFreePort, writeVarsFile } from "../../scripts/platform.mjs";

type Platform = { url: string; stop: () => Promise<void> };
type Received = { topic: string; text: string; qos: number };
type Watched = { client: MqttClient; messages: Received[]; connacks: IConnackPacket[]; closes: number };

const dir = mkdtempSync(join(tmpdir(), "skylark-upgrade-"));
const state = join(dir, "state");
const envFile = join(dir, "secrets.env");
let platform: Platform;
const clients: MqttClient[] = [];

beforeAll(async () => {
  writeVarsFile(envFile, await generateSecrets(), { forTests: true });
  applyMigrations({ persistTo: state });
  platform = await startPlatformOnFreePort({ persistTo: state, envFile, quiet: true });
}, 180_000);

afterAll(async () => {
  clients.forEach((c) => c.end(true));
  await platform?.stop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

async function api(method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(`${platform.url}${path}`, { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { "content-type": "application/json" } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
  const json = (await res.json().catch(() => null)) as any;
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** A client that records what it receives, each CONNACK and each dropped connection. */
function watch(tenant: string, options: IClientOptions): Promise<Watched> {
  const client = mqtt.connect(`ws://${new URL(platform.url).host}/t/${tenant}/mqtt`, { protocolVersion: 4, connectTimeout: 10_000, ...options });
  clients.push(client);
  const watched: Watched = { client, messages: [], connacks: [], closes: 0 };
  client.on("message", (topic, payload, packet) => watched.messages.push({ topic, text: payload.toString(), qos: packet.qos }));
  client.on("connect", (connack) => watched.connacks.push(connack));
  client.on("close", () => watched.closes++);
  return new Promise((resolve, reject) => {
    client.once("connect", () => resolve(watched));
    client.once("error", reject);
  });
}

async function until(what: string, check: () => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops the platform and starts it again on the same port and state, as a deploy replaces a version. */
async function restart() {
  await platform.stop();
  platform = await startPlatform({ port: Number(new URL(platform.url).port), persistTo: state, envFile, quiet: true });
}

const publish = (client: MqttClient, topic: string, text: string) => client.publishAsync(topic, text, { qos: 1 });

describe("a platform restart under connected MQTT clients", () => {
  it("drops every WebSocket; clients reconnect to their sessions, and QoS 1 messages queued for an absent subscriber survive", { timeout: 300_000 }, async () => {
    const owner = await api("POST", "/api/v1/auth/signup", undefined, { email: "owner@upgrade.example", password: "upgrade rehearsal password", tenant: { id: "upgrade", name: "Upgrade rehearsal" } });
    const token: string = owner.token.token;
    const device = await api("POST", "/api/v1/devices", token, { id: "meter-1" });
    const topic = "t/upgrade/devices/meter-1/telemetry";
    const reconnecting = { reconnectPeriod: 500, clean: false };

    const meter = await watch("upgrade", { ...reconnecting, clientId: "meter-1", username: "meter-1", password: device.credentials.password });
    // Stays connected through the restart; resubscribe is off, so what routes afterwards is the session's subscription.
    const dashboard = await watch("upgrade", { ...reconnecting, clientId: "dashboard-1", username: "api", password: token, resubscribe: false });
    await dashboard.client.subscribeAsync(topic, { qos: 1 });
    // Subscribes, then goes away for the whole upgrade: its session keeps collecting QoS 1 messages.
    const archiver = await watch("upgrade", { clean: false, reconnectPeriod: 0, clientId: "archiver-1", username: "api", password: token });
    await archiver.client.subscribeAsync(topic, { qos: 1 });
    await archiver.client.endAsync();

    await publish(meter.client, topic, "before the restart");
    await until("the dashboard has the first reading", () => dashboard.messages.length === 1);

    await platform.stop();
    const port = Number(new URL(platform.url).port);
    await until("both connected clients saw their WebSocket drop", () => meter.closes > 0 && dashboard.closes > 0, 30_000);
    platform = await startPlatform({ port, persistTo: state, envFile, quiet: true });

    await until("both clients reconnected", () => meter.connacks.length === 2 && dashboard.connacks.length === 2);
    expect(dashboard.connacks[1]!.sessionPresent).toBe(true);
    expect(meter.connacks[1]!.sessionPresent).toBe(true);

    await publish(meter.client, topic, "after the restart");
    await until("the dashboard has the second reading", () => dashboard.messages.length === 2);
    expect(dashboard.messages.map((m) => m.text)).toEqual(["before the restart", "after the restart"]);

    const back = await watch("upgrade", { clean: false, reconnectPeriod: 0, clientId: "archiver-1", username: "api", password: token });
    expect(back.connacks[0]!.sessionPresent).toBe(true);
    await until("the archiver has both queued readings", () => back.messages.length >= 2, 15_000);
    expect(back.messages.map((m) => [m.text, m.qos])).toEqual([
      ["before the restart", 1],
      ["after the restart", 1],
    ]);
  });

  it("goes live with a rotated signing key and operator token: old tokens keep working until the previous ones are dropped", { timeout: 300_000 }, async () => {
    const owner = await api("POST", "/api/v1/auth/signup", undefined, { email: "owner@rotation.example", password: "rotation rehearsal password", tenant: { id: "rotation", name: "Rotation rehearsal" } });
    const oldToken: string = owner.token.token;
    const oldOperator: string = readVarsFile(envFile).OPERATOR_TOKEN;
    const status = async (path: string, token: string) => (await fetch(`${platform.url}${path}`, { headers: { authorization: `Bearer ${token}` } })).status;
    const mqttLogin = (password: string) => watch("rotation", { clientId: `app-${Date.now()}`, username: "api", password, reconnectPeriod: 0 });
    const rotateKeys = (...args: string[]) => promisify(execFile)(process.execPath, [join(ROOT, "scripts", "rotate-keys.mjs"), "--vars", envFile, ...args], { cwd: ROOT });

    await rotateKeys();
    await restart();
    const rotated = readVarsFile(envFile);
    const jwks = (await (await fetch(`${platform.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toEqual([JSON.parse(rotated.JWT_SIGNING_KEY).kid, JSON.parse(rotated.JWT_SIGNING_KEY_PREVIOUS).kid]);
    expect(await status("/api/v1/devices", oldToken)).toBe(200);
    (await mqttLogin(oldToken)).client.end(true);
    expect(await status("/api/v1/admin/tenants", oldOperator)).toBe(200);
    expect(await status("/api/v1/admin/tenants", rotated.OPERATOR_TOKEN)).toBe(200);

    await rotateKeys("--drop-previous");
    await restart();
    expect(await status("/api/v1/devices", oldToken)).toBe(401);
    await expect(mqttLogin(oldToken)).rejects.toThrow();
    expect(await status("/api/v1/admin/tenants", oldOperator)).toBe(401);
    const login = await api("POST", "/api/v1/auth/login", undefined, { email: "owner@rotation.example", password: "rotation rehearsal password" });
    expect(await status("/api/v1/devices", login.token)).toBe(200);
    (await mqttLogin(login.token)).client.end(true);
  });
});
