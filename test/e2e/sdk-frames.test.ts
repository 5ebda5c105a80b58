/**
 * The device SDK (sdk/): a PUBLISH leaves as one WebSocket frame (MQTT.js's default WebSocket
 * stream sends several), counted by a proxy in front of the running platform; and devices on the
 * SDK work against the real hub, MQTT 5 and 3.1.1.
 */
import mqtt, { type MqttClient } from "mqtt";
import WebSocket from "ws";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connectDevice } from "../../sdk";
import { http, operatorToken, platformUrl } from "./client";
import { startFrameProxy, type FrameProxy } from "./frame-proxy";
import { appOpts, Client, closeClients, newTenant, registerDevice, rest, VERSIONS, vName, type Device, type Tenant } from "./mqtt-helpers";

let tenant: Tenant;
let device: Device;
let proxy: FrameProxy;
const clients: MqttClient[] = [];

beforeAll(async () => {
  tenant = await newTenant("sdk");
  // The starter plan allows a device 10 messages/s; these tests publish bursts of 20.
  await rest.ok(http("PATCH", `/api/v1/admin/tenants/${tenant.id}`, { token: operatorToken(), body: { limits: { messagesPerSecondPerDevice: 1000, messagesPerSecond: 1000 } } }));
  device = await registerDevice(tenant, "sdk-dev");
  proxy = await startFrameProxy(platformUrl().replace(/^http/, "ws"));
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.endAsync(true)));
  await closeClients();
});
afterAll(() => proxy?.close());

const telemetry = () => `t/${tenant.id}/devices/${device.id}/telemetry`;

function sdkDevice(protocolVersion: 4 | 5 = 5, origin = proxy.origin, maxFrameBytes?: number): MqttClient {
  // Node 20 has no global WebSocket: the ws package has the standard shape.
  const client = connectDevice({ url: origin, tenant: tenant.id, deviceId: device.id, secret: device.password, protocolVersion, WebSocket: WebSocket as never, mqtt: { reconnectPeriod: 0 }, ...(maxFrameBytes ? { maxFrameBytes } : {}) });
  clients.push(client);
  return client;
}

async function connected(client: MqttClient): Promise<void> {
  if (client.connected) return;
  await new Promise<void>((resolve, reject) => {
    client.once("connect", () => resolve());
    client.once("error", reject);
  });
}

/** Frames the client sent while it published `n` QoS 1 messages one after another. */
async function framesForSequentialPublishes(client: MqttClient, n: number): Promise<number> {
  proxy.reset();
  for (let i = 0; i < n; i++) await client.publishAsync(telemetry(), JSON.stringify({ temp: 20 + i }), { qos: 1 });
  return proxy.counts.up;
}

describe("device SDK frames", () => {
  it("sends each PUBLISH as one frame, where MQTT.js's default stream sends several", async () => {
    const plain = mqtt.connect(`${proxy.origin}/t/${tenant.id}/mqtt`, { clientId: device.id, username: device.id, password: device.password, protocolVersion: 5, reconnectPeriod: 0 });
    clients.push(plain);
    await connected(plain);
    const plainFrames = await framesForSequentialPublishes(plain, 20);
    await plain.endAsync();

    const sdk = sdkDevice();
    await connected(sdk);
    const sdkFrames = await framesForSequentialPublishes(sdk, 20);

    expect(plainFrames).toBeGreaterThan(20);
    expect(sdkFrames).toBe(20);
  });

  it("sends a burst of PUBLISHes written in one turn as one frame", async () => {
    const sdk = sdkDevice();
    await connected(sdk);
    proxy.reset();
    await Promise.all(Array.from({ length: 20 }, (_, i) => sdk.publishAsync(telemetry(), JSON.stringify({ temp: i }), { qos: 1 })));
    expect(proxy.counts.up).toBeGreaterThan(0);
    expect(proxy.counts.up).toBeLessThan(20);
  });

  it("keeps each frame within maxFrameBytes, splitting a burst (packets may straddle frames), and the hub reads them all", async () => {
    const app = await Client.open(tenant.id, appOpts(tenant.token, 5));
    await app.sub(telemetry());
    const sdk = sdkDevice(5, proxy.origin, 16 * 1024);
    await connected(sdk);
    proxy.reset();
    const readings = Array.from({ length: 10 }, (_, i) => JSON.stringify({ note: `${i}`.padEnd(10 * 1024, "x") }));
    await Promise.all(readings.map((r) => sdk.publishAsync(telemetry(), r, { qos: 1 })));
    expect(proxy.counts.largestUp).toBeLessThanOrEqual(16 * 1024);
    expect(proxy.counts.up).toBeGreaterThanOrEqual(7);
    expect(proxy.counts.up).toBeLessThan(20);
    const got = await app.take(10, (m) => m.text.startsWith('{"note"'));
    expect(got.map((m) => m.text)).toEqual(readings);
  });

  for (const version of VERSIONS) {
    it(`works against the hub directly (${vName(version)}): readings reach a subscriber in order`, async () => {
      const app = await Client.open(tenant.id, appOpts(tenant.token, version));
      await app.sub(telemetry());
      const sdk = sdkDevice(version, platformUrl());
      await connected(sdk);
      const readings = Array.from({ length: 10 }, (_, i) => JSON.stringify({ temp: 30 + i, v: version }));
      for (const r of readings) await sdk.publishAsync(telemetry(), r, { qos: 1 });
      const got = await app.take(10, (m) => m.text.includes(`"v":${version}`));
      expect(got.map((m) => m.text)).toEqual(readings);
    });
  }
});
