/**
 * Commands through their whole life with real devices over MQTT inside workerd: queued while
 * offline, sent on (re)connect in order with the remaining expiry, delivered on the real PUBACK,
 * answered, expired, timed out, and nothing lost or sent twice across a hub eviction.
 */
import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createDevice } from "../helpers";
import { connect, text } from "../hub/mqtt-client";
import { commandDevice, commandWorld, nextCommand, readCommand, respond, sendCommand, statuses, waitForStatus, type CommandWorld } from "./helpers";

let w: CommandWorld;
const DEVICES = ["v5-dev", "v3-dev", "gone-dev", "order-dev", "evict-dev", "early-dev", "slow-dev", "oneway-dev", "qos0-dev"];

beforeAll(async () => {
  w = await commandWorld(DEVICES);
});

describe("a two-way command to an MQTT 5 device", () => {
  it("goes queued → sent → delivered (on PUBACK) → succeeded, with Message Expiry, Response Topic and Correlation Data", async () => {
    const created = await sendCommand(w, "v5-dev", { method: "reboot", params: { delay: 5 }, expiresInSeconds: 600 });
    expect(created.status).toBe("queued");
    await new Promise((r) => setTimeout(r, 1_100));

    const dev = await commandDevice(w, "v5-dev");
    const { packet, body } = await nextCommand(dev);
    expect(packet.topic).toBe(`t/${w.tenantId}/devices/v5-dev/cmd/${created.id}`);
    expect(packet.qos).toBe(1);
    expect(body).toMatchObject({ id: created.id, method: "reboot", params: { delay: 5 }, responseRequired: true });
    // What remains of the 600 s, not the full 600 s: a second passed while it waited.
    expect(packet.properties!.messageExpiryInterval).toBeLessThanOrEqual(599);
    expect(packet.properties!.messageExpiryInterval).toBeGreaterThan(590);
    expect(packet.properties!.responseTopic).toBe(`t/${w.tenantId}/devices/v5-dev/cmd/${created.id}/response`);
    expect(text(packet.properties!.correlationData!)).toBe(created.id);

    // PUBLISHed, not yet acknowledged: sent, never assumed delivered.
    expect((await readCommand(w, "v5-dev", created.id)).status).toBe("sent");
    dev.send({ type: "puback", packetId: packet.packetId!, reasonCode: 0 });
    const delivered = await waitForStatus(w, "v5-dev", created.id, "delivered");
    expect(delivered.history.at(-1).by).toBe("puback");

    respond(dev, w, "v5-dev", created.id, { status: "ok", result: { uptime: 0 } });
    await dev.next("puback");
    const done = await waitForStatus(w, "v5-dev", created.id, "succeeded");
    expect(statuses(done)).toEqual(["queued", "sent", "delivered", "succeeded"]);
    expect(done.result).toEqual({ uptime: 0 });
    const times = done.history.map((h: { at: number }) => h.at);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    dev.close();
  });
});

describe("an MQTT 3.1.1 device", () => {
  it("gets the plain topic form and its error answer fails the command", async () => {
    const dev = await commandDevice(w, "v3-dev", { level: 4 });
    const created = await sendCommand(w, "v3-dev", { method: "open-valve" });
    const { packet, body } = await nextCommand(dev);
    expect(packet.topic).toBe(`t/${w.tenantId}/devices/v3-dev/cmd/${created.id}`);
    expect(packet.properties).toBeUndefined();
    expect(body.id).toBe(created.id);
    dev.send({ type: "puback", packetId: packet.packetId! });
    await waitForStatus(w, "v3-dev", created.id, "delivered");
    respond(dev, w, "v3-dev", created.id, { status: "error", error: { code: "jammed" } });
    const failed = await waitForStatus(w, "v3-dev", created.id, "failed");
    expect(failed.error).toEqual({ code: "jammed" });
    expect(statuses(failed)).toEqual(["queued", "sent", "delivered", "failed"]);
    dev.close();
  });
});

describe("expiry, order and timeouts", () => {
  it("expires a command whose device stays offline, on the alarm within ~1 s of its expiry, and never sends it", { timeout: 20_000 }, async () => {
    const created = await sendCommand(w, "gone-dev", { method: "ping", expiresInSeconds: 1 });
    const expired = await waitForStatus(w, "gone-dev", created.id, "expired", 6_000);
    expect(statuses(expired)).toEqual(["queued", "expired"]);
    expect(expired.history[1].at - created.expiresAt).toBeLessThan(1_500);
    expect(expired.attempts).toBe(0);
    const dev = await commandDevice(w, "gone-dev");
    await dev.nothing("publish", 500);
    dev.close();
  });

  it("delivers commands queued offline in order, one in flight at a time, and the one-way ones end at delivered", async () => {
    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push((await sendCommand(w, "order-dev", { method: `step-${n}`, responseRequired: false })).id);
    const dev = await commandDevice(w, "order-dev");
    for (const id of ids) {
      const { packet, body } = await nextCommand(dev);
      expect(body.id).toBe(id);
      // One in flight: the next one waits for this PUBACK.
      await dev.nothing("publish", 300);
      dev.send({ type: "puback", packetId: packet.packetId!, reasonCode: 0 });
    }
    for (const id of ids) expect(statuses(await waitForStatus(w, "order-dev", id, "delivered"))).toEqual(["queued", "sent", "delivered"]);
    dev.close();
  });

  it("handles an answer that overtakes the PUBACK: delivered on the PUBACK, then succeeded", async () => {
    const dev = await commandDevice(w, "early-dev");
    const created = await sendCommand(w, "early-dev", { method: "measure" });
    const { packet } = await nextCommand(dev);
    respond(dev, w, "early-dev", created.id, { status: "ok", result: 42 });
    await dev.next("puback");
    expect((await readCommand(w, "early-dev", created.id)).status).toBe("sent");
    dev.send({ type: "puback", packetId: packet.packetId!, reasonCode: 0 });
    const done = await waitForStatus(w, "early-dev", created.id, "succeeded");
    expect(statuses(done)).toEqual(["queued", "sent", "delivered", "succeeded"]);
    expect(done.history[2].by).toBe("puback");
    expect(done.result).toBe(42);
    // The queue is not stuck behind it.
    const next = await sendCommand(w, "early-dev", { method: "again", responseRequired: false });
    expect((await nextCommand(dev)).body.id).toBe(next.id);
    dev.close();
  });

  it("times out a delivered command whose answer never comes, and sends the next one", { timeout: 20_000 }, async () => {
    const dev = await commandDevice(w, "slow-dev");
    const slow = await sendCommand(w, "slow-dev", { method: "think", responseTimeoutSeconds: 1 });
    const behind = await sendCommand(w, "slow-dev", { method: "after", responseRequired: false });
    const { packet } = await nextCommand(dev);
    dev.send({ type: "puback", packetId: packet.packetId!, reasonCode: 0 });
    const delivered = await waitForStatus(w, "slow-dev", slow.id, "delivered");
    const timedOut = await waitForStatus(w, "slow-dev", slow.id, "timed_out", 6_000);
    expect(statuses(timedOut)).toEqual(["queued", "sent", "delivered", "timed_out"]);
    expect(timedOut.history[3].at - delivered.history[2].at).toBeLessThan(2_500);
    expect((await nextCommand(dev)).body.id).toBe(behind.id);
    // A late answer changes nothing.
    respond(dev, w, "slow-dev", slow.id, { status: "ok" });
    await dev.next("puback");
    expect((await readCommand(w, "slow-dev", slow.id)).status).toBe("timed_out");
    dev.close();
  });

  it("sends to a QoS 0 subscription as QoS 0 and never claims delivery without a PUBACK", async () => {
    const dev = await commandDevice(w, "qos0-dev", { qos: 0 });
    const created = await sendCommand(w, "qos0-dev", { method: "blink", responseRequired: false });
    const { packet } = await nextCommand(dev);
    expect(packet.qos).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect((await readCommand(w, "qos0-dev", created.id)).status).toBe("sent");
    dev.close();
  });
});

describe("gateways", () => {
  it("carries a child's command through its gateway's connection, and the gateway's answer for the child settles it", async () => {
    const gateway = (await createDevice(w.ownerToken, { id: "gw-cmd", type: "gateway" })).credentials.password;
    await createDevice(w.ownerToken, { id: "child-cmd", parentId: "gw-cmd" });
    const gw = await connect(w.tenantId, { clientId: "gw-cmd", username: "gw-cmd", password: gateway });
    gw.send({ type: "subscribe", packetId: 1, subscriptions: [{ topicFilter: `t/${w.tenantId}/devices/child-cmd/cmd/+`, qos: 1, noLocal: false, retainAsPublished: false, retainHandling: 0 }] });
    await gw.next("suback");
    const created = await sendCommand(w, "child-cmd", { method: "relay-on" });
    const { packet, body } = await nextCommand(gw);
    expect(packet.topic).toBe(`t/${w.tenantId}/devices/child-cmd/cmd/${created.id}`);
    expect(body.id).toBe(created.id);
    gw.send({ type: "puback", packetId: packet.packetId!, reasonCode: 0 });
    await waitForStatus(w, "child-cmd", created.id, "delivered");
    respond(gw, w, "child-cmd", created.id, { status: "ok" });
    expect(statuses(await waitForStatus(w, "child-cmd", created.id, "succeeded"))).toEqual(["queued", "sent", "delivered", "succeeded"]);
    gw.close();
  });
});

describe("durability", () => {
  it("loses nothing and sends nothing twice when the hub is evicted mid-queue", { timeout: 20_000 }, async () => {
    const persistent = { cleanStart: false, properties: { sessionExpiryInterval: 3600 } };
    const first = await commandDevice(w, "evict-dev", persistent);
    first.send({ type: "disconnect", reasonCode: 0 });
    await first.waitClosed();
    const ids: string[] = [];
    for (const n of [1, 2, 3, 4]) ids.push((await sendCommand(w, "evict-dev", { method: `m${n}`, responseRequired: false })).id);

    const dev = await commandDevice(w, "evict-dev", { ...persistent, subscribe: false });
    const one = await nextCommand(dev);
    expect(one.body.id).toBe(ids[0]);
    dev.send({ type: "puback", packetId: one.packet.packetId!, reasonCode: 0 });
    await waitForStatus(w, "evict-dev", ids[0]!, "delivered");
    const two = await nextCommand(dev);
    expect(two.body.id).toBe(ids[1]);

    // The hub goes away with the second command in flight, unacknowledged.
    await evictDurableObject(env.TENANT_HUB.getByName(w.tenantId), { webSockets: "close" });
    await dev.waitClosed(3_000).catch(() => dev.close());

    const again = await commandDevice(w, "evict-dev", { ...persistent, subscribe: false });
    const got: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { packet, body } = await nextCommand(again);
      got.push(body.id);
      again.send({ type: "puback", packetId: packet.packetId!, reasonCode: 0 });
    }
    expect(got).toEqual(ids.slice(1));
    await again.nothing("publish", 500);
    for (const id of ids) {
      const c = await waitForStatus(w, "evict-dev", id, "delivered");
      expect(statuses(c)).toEqual(["queued", "sent", "delivered"]);
    }
    // The one in flight at the eviction was PUBLISHed again, once; the others once.
    expect((await readCommand(w, "evict-dev", ids[1]!)).attempts).toBe(2);
    expect((await readCommand(w, "evict-dev", ids[2]!)).attempts).toBe(1);
    again.close();
  });
});
