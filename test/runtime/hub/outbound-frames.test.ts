/**
 * Outbound coalescing (durable-objects/tenant-hub/outbound.ts): what the hub sends one connection
 * in one turn leaves as one WebSocket frame, bounded in size, in order, and before any close.
 * Frames are counted on the client's side of the real hub (through the Worker's edge relay,
 * which forwards the hub's frames one for one).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { encodePacket, type MqttPacket, type PublishPacket } from "../../../domain/mqtt";
import { MAX_FRAME_BYTES } from "../../../durable-objects/tenant-hub/outbound";
import { createDevice, signup, type TenantFixture } from "../helpers";
import { bytes, connect, text, type TestClient } from "./mqtt-client";

let t: TenantFixture;
let secret = "";

beforeAll(async () => {
  t = await signup();
  secret = (await createDevice(t.ownerToken, { id: "burst-1" })).credentials.password;
});

/** Counts the frames (and their sizes) `client` receives from now on. */
function frameCounter(client: TestClient): number[] {
  const sizes: number[] = [];
  client.ws.addEventListener("message", (e) => {
    sizes.push(e.data instanceof ArrayBuffer ? e.data.byteLength : e.data instanceof Blob ? e.data.size : String(e.data).length);
  });
  return sizes;
}

/** Several packets written as one WebSocket frame. */
function oneFrame(packets: MqttPacket[], level: 4 | 5 = 5): Uint8Array {
  const parts = packets.map((p) => encodePacket(p, level));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) out.set(p, (at += p.byteLength) - p.byteLength);
  return out;
}

const publish = (topic: string, payload: string, packetId: number, qos: 0 | 1 = 1, retain = false): PublishPacket => ({ type: "publish", topic, payload: bytes(payload), qos, retain, dup: false, ...(qos ? { packetId } : {}) });

async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("outbound frames", () => {
  it("acknowledges a burst of QoS 1 PUBLISHes sent in one frame with fewer frames than PUBACKs, in order", async () => {
    for (const level of [5, 4] as const) {
      const dev = await connect(t.tenantId, { clientId: "burst-1", username: "burst-1", password: secret, level });
      const frames = frameCounter(dev);
      const burst = Array.from({ length: 20 }, (_, i) => publish(`t/${t.tenantId}/devices/burst-1/events`, `{"n":${i}}`, i + 1));
      dev.sendRaw(oneFrame(burst, level));
      await until(() => dev.received.filter((p) => p.type === "puback").length === 20, "20 PUBACKs");
      const acks = dev.received.filter((p) => p.type === "puback");
      expect(acks.map((p) => (p as { packetId: number }).packetId)).toEqual(burst.map((p) => p.packetId));
      expect(frames.length).toBeGreaterThan(0);
      expect(frames.length).toBeLessThan(20);
      dev.close();
    }
  });

  it("sends a SUBACK and the retained messages it releases in frames of at most 64 KiB, SUBACK first, nothing lost", async () => {
    const writer = await connect(t.tenantId, { clientId: "retain-writer", username: "api", password: t.ownerToken });
    const big = "x".repeat(20 * 1024);
    const topics = Array.from({ length: 8 }, (_, i) => `t/${t.tenantId}/big/${i}`);
    writer.sendRaw(oneFrame(topics.map((topic, i) => publish(topic, `${i}:${big}`, i + 1, 1, true))));
    await until(() => writer.received.filter((p) => p.type === "puback").length === 8, "8 PUBACKs");
    writer.close();

    const reader = await connect(t.tenantId, { clientId: "retain-reader", username: "api", password: t.ownerToken });
    const frames = frameCounter(reader);
    reader.send({ type: "subscribe", packetId: 9, subscriptions: [{ topicFilter: `t/${t.tenantId}/big/+`, qos: 0, noLocal: false, retainAsPublished: false, retainHandling: 0 }] });
    await until(() => reader.received.filter((p) => p.type === "publish").length === 8, "8 retained messages");
    expect(reader.received[0]?.type).toBe("suback");
    const payloads = reader.received.filter((p): p is PublishPacket => p.type === "publish").map((p) => text(p.payload));
    expect(payloads.map((p) => p.split(":")[0]).sort()).toEqual(topics.map((_, i) => String(i)));
    expect(payloads.every((p) => p.length === big.length + 2)).toBe(true);
    // 160 KiB of messages: more than one frame, none over the bound, fewer frames than packets.
    expect(frames.length).toBeGreaterThan(1);
    expect(frames.length).toBeLessThan(9);
    expect(Math.max(...frames)).toBeLessThanOrEqual(MAX_FRAME_BYTES);
    reader.close();
  });

  it("fans one frame of 30 QoS 1 messages out to 10 subscribers, each receiving all of them in order and in fewer frames", async () => {
    const topic = `t/${t.tenantId}/fan/out`;
    const subscribers: TestClient[] = [];
    const frames: number[][] = [];
    for (let i = 0; i < 10; i++) {
      const s = await connect(t.tenantId, { clientId: `fan-${i}`, username: "api", password: t.ownerToken });
      s.send({ type: "subscribe", packetId: 1, subscriptions: [{ topicFilter: topic, qos: 1, noLocal: false, retainAsPublished: false, retainHandling: 0 }] });
      await s.next("suback");
      subscribers.push(s);
      frames.push(frameCounter(s));
    }
    const publisher = await connect(t.tenantId, { clientId: "fan-pub", username: "api", password: t.ownerToken });
    const messages = Array.from({ length: 30 }, (_, i) => publish(topic, `m${i}`, i + 1));
    publisher.sendRaw(oneFrame(messages));
    await until(() => publisher.received.filter((p) => p.type === "puback").length === 30, "30 PUBACKs");
    for (const [i, s] of subscribers.entries()) {
      await until(() => s.received.filter((p) => p.type === "publish").length === 30, "30 deliveries");
      const got = s.received.filter((p): p is PublishPacket => p.type === "publish");
      expect(got.map((p) => text(p.payload))).toEqual(messages.map((m) => text(m.payload)));
      expect(new Set(got.map((p) => p.packetId)).size).toBe(30);
      // Sent while the publisher's task ran: held with it, not one frame per message.
      expect(frames[i]!.length).toBeLessThan(30);
      s.close();
    }
    publisher.close();
  });

  it("sends what a turn owed before the DISCONNECT and the close that end the connection", async () => {
    // Not a telemetry topic: its PUBACKs are owed at once, not after a queue hand-off that a close cancels.
    const dev = await connect(t.tenantId, { clientId: "closing-app", username: "api", password: t.ownerToken });
    const frames = frameCounter(dev);
    const good = oneFrame([publish(`t/${t.tenantId}/misc/a`, "{}", 1), publish(`t/${t.tenantId}/misc/b`, "{}", 2)]);
    // A SUBSCRIBE with reserved flag bits is malformed [MQTT-3.8.1-1]: the hub closes the connection.
    const malformed = Uint8Array.of(0x80, 0x06, 0x00, 0x01, 0x00, 0x01, 0x61, 0x00);
    const frame = new Uint8Array(good.byteLength + malformed.byteLength);
    frame.set(good);
    frame.set(malformed, good.byteLength);
    dev.sendRaw(frame);
    await dev.waitClosed();
    expect(dev.received.map((p) => p.type)).toEqual(["puback", "puback", "disconnect"]);
    expect(dev.received.slice(0, 2).map((p) => (p as { packetId: number }).packetId)).toEqual([1, 2]);
    expect(frames.length).toBe(1);
  });
});
