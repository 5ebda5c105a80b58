/**
 * Deleting a device clears what the hub kept for it: the retained desired attributes (which may
 * hold a secret), its persistent session with subscriptions and queued messages, and its will.
 * A device registered again under the same id starts empty.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createDevice, expectOk, signup } from "../helpers";
import { bytes, connect, text } from "./mqtt-client";

/** Retained topics the hub holds, read through its export (other features retain messages of their own). */
async function retainedTopics(tenantId: string): Promise<string[]> {
  const topics: string[] = [];
  for (let after = 0; ;) {
    const page = await env.TENANT_HUB.getByName(tenantId).exportPage(tenantId, "retained", after);
    topics.push(...page.rows.map((r) => String(r.topic)));
    if (page.next === null) return topics;
    after = page.next;
  }
}

const sub = (topicFilter: string) => ({ topicFilter, qos: 1 as const, noLocal: false, retainAsPublished: false, retainHandling: 0 as const });

describe("a deleted device", () => {
  it("leaves no retained message, session, queued message or will for a device re-created with its id", async () => {
    const t = await signup();
    const hub = env.TENANT_HUB.getByName(t.tenantId);
    const setTopic = `t/${t.tenantId}/devices/tmp-1/attributes/set`;
    const bystander = (await createDevice(t.ownerToken, { id: "keep-1" })).credentials.password;
    const first = (await createDevice(t.ownerToken, { id: "tmp-1" })).credentials.password;

    // The old device: a persistent session subscribed to its desired attributes, with a will, then offline.
    const old = await connect(t.tenantId, {
      clientId: "tmp-1",
      username: "tmp-1",
      password: first,
      cleanStart: false,
      properties: { sessionExpiryInterval: 3600 },
      will: { topic: `t/${t.tenantId}/devices/tmp-1/events`, payload: bytes("old will"), qos: 1, retain: true, properties: { willDelayInterval: 3000 } },
    });
    old.send({ type: "subscribe", packetId: 1, subscriptions: [sub(setTopic)] });
    await old.next("suback");
    old.close();
    await old.waitClosed();
    // Retained desired attributes, also queued for the offline session; the other device keeps its own.
    await expectOk(api("PUT", "/api/v1/devices/tmp-1/attributes/desired", { token: t.ownerToken, body: { wifiPsk: "old-secret" } }));
    await expectOk(api("PUT", "/api/v1/devices/keep-1/attributes/desired", { token: t.ownerToken, body: { mode: "eco" } }));
    expect(await hub.storageCounts(t.tenantId)).toMatchObject({ sessions: 1, subscriptions: 1, messages: 1, wills: 1 });
    expect(await retainedTopics(t.tenantId)).toEqual(expect.arrayContaining([setTopic, `t/${t.tenantId}/devices/keep-1/attributes/set`]));

    expect((await api("DELETE", "/api/v1/devices/tmp-1", { token: t.ownerToken })).status).toBe(204);
    expect(await hub.storageCounts(t.tenantId)).toMatchObject({ sessions: 0, subscriptions: 0, messages: 0, wills: 0 });
    const left = await retainedTopics(t.tenantId);
    expect(left.filter((topic) => topic.includes("/tmp-1"))).toEqual([]);
    expect(left).toContain(`t/${t.tenantId}/devices/keep-1/attributes/set`);

    const again = (await createDevice(t.ownerToken, { id: "tmp-1" })).credentials.password;
    const twin = await expectOk(api("GET", "/api/v1/devices/tmp-1/attributes", { token: t.ownerToken }));
    expect(twin.desired).toEqual({});
    const fresh = await connect(t.tenantId, { clientId: "tmp-1", username: "tmp-1", password: again, cleanStart: false, properties: { sessionExpiryInterval: 3600 } });
    fresh.send({ type: "subscribe", packetId: 1, subscriptions: [sub(setTopic)] });
    await fresh.next("suback");
    await fresh.nothing("publish", 300);
    fresh.close();

    // The bystander's retained attributes are untouched.
    const other = await connect(t.tenantId, { clientId: "keep-1", username: "keep-1", password: bystander });
    other.send({ type: "subscribe", packetId: 1, subscriptions: [sub(`t/${t.tenantId}/devices/keep-1/attributes/set`)] });
    await other.next("suback");
    expect(JSON.parse(text((await other.next("publish")).payload))).toEqual({ mode: "eco" });
    other.close();
  });

  it("is disconnected and its will does not fire onto its topics", async () => {
    const t = await signup();
    const hub = env.TENANT_HUB.getByName(t.tenantId);
    const password = (await createDevice(t.ownerToken, { id: "tmp-2" })).credentials.password;
    const dev = await connect(t.tenantId, { clientId: "tmp-2", username: "tmp-2", password, will: { topic: `t/${t.tenantId}/devices/tmp-2/events`, payload: bytes("last words"), qos: 1, retain: true } });

    expect((await api("DELETE", "/api/v1/devices/tmp-2", { token: t.ownerToken })).status).toBe(204);
    await dev.waitClosed();
    expect(await hub.storageCounts(t.tenantId)).toMatchObject({ sessions: 0, wills: 0 });
    expect((await retainedTopics(t.tenantId)).filter((topic) => topic.includes("/tmp-2"))).toEqual([]);
  });
});
