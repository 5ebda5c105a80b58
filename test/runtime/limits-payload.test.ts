/**
 * The plan's payload limit (starter: 64 KiB) holds for PUBLISH payloads, not only for whole
 * packets (the Maximum Packet Size is the limit + 8 KiB): over it, a v5 QoS≥1 message gets
 * PUBACK/PUBREC 0x97 naming `maxPayloadBytes`, QoS 0 is dropped, and a 3.1.1 QoS≥1 message is
 * acknowledged and dropped. Nothing over the limit reaches a subscriber; the connection stays.
 */
import { describe, expect, it } from "vitest";
import { expectOk, api, signup, type TenantFixture } from "./helpers";
import { bytes, connect, text, type TestClient } from "./hub/mqtt-client";

const LIMIT = 64 * 1024;

async function subscriber(t: TenantFixture): Promise<TestClient> {
  const sub = await connect(t.tenantId, { clientId: "watcher", username: "api", password: t.ownerToken });
  sub.send({ type: "subscribe", packetId: 1, subscriptions: [{ topicFilter: `t/${t.tenantId}/big/#`, qos: 1, noLocal: false, retainAsPublished: false, retainHandling: 0 }] });
  await sub.next("suback");
  return sub;
}

const message = (t: TenantFixture, name: string, size: number, qos: 0 | 1 | 2, packetId: number) => ({
  type: "publish" as const,
  topic: `t/${t.tenantId}/big/${name}`,
  payload: new Uint8Array(size).fill(0x61),
  qos,
  retain: false,
  dup: false,
  ...(qos ? { packetId } : {}),
});

/** Publishes a small marker and returns the topics the subscriber got up to and including it. */
async function deliveredUntilMarker(t: TenantFixture, publisher: TestClient, sub: TestClient): Promise<string[]> {
  publisher.send({ type: "publish", topic: `t/${t.tenantId}/big/marker`, payload: bytes("end"), qos: 0, retain: false, dup: false });
  const topics: string[] = [];
  for (;;) {
    const p = await sub.next("publish", 5000);
    topics.push(p.topic.slice(`t/${t.tenantId}/big/`.length));
    if (text(p.payload) === "end") return topics;
  }
}

describe("the plan's payload limit on PUBLISH", () => {
  it("v5 QoS 1 and 2: exactly the limit is accepted, over it PUBACK/PUBREC 0x97 names maxPayloadBytes, and nothing is delivered", async () => {
    const t = await signup();
    const sub = await subscriber(t);
    const pub = await connect(t.tenantId, { clientId: "pub5", username: "api", password: t.ownerToken });
    pub.send(message(t, "fits", LIMIT, 1, 1));
    expect((await pub.next("puback")).reasonCode).toBe(0);
    // The sizes: under the Maximum Packet Size (limit + 8 KiB), so the decoder lets them through.
    pub.send(message(t, "over", 69_996, 1, 2));
    const refused = await pub.next("puback");
    expect(refused.reasonCode).toBe(0x97);
    expect(refused.properties?.reasonString).toBe(`payload of 69996 bytes is over maxPayloadBytes (${LIMIT})`);
    pub.send(message(t, "over2", 73_596, 2, 3));
    const pubrec = await pub.next("pubrec");
    expect(pubrec.reasonCode).toBe(0x97);
    expect(pubrec.properties?.reasonString).toContain("maxPayloadBytes");
    expect(await deliveredUntilMarker(t, pub, sub)).toEqual(["fits", "marker"]);
    pub.close();
    sub.close();
  });

  it("v5 QoS 0: dropped, counted as a maxPayloadBytes limit hit, and the connection stays", async () => {
    const t = await signup();
    const sub = await subscriber(t);
    const pub = await connect(t.tenantId, { clientId: "pub5q0", username: "api", password: t.ownerToken });
    pub.send(message(t, "over", LIMIT + 1, 0, 0));
    pub.send({ type: "pingreq" });
    await pub.next("pingresp");
    expect(await deliveredUntilMarker(t, pub, sub)).toEqual(["marker"]);
    // Limit hits reach the audit log as sampled limit.hit events naming the clients.
    const deadline = Date.now() + 5000;
    let hit: any;
    while (!hit && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 300));
      hit = (await expectOk(api("GET", "/api/v1/audit?action=limit.hit", { token: t.ownerToken }))).items.find((i: any) => i.targetId === "maxPayloadBytes");
    }
    expect(hit?.details.topClients).toEqual({ pub5q0: 1 });
    pub.close();
    sub.close();
  });

  it("3.1.1: QoS 1 and 2 over the limit are acknowledged and dropped (no reason codes, and a redelivery could never fit), QoS 0 dropped", async () => {
    const t = await signup();
    const sub = await subscriber(t);
    const pub = await connect(t.tenantId, { clientId: "pub4", username: "api", password: t.ownerToken, level: 4 });
    pub.send(message(t, "over-q1", 69_996, 1, 1));
    expect((await pub.next("puback")).packetId).toBe(1);
    pub.send(message(t, "over-q2", 69_996, 2, 2));
    expect((await pub.next("pubrec")).packetId).toBe(2);
    pub.send({ type: "pubrel", packetId: 2 } as never);
    expect((await pub.next("pubcomp")).packetId).toBe(2);
    pub.send(message(t, "over-q0", 69_996, 0, 0));
    pub.send(message(t, "fits", LIMIT, 1, 3));
    expect((await pub.next("puback")).packetId).toBe(3);
    expect(await deliveredUntilMarker(t, pub, sub)).toEqual(["fits", "marker"]);
    expect(pub.closed).toBe(false);
    pub.close();
    sub.close();
  });
});
