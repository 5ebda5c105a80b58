/**
 * A flood costs its sender, never the hub: what a connection may make the hub hold (owed
 * acknowledgements, undecoded input) is bounded, an abuser's backlog is dropped undecoded with
 * one DISCONNECT instead of a storm of refusals, it cannot come straight back (by client id here,
 * by address at the edge), reconnecting buys no fresh burst, and under pressure the noisiest
 * devices are shed before the quiet ones.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { encodePacket, type MqttPacket, type ProtocolLevel } from "../../../domain/mqtt";
import { api, createDevice, expectOk, OPERATOR_TOKEN, signup, type TenantFixture } from "../helpers";
import { bytes, connect, openSocket, type TestClient } from "./mqtt-client";

async function tenantWithLimits(limits: Record<string, number>) {
  const t = await signup();
  await expectOk(api("PATCH", `/api/v1/admin/tenants/${t.tenantId}`, { token: OPERATOR_TOKEN, body: { limits } }));
  return t;
}

async function device(t: TenantFixture, id: string, level: ProtocolLevel = 5, headers?: Record<string, string>) {
  const password = (await createDevice(t.ownerToken, { id })).credentials.password as string;
  const client = await connect(t.tenantId, { clientId: id, username: id, password, level, ...(headers ? { headers } : {}) });
  return { client, password };
}

const publish = (topic: string, packetId: number, qos: 0 | 1 = 1): MqttPacket => ({ type: "publish", topic, payload: bytes('{"values":{"x":1}}'), qos, retain: false, dup: false, ...(qos ? { packetId } : {}) });

/** Many packets in one WebSocket frame, as a client writing as fast as it can delivers them. */
function frameOf(packets: MqttPacket[], level: ProtocolLevel): Uint8Array {
  const parts = packets.map((p) => encodePacket(p, level));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.length) - p.length);
  return out;
}

const hub = (t: TenantFixture) => env.TENANT_HUB.getByName(t.tenantId);
const count = (c: TestClient, type: MqttPacket["type"]) => c.received.filter((p) => p.type === type).length;

describe("bounded work per connection", () => {
  it("an abuser's backlog is dropped undecoded: one DISCONNECT 0x96, no storm of 0x97s", async () => {
    const t = await tenantWithLimits({ messagesPerSecondPerDevice: 1, burstSeconds: 1 });
    const { client } = await device(t, "abuser");
    const topic = `t/${t.tenantId}/devices/abuser/cmd/1/response`; // acknowledged at once (no hand-off)
    // 5 000 PUBLISHes: 50 frames of 100, sent back to back.
    for (let f = 0; f < 50; f++)
      client.sendRaw(
        frameOf(
          Array.from({ length: 100 }, (_, i) => publish(topic, f * 100 + i + 1)),
          5,
        ),
      );
    expect((await client.next("disconnect", 5000)).reasonCode).toBe(0x96);
    await client.waitClosed();
    // The threshold is 100 refusals in a row: the hub answered about that many, not 5 000.
    expect(count(client, "puback")).toBeLessThanOrEqual(102);
    // Had the backlog been decoded, ~4 999 messages would have been refused one by one.
    expect((await hub(t).stats(t.tenantId)).dropped).toBeLessThanOrEqual(101);
  });

  it("v5: more unacknowledged QoS 1 messages than the advertised Receive Maximum (100) → DISCONNECT 0x93", async () => {
    const t = await tenantWithLimits({ messagesPerSecondPerDevice: 10_000, messagesPerSecond: 10_000, dataPointsPerSecond: 100_000 });
    const { client } = await device(t, "greedy");
    const connackMax = 100;
    // Telemetry is acknowledged once the queue has it, so a burst in one frame is all in flight at once.
    client.sendRaw(
      frameOf(
        Array.from({ length: 150 }, (_, i) => publish(`t/${t.tenantId}/devices/greedy/telemetry`, i + 1)),
        5,
      ),
    );
    const disconnect = await client.next("disconnect", 5000);
    expect(disconnect.reasonCode).toBe(0x93);
    expect(disconnect.properties?.reasonString).toContain(`more than ${connackMax}`);
    expect(count(client, "puback")).toBeLessThanOrEqual(connackMax);
  });

  it("a client that keeps to the Receive Maximum is never disconnected for it", async () => {
    const t = await tenantWithLimits({ messagesPerSecondPerDevice: 10_000, messagesPerSecond: 10_000, dataPointsPerSecond: 100_000 });
    const { client } = await device(t, "polite");
    for (let round = 0; round < 3; round++) {
      client.sendRaw(
        frameOf(
          Array.from({ length: 100 }, (_, i) => publish(`t/${t.tenantId}/devices/polite/telemetry`, round * 100 + i + 1)),
          5,
        ),
      );
      for (let i = 0; i < 100; i++) expect((await client.next("puback", 5000)).reasonCode).toBe(0);
    }
    expect(client.closed).toBe(false);
  });

  it("3.1.1: the in-flight window is the device's burst; past it the connection is closed unacknowledged", async () => {
    // Burst 200 (100/s × 2 s): 300 in one frame exceed it while the first hand-off is still pending.
    const t = await tenantWithLimits({ messagesPerSecondPerDevice: 100, burstSeconds: 2, messagesPerSecond: 10_000, dataPointsPerSecond: 100_000 });
    const { client } = await device(t, "old", 4);
    client.sendRaw(
      frameOf(
        Array.from({ length: 300 }, (_, i) => publish(`t/${t.tenantId}/devices/old/telemetry`, i + 1)),
        4,
      ),
    );
    await client.waitClosed(5000);
    expect(count(client, "puback")).toBeLessThanOrEqual(200);
    expect(count(client, "disconnect")).toBe(0); // 3.1.1 servers send no DISCONNECT
  });

  it("one frame packed with thousands of packets is decoded only until the hub decides to close", async () => {
    const t = await tenantWithLimits({ messagesPerSecondPerDevice: 1, burstSeconds: 1 });
    const { client } = await device(t, "packer");
    const topic = `t/${t.tenantId}/devices/packer/cmd/1/response`;
    client.sendRaw(
      frameOf(
        Array.from({ length: 20_000 }, (_, i) => publish(topic, (i % 65_535) + 1, 0)),
        5,
      ),
    );
    expect((await client.next("disconnect", 5000)).reasonCode).toBe(0x96);
    const stats = await hub(t).stats(t.tenantId);
    // 1 accepted, then 100 refusals in a row: the other ~19 900 packets were never decoded.
    expect(stats.dropped).toBeLessThanOrEqual(101);
    expect(stats.messagesIn).toBeLessThanOrEqual(2);
  });
});

describe("coming back", () => {
  it("a client id thrown out for abuse is refused at CONNECT (0x9F) during its cool-down, from any address, then welcome again", async () => {
    const t = await tenantWithLimits({ messagesPerSecondPerDevice: 1, burstSeconds: 1 });
    const { client, password } = await device(t, "storm");
    const topic = `t/${t.tenantId}/devices/storm/cmd/1/response`;
    client.sendRaw(
      frameOf(
        Array.from({ length: 300 }, (_, i) => publish(topic, i + 1, 0)),
        5,
      ),
    );
    expect((await client.next("disconnect", 5000)).reasonCode).toBe(0x96);
    const again = await openSocket(t.tenantId, 5);
    again.send({ type: "connect", protocolLevel: 5, clientId: "storm", keepAlive: 60, cleanStart: true, username: "storm", password: bytes(password) } as MqttPacket);
    const refused = await again.next("connack");
    expect(refused.reasonCode).toBe(0x9f);
    expect(refused.properties?.reasonString).toMatch(/disconnected for abuse; retry in \d+ s/);
    // The base cool-down is 2 s (MQTT_ABUSE_COOLDOWN_BASE_SECONDS).
    await new Promise((r) => setTimeout(r, 2_200));
    const back = await connect(t.tenantId, { clientId: "storm", username: "storm", password });
    expect(back.closed).toBe(false);
  });

  it("reconnecting does not buy a fresh burst", async () => {
    const t = await tenantWithLimits({ messagesPerSecondPerDevice: 0.1, burstSeconds: 30 }); // 3 messages, then one per 10 s
    const { client, password } = await device(t, "sly");
    const topic = `t/${t.tenantId}/devices/sly/cmd/1/response`;
    for (let i = 1; i <= 3; i++) {
      client.send(publish(topic, i));
      expect((await client.next("puback")).reasonCode).toBe(0);
    }
    client.send({ type: "disconnect", reasonCode: 0 });
    await client.waitClosed();
    const back = await connect(t.tenantId, { clientId: "sly", username: "sly", password });
    back.send(publish(topic, 4));
    expect((await back.next("puback")).reasonCode).toBe(0x97);
  });

  it("an address whose CONNECTs keep failing authentication is cooled down at the edge, for that tenant only", async () => {
    const t = await signup();
    const other = await signup();
    const headers = { "cf-connecting-ip": "203.0.113.77" };
    await createDevice(t.ownerToken, { id: "target" });
    for (let i = 0; i < 10; i++) {
      const c = await openSocket(t.tenantId, 5, { headers });
      c.send({ type: "connect", protocolLevel: 5, clientId: "target", keepAlive: 60, cleanStart: true, username: "target", password: bytes(`guess ${i}`) } as MqttPacket);
      expect((await c.next("connack")).reasonCode).toBe(0x86);
    }
    // The report goes out after the tenth refusal (waitUntil): the edge soon refuses the address.
    let status = 0;
    for (let i = 0; i < 40 && status !== 429; i++) {
      await new Promise((r) => setTimeout(r, 50));
      try {
        (await openSocket(t.tenantId, 5, { headers })).close();
      } catch (err) {
        status = Number(/upgrade refused: (\d+)/.exec(String(err))?.[1]);
      }
    }
    expect(status).toBe(429);
    // Another tenant on the same address, and the same tenant from another address, are untouched.
    (await openSocket(other.tenantId, 5, { headers })).close();
    (await openSocket(t.tenantId, 5, { headers: { "cf-connecting-ip": "203.0.113.78" } })).close();
  });
});

describe("the edge's frame budget", () => {
  it("a client writing far more frames than its plan allows is closed at the edge (1008), and its address cooled down", async () => {
    const t = await signup(); // starter: 2 000 frames/s, a burst of 10 000
    const headers = { "cf-connecting-ip": "203.0.113.91" };
    const { client } = await device(t, "firehose", 5, headers);
    const ping = encodePacket({ type: "pingreq" } as MqttPacket, 5);
    for (let i = 0; i < 12_000 && !client.closed; i++) client.sendRaw(ping);
    await expect.poll(() => client.closeCode, { timeout: 10_000 }).toBe(1008);
    // The hub holds it against the client like any abuse: the address is refused at the upgrade.
    let status = 0;
    for (let i = 0; i < 40 && status !== 429; i++) {
      await new Promise((r) => setTimeout(r, 50));
      try {
        (await openSocket(t.tenantId, 5, { headers })).close();
      } catch (err) {
        status = Number(/upgrade refused: (\d+)/.exec(String(err))?.[1]);
      }
    }
    expect(status).toBe(429);
  });
});

describe("the hub's budget under pressure", () => {
  it("sheds the noisiest device first: a quiet device of the same tenant keeps its service", async () => {
    // The tenant allows 20 messages/s (burst 20); the noisy device alone could drain all of it.
    const t = await tenantWithLimits({ messagesPerSecond: 20, burstSeconds: 1, messagesPerSecondPerDevice: 1_000 });
    const quiet = (await device(t, "quiet")).client;
    const noisy = (await device(t, "noisy")).client;
    const topicOf = (d: string) => `t/${t.tenantId}/devices/${d}/cmd/1/response`;
    quiet.send(publish(topicOf("quiet"), 1));
    expect((await quiet.next("puback")).reasonCode).toBe(0);
    const noisyCodes: number[] = [];
    for (let i = 1; i <= 30; i++) {
      noisy.send(publish(topicOf("noisy"), i));
      noisyCodes.push((await noisy.next("puback")).reasonCode!);
    }
    expect(noisyCodes.filter((c) => c === 0x97).length).toBeGreaterThan(0);
    // Without shedding the noisy device would have taken the whole bucket; the quiet one is still served.
    for (let i = 2; i <= 4; i++) {
      quiet.send(publish(topicOf("quiet"), i));
      expect((await quiet.next("puback")).reasonCode).toBe(0);
    }
  });
});
