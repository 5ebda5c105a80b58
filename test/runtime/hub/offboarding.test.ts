import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createDevice, expectOk, signup } from "../helpers";
import { bytes, connect } from "./mqtt-client";

const sub = (topicFilter: string) => ({ topicFilter, qos: 1 as const, noLocal: false, retainAsPublished: false, retainHandling: 0 as const });

describe("hub storage for offboarding", () => {
  it("counts every table the hub's storage has, so offboarding exports and verifies all of them", async () => {
    const t = await signup();
    const hub = env.TENANT_HUB.getByName(t.tenantId);
    const counted = Object.keys(await hub.storageCounts(t.tenantId)).sort();
    const tables = await runInDurableObject(hub, (_instance, state) =>
      state.storage.sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'")
        .toArray()
        .map((r) => r.name)
        .sort(),
    );
    expect(counted).toEqual(tables);
  });

  it("counts, exports every counted table row for row, and purges everything the tenant has in its hub", async () => {
    const t = await signup();
    const dev = await createDevice(t.ownerToken, { id: "x1" });
    const hub = env.TENANT_HUB.getByName(t.tenantId);
    const c = await connect(t.tenantId, {
      clientId: "x1",
      username: "x1",
      password: dev.credentials.password,
      cleanStart: false,
      properties: { sessionExpiryInterval: 600 },
      will: { topic: `t/${t.tenantId}/devices/x1/events`, payload: bytes("bye"), qos: 1, retain: false, properties: { willDelayInterval: 300 } },
    });
    c.send({ type: "subscribe", packetId: 2, subscriptions: [sub(`t/${t.tenantId}/devices/x1/attributes/set`)] });
    await c.next("suback");
    c.send({ type: "publish", topic: `t/${t.tenantId}/devices/x1/attributes`, payload: bytes('{"fw":"1.0"}'), qos: 1, retain: true, dup: false, packetId: 1 });
    await c.next("puback");
    c.close();
    await c.waitClosed();
    // Offline: the desired attributes wait in its session's queue, a command too.
    await expectOk(api("PUT", "/api/v1/devices/x1/attributes/desired", { token: t.ownerToken, body: { rate: 5 } }));
    await expectOk(api("POST", "/api/v1/devices/x1/commands", { token: t.ownerToken, body: { method: "reboot", params: {}, expiresInSeconds: 600 } }), 201);

    const { meta: _binding, ...before } = await hub.storageCounts(t.tenantId);
    expect(before).toMatchObject({ sessions: 1, subscriptions: 1, wills: 1, commands: 1 });
    expect(before.retained).toBeGreaterThanOrEqual(2);
    expect(before.messages).toBeGreaterThanOrEqual(1);
    const exported: Record<string, Record<string, unknown>[]> = {};
    for (const table of Object.keys(before)) {
      exported[table] = [];
      for (let after = 0; ;) {
        const page = await hub.exportPage(t.tenantId, table, after);
        exported[table]!.push(...page.rows);
        if (page.next === null) break;
        after = page.next;
      }
    }
    expect(Object.fromEntries(Object.entries(exported).map(([table, rows]) => [table, rows.length]))).toEqual(before);
    expect(exported.sessions![0]).toMatchObject({ client_id: "x1", expiry_interval: 600, conn_id: null });
    expect(exported.subscriptions![0]).toMatchObject({ client_id: "x1", filter: `t/${t.tenantId}/devices/x1/attributes/set`, qos: 1 });
    expect(exported.wills![0]).toMatchObject({ client_id: "x1", topic: `t/${t.tenantId}/devices/x1/events`, payloadBase64: btoa("bye"), delay_seconds: 300 });
    expect(exported.messages!.map((m) => atob(String(m.payloadBase64)))).toContain('{"rate":5}');
    const retained = exported.retained!.find((r) => r.topic === `t/${t.tenantId}/devices/x1/attributes`)!;
    expect(atob(String(retained.payloadBase64))).toBe('{"fw":"1.0"}');

    await hub.purge(t.tenantId);
    const after = await hub.storageCounts(t.tenantId);
    expect({ ...after, meta: 0 }).toEqual(Object.fromEntries(Object.keys(after).map((k) => [k, 0])));
  });
});
