/**
 * Sockets that never complete CONNECT (issue 10 §3): the hub closes them 10 s after the upgrade,
 * refuses new ones past its cap of waiting sockets, and counts them in its stats.
 *
 * The deadline is not shortened for tests. Instead a test backdates the accept time kept in each
 * socket's attachment, evicts the hub (sockets hibernate, the in-memory state is gone) and runs
 * the alarm the hub scheduled: this also proves the deadline is rebuilt after hibernation.
 */
import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { encodePacket } from "../../../domain/mqtt";
import { signup, type TenantFixture } from "../helpers";
import { bytes, connect as connectClient, openSocket as openClient, text, type TestClient } from "./mqtt-client";

const DEADLINE_MS = 10_000;
const CAP = 100;

let t: TenantFixture;
beforeEach(async () => {
  t = await signup();
});
const hub = () => env.TENANT_HUB.getByName(t.tenantId);

// Every socket a test opens is closed (and the close awaited) after it, so no hub work outlives the file.
const opened: TestClient[] = [];
const openSocket = async (tenantId: string) => remember(await openClient(tenantId));
const connect = async (...args: Parameters<typeof connectClient>) => remember(await connectClient(...args));
const remember = (c: TestClient) => (opened.push(c), c);
afterEach(async () => {
  for (const c of opened.splice(0)) {
    c.close();
    await c.waitClosed().catch(() => undefined);
  }
});

/** Moves every socket's accept time `ms` into the past, then lets the hub hibernate. */
async function ageSockets(ms: number): Promise<void> {
  await runInDurableObject(hub(), (_instance, state) => {
    for (const ws of state.getWebSockets()) {
      const attachment = ws.deserializeAttachment() as { acceptedAt: number };
      attachment.acceptedAt -= ms;
      ws.serializeAttachment(attachment);
    }
  });
  await evictDurableObject(hub());
}

const upgrade = () => exports.default.fetch(`http://localhost/t/${t.tenantId}/mqtt`, { headers: { upgrade: "websocket", "sec-websocket-protocol": "mqtt" } });
/** The status of an upgrade expected to be refused (its body read, so no request stays in flight). */
async function refusedStatus(): Promise<number> {
  const res = await upgrade();
  await res.text();
  return res.status;
}

async function stillOpen(client: TestClient): Promise<void> {
  client.send({ type: "pingreq" });
  await client.next("pingresp");
}

describe("the CONNECT deadline", () => {
  it("closes a socket that sends nothing 10 s after the upgrade, on the hub's own alarm", { timeout: 20_000 }, async () => {
    const start = Date.now();
    const silent = await openSocket(t.tenantId);
    expect(await silent.waitClosed(DEADLINE_MS + 3_000)).toBe(1008);
    expect(Date.now() - start).toBeGreaterThanOrEqual(DEADLINE_MS);
    expect((await hub().stats(t.tenantId)).preConnect).toMatchObject({ waiting: 0, timedOut: 1 });
  });

  it("schedules the hub's alarm for 10 s after the upgrade of a socket that sends nothing", async () => {
    const before = Date.now();
    const silent = await openSocket(t.tenantId);
    const after = Date.now();
    const alarm = await runInDurableObject(hub(), (_instance, state) => state.storage.getAlarm());
    expect(alarm).toBeGreaterThanOrEqual(before + DEADLINE_MS);
    expect(alarm).toBeLessThanOrEqual(after + DEADLINE_MS + 1_000);
  });

  it("closes a socket that sends nothing (1008), even across hibernation, and keeps one that CONNECTed in time", async () => {
    const silent = await openSocket(t.tenantId);
    const app = await connect(t.tenantId, { clientId: "in-time", username: "api", password: t.ownerToken });
    await ageSockets(DEADLINE_MS + 100);
    expect(await runDurableObjectAlarm(hub())).toBe(true);
    expect(await silent.waitClosed()).toBe(1008);
    await stillOpen(app);
    expect((await hub().stats(t.tenantId)).preConnect).toMatchObject({ waiting: 0, timedOut: 1 });
  });

  it("leaves a socket alone before its deadline", async () => {
    const early = await openSocket(t.tenantId);
    await ageSockets(DEADLINE_MS - 2_000);
    await runDurableObjectAlarm(hub());
    await new Promise((r) => setTimeout(r, 200));
    expect(early.closed).toBe(false);
    // The deadline was not reset by the wake-up: it still CONNECTs normally.
    early.send({ type: "connect", protocolLevel: 5, clientId: "early", keepAlive: 60, cleanStart: true, username: "api", password: bytes(t.ownerToken) });
    expect((await early.next("connack")).reasonCode).toBe(0);
  });

  it("closes a socket that sent half a CONNECT and stalled, however it trickles", async () => {
    const connectBytes = encodePacket({ type: "connect", protocolLevel: 5, clientId: "stalled", keepAlive: 60, cleanStart: true, username: "api", password: bytes(t.ownerToken) }, 5);
    const stalled = await openSocket(t.tenantId);
    stalled.sendRaw(connectBytes.subarray(0, Math.floor(connectBytes.length / 2)));
    // Let the hub keep the half packet in the attachment, as it does before hibernating.
    await new Promise((r) => setTimeout(r, 1_200));
    await ageSockets(DEADLINE_MS + 100);
    // One more byte, still not a whole CONNECT: traffic does not move the deadline.
    stalled.sendRaw(connectBytes.subarray(Math.floor(connectBytes.length / 2), Math.floor(connectBytes.length / 2) + 1));
    await new Promise((r) => setTimeout(r, 100));
    expect(stalled.closed).toBe(false);
    expect(await runDurableObjectAlarm(hub())).toBe(true);
    expect(await stalled.waitClosed()).toBe(1008);
  });
});

describe("the cap on sockets waiting for CONNECT", () => {
  it(`refuses upgrade ${CAP + 1} with 503 and Retry-After, and frees a slot when a waiting socket closes or CONNECTs`, { timeout: 30_000 }, async () => {
    const waiting: TestClient[] = [];
    for (let i = 0; i < CAP; i++) waiting.push(await openSocket(t.tenantId));

    const refused = await upgrade();
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    expect(await refused.json()).toMatchObject({ code: "unavailable", limit: "preConnectSockets", max: CAP });
    expect((await hub().stats(t.tenantId)).preConnect).toMatchObject({ waiting: CAP, refused: 1 });

    // A waiting socket goes away: its slot is free again.
    const leaving = waiting.shift()!;
    leaving.close();
    await leaving.waitClosed();
    await new Promise((r) => setTimeout(r, 100));
    waiting.push(await openSocket(t.tenantId));
    expect(await refusedStatus()).toBe(503);

    // A waiting socket completes CONNECT: it no longer counts against the cap.
    const connecting = waiting.shift()!;
    connecting.send({ type: "connect", protocolLevel: 5, clientId: "made-it", keepAlive: 60, cleanStart: true, username: "api", password: bytes(t.ownerToken) });
    expect((await connecting.next("connack")).reasonCode).toBe(0);
    waiting.push(await openSocket(t.tenantId));
    expect((await hub().stats(t.tenantId)).preConnect).toMatchObject({ waiting: CAP, refused: 2 });

    // The count is rebuilt from the sockets after hibernation.
    await evictDurableObject(hub());
    expect(await refusedStatus()).toBe(503);
  });
});

describe("stats", () => {
  it("counts waiting sockets in $SYS/t/{tenant}/stats", async () => {
    const silent = [await openSocket(t.tenantId), await openSocket(t.tenantId), await openSocket(t.tenantId)];
    const app = await connect(t.tenantId, { clientId: "ops", username: "api", password: t.ownerToken });
    app.send({ type: "subscribe", packetId: 1, subscriptions: [{ topicFilter: `$SYS/t/${t.tenantId}/stats`, qos: 0, noLocal: false, retainAsPublished: false, retainHandling: 0 }] });
    expect((await app.next("suback")).reasonCodes).toEqual([0]);
    await runDurableObjectAlarm(hub());
    const stats = JSON.parse(text((await app.next("publish", 12_000)).payload));
    expect(stats.preConnect).toEqual({ waiting: 3, refused: 0, timedOut: 0 });
    expect(stats.connectedClients).toBe(1);
  });
});
