/**
 * A hub created before the per-session `dropped` counter was removed still has that column in its
 * `sessions` table (the hub's schema statements are `IF NOT EXISTS`; nothing drops it). Such a hub
 * must keep working after the upgrade: sessions open, queue, overflow and resume as on a new hub.
 */
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { api, createDevice, expectOk, OPERATOR_TOKEN, signup } from "../helpers";
import { bytes, connect, text } from "./mqtt-client";

/** The `sessions` table as hubs created it before the counter was removed. */
const LEGACY_SESSIONS = `CREATE TABLE sessions (
  client_id TEXT PRIMARY KEY,
  principal TEXT NOT NULL,
  mountpoint TEXT NOT NULL DEFAULT '',
  protocol_level INTEGER NOT NULL,
  expiry_interval INTEGER NOT NULL,
  conn_id TEXT,
  disconnected_at INTEGER,
  next_packet_id INTEGER NOT NULL DEFAULT 1,
  dropped INTEGER NOT NULL DEFAULT 0)`;

const sub = (topicFilter: string) => ({ topicFilter, qos: 1 as const, noLocal: false, retainAsPublished: false, retainHandling: 0 as const });

it("a hub whose sessions table still has the dropped column queues, drops and resumes as before", async () => {
  const t = await signup();
  await expectOk(api("PATCH", `/api/v1/admin/tenants/${t.tenantId}`, { token: OPERATOR_TOKEN, body: { limits: { maxQueuedMessagesPerSession: 3 } } }));
  const dev = await createDevice(t.ownerToken, { id: "legacy-dev" });
  const hub = env.TENANT_HUB.getByName(t.tenantId);
  await hub.stats(t.tenantId);
  await runInDurableObject(hub, (_instance, state) => {
    state.storage.sql.exec("DROP TABLE sessions");
    state.storage.sql.exec(LEGACY_SESSIONS);
  });
  // The hub starts again on the old table, as it would after a deploy.
  await evictDurableObject(hub);

  const topic = `t/${t.tenantId}/devices/legacy-dev/events`;
  const props = { sessionExpiryInterval: 600 };
  const subscriber = await connect(t.tenantId, { clientId: "legacy-sub", username: "api", password: t.ownerToken, cleanStart: false, properties: props });
  subscriber.send({ type: "subscribe", packetId: 1, subscriptions: [sub(topic)] });
  await subscriber.next("suback");
  subscriber.send({ type: "disconnect", reasonCode: 0 });
  await subscriber.waitClosed();

  const publisher = await connect(t.tenantId, { clientId: "legacy-dev", username: "legacy-dev", password: dev.credentials.password });
  for (let i = 0; i < 5; i++) {
    publisher.send({ type: "publish", topic, payload: bytes(`e${i}`), qos: 1, retain: false, dup: false, packetId: i + 1 });
    await publisher.next("puback");
  }
  expect((await hub.stats(t.tenantId)).dropped).toBe(2);

  const back = await connect(t.tenantId, { clientId: "legacy-sub", username: "api", password: t.ownerToken, cleanStart: false, properties: props });
  const got: string[] = [];
  for (let i = 0; i < 3; i++) {
    const p = await back.next("publish");
    got.push(text(p.payload));
    back.send({ type: "puback", packetId: p.packetId!, reasonCode: 0 });
  }
  expect(got).toEqual(["e2", "e3", "e4"]);

  // The old column is still there, untouched: nothing writes it any more.
  const columns = await runInDurableObject(hub, (_instance, state) =>
    state.storage.sql
      .exec<{ name: string }>("SELECT name FROM pragma_table_info('sessions')")
      .toArray()
      .map((c) => c.name),
  );
  expect(columns).toContain("dropped");
  const counters = await runInDurableObject(hub, (_instance, state) => state.storage.sql.exec<{ dropped: number }>("SELECT dropped FROM sessions WHERE client_id = 'legacy-sub'").toArray());
  expect(counters).toEqual([{ dropped: 0 }]);
  publisher.close();
  back.close();
});
