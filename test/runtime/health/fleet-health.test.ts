/**
 * Fleet health end to end inside workerd: real MQTT devices through the Worker into the tenant's
 * hub, deadlines on the hub's alarm, the registry's mirror, and the API.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { openRegistry } from "../../../domain/data/db";
import { forTenant } from "../../../domain/data/tenant-scope";
import { HealthMonitor } from "../../../durable-objects/tenant-hub/health/monitor";
import { NO_INPUTS } from "../../../durable-objects/tenant-hub/health/store";
import { api, createDevice, expectOk, signup, type TenantFixture } from "../helpers";
import { bytes, connect, text, type TestClient } from "../hub/mqtt-client";

let t: TenantFixture;
const secrets: Record<string, string> = {};

beforeAll(async () => {
  t = await signup();
  const profile = (id: string, health: unknown) => expectOk(api("POST", "/api/v1/device-profiles", { token: t.ownerToken, body: { id, health } }), 201);
  await profile("beating", { heartbeatIntervalSeconds: 2, vitals: { battery: { min: 20 } } });
  await profile("plain", null);
  const devices: [string, Record<string, unknown>][] = [
    ["hb-1", { profileId: "beating", tags: ["roof"] }],
    ["ka-1", {}],
    ["quiet-1", { healthPolicy: { inactivityTimeoutSeconds: 2 } }],
    ["tk-1", {}],
    ["pol-1", { profileId: "plain", tags: ["roof"] }],
    ["never-1", { profileId: "beating" }],
  ];
  for (const [id, body] of devices) secrets[id] = (await createDevice(t.ownerToken, { id, ...body })).credentials.password;
});

const health = (id: string) => expectOk(api("GET", `/api/v1/devices/${id}/health`, { token: t.ownerToken }));
const events = (id: string, q = "") => expectOk(api("GET", `/api/v1/devices/${id}/connectivity${q}`, { token: t.ownerToken }));
const device = (id: string, o: { keepAlive?: number; level?: 4 | 5 } = {}) => connect(t.tenantId, { clientId: id, username: id, password: secrets[id]!, keepAlive: o.keepAlive ?? 60, level: o.level ?? 5 });
const publish = (c: TestClient, id: string, channel: "heartbeat" | "telemetry", body: unknown) =>
  c.send({ type: "publish", topic: `t/${t.tenantId}/devices/${id}/${channel}`, payload: bytes(typeof body === "string" ? body : JSON.stringify(body)), qos: 0, retain: false, dup: false });

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 6_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("a device that promises heartbeats", () => {
  it("is online while they come, degraded within ~1 s of a missed one's deadline, online again at the next", async () => {
    const c = await device("hb-1");
    publish(c, "hb-1", "heartbeat", { battery: 80, uptime: 10 });
    const online = await until(
      () => health("hb-1"),
      (h) => h.state === "online" && h.lastHeartbeatAt !== null,
      "online",
    );
    expect(online).toMatchObject({ reason: "connected", connected: true, connectionSeq: 1, vitals: { battery: 80, uptime: 10 }, policy: { heartbeatIntervalSeconds: 2, inactivityTimeoutSeconds: 600, vitals: { battery: { min: 20 } } } });
    expect(online.nextCheckAt).toBe(online.lastHeartbeatAt + 3_000);

    // Silence: late at 1.5 × 2 s after the heartbeat, the hub's alarm moves it.
    const late = await until(
      () => health("hb-1"),
      (h) => h.state === "degraded",
      "degraded",
    );
    expect(late.reason).toBe("heartbeat_late");
    const change = (await events("hb-1")).items.find((e: { type: string; to?: string }) => e.type === "health_changed" && e.to === "degraded");
    expect(change.at - online.lastHeartbeatAt).toBeGreaterThanOrEqual(3_000);
    expect(change.at - online.lastHeartbeatAt).toBeLessThan(3_000 + 1_000);

    publish(c, "hb-1", "heartbeat", "");
    expect(
      await until(
        () => health("hb-1"),
        (h) => h.state === "online",
        "online again",
      ),
    ).toMatchObject({ reason: "connected", vitals: { battery: 80 } });
    c.close();
  });

  it("is degraded while its vitals breach the profile's bounds, and the vitals chart as telemetry", async () => {
    const c = await device("hb-1");
    publish(c, "hb-1", "heartbeat", { battery: 12, rssi: -70 });
    const low = await until(
      () => health("hb-1"),
      (h) => h.state === "degraded",
      "degraded on vitals",
    );
    expect(low).toMatchObject({ reason: "vitals_out_of_bounds", breaches: [{ vital: "battery", value: 12, min: 20 }], connectionSeq: 2 });
    publish(c, "hb-1", "heartbeat", { battery: 55, rssi: -70 });
    await until(
      () => health("hb-1"),
      (h) => h.state === "online",
      "online with a good battery",
    );
    const series = await until(
      () => expectOk(api("GET", `/api/v1/telemetry?device=hb-1&metric=battery&from=0`, { token: t.ownerToken })),
      (r) => (r.series[0]?.points.length ?? 0) >= 2,
      "battery as telemetry",
    );
    expect(series.series[0].points.map((p: { value: number }) => p.value).slice(-2)).toEqual([12, 55]);
    c.close();
  });
});

describe("offline", () => {
  it("within 1.5 × keep-alive + 1 s of a device's last packet, with the cause", async () => {
    const c = await device("ka-1", { keepAlive: 1 });
    const connected = await until(
      () => health("ka-1"),
      (h) => h.state === "online",
      "online",
    );
    const gone = await until(
      () => health("ka-1"),
      (h) => h.state === "offline",
      "offline",
    );
    expect(gone).toMatchObject({ reason: "keep_alive_timeout", connected: false });
    expect(gone.since - connected.connectedAt).toBeLessThan(1_500 + 1_000);
    const [healthChanged, disconnected] = (await events("ka-1")).items;
    expect(disconnected).toMatchObject({ type: "disconnected", cause: "keep_alive_timeout", connectionSeq: 1 });
    expect(healthChanged).toMatchObject({ type: "health_changed", from: "online", to: "offline", reason: "keep_alive_timeout" });
    c.close();
  });

  it("when connected but silent past the inactivity timeout (pings keep MQTT alive, not the application); back at its next message", async () => {
    const c = await device("quiet-1", { keepAlive: 0 });
    await until(
      () => health("quiet-1"),
      (h) => h.state === "online",
      "online",
    );
    expect(
      await until(
        () => health("quiet-1"),
        (h) => h.state === "offline",
        "silent",
      ),
    ).toMatchObject({ reason: "silent", connected: true });
    publish(c, "quiet-1", "telemetry", { temp: 21 });
    expect(
      await until(
        () => health("quiet-1"),
        (h) => h.state === "online",
        "heard again",
      ),
    ).toMatchObject({ reason: "connected" });
    c.send({ type: "disconnect", reasonCode: 0 });
    expect(
      await until(
        () => health("quiet-1"),
        (h) => !h.connected,
        "disconnected",
      ),
    ).toMatchObject({ state: "offline", reason: "client" });
  });
});

describe("connection sequence numbers", () => {
  it("a takeover ends the older connection; the newer one stays online", async () => {
    const first = await device("tk-1");
    await until(
      () => health("tk-1"),
      (h) => h.state === "online",
      "online",
    );
    const second = await device("tk-1", { level: 4 });
    const h = await until(
      () => health("tk-1"),
      (x) => x.connectionSeq === 2,
      "second connection",
    );
    expect(h).toMatchObject({ state: "online", connected: true });
    const log = (await events("tk-1")).items.filter((e: { type: string }) => e.type !== "health_changed");
    expect(log.map((e: { type: string; connectionSeq: number; cause?: string; protocolLevel?: number }) => [e.type, e.connectionSeq, e.cause ?? e.protocolLevel])).toEqual([
      ["connected", 2, 4],
      ["disconnected", 1, "takeover"],
      ["connected", 1, 5],
    ]);
    first.close();
    second.close();
  });

  it("a disconnect of an older connection that arrives after a newer connected changes nothing, in the hub and in the registry", async () => {
    const stub = env.TENANT_HUB.get(env.TENANT_HUB.idFromName(`health-order-${Date.now()}`));
    await runInDurableObject(stub, (_hub, state) => {
      const mirrored: unknown[] = [];
      const m = new HealthMonitor(state.storage.sql, { changed: (_id, h) => mirrored.push(h) });
      const T = Date.now();
      expect(m.connected("d", NO_INPUTS, 5, T)).toBe(1);
      expect(m.connected("d", NO_INPUTS, 5, T + 10)).toBe(2);
      m.disconnected("d", 1, "connection_lost", T + 20);
      expect(m.device("d", T + 30)).toMatchObject({ state: "online", connected: true, connectionSeq: 2 });
      expect(m.events("d", 0, T + 100, 10)[0]).toMatchObject({ type: "disconnected", connectionSeq: 1, cause: "connection_lost", stale: true });
      m.disconnected("d", 2, "client", T + 40);
      expect(m.device("d", T + 50)).toMatchObject({ state: "offline", reason: "client", connectionSeq: 2 });
      expect(mirrored).toEqual([
        { state: "online", reason: "connected", since: T, seq: 1 },
        { state: "offline", reason: "client", since: T + 40, seq: 2 },
      ]);
    });
    // The registry: a report of connection 1 after one of connection 2 is ignored.
    await createDevice(t.ownerToken, { id: "reg-1" });
    const data = forTenant(openRegistry(env.REGISTRY), t.tenantId);
    await data.devices.recordHealth([{ id: "reg-1", state: "online", reason: "connected", since: 2, seq: 2 }]);
    await data.devices.recordHealth([{ id: "reg-1", state: "offline", reason: "connection_lost", since: 3, seq: 1 }]);
    expect(await data.devices.get("reg-1")).toMatchObject({ health: "online", healthSince: 2 });
    await expectOk(api("DELETE", "/api/v1/devices/reg-1", { token: t.ownerToken }), 204);
  });
});

describe("policies", () => {
  it("a profile's or device's change applies at once to a connected device", async () => {
    const c = await device("pol-1");
    publish(c, "pol-1", "heartbeat", { battery: 10 });
    await until(
      () => health("pol-1"),
      (h) => h.state === "online" && h.vitals.battery === 10,
      "online without bounds",
    );
    await expectOk(api("PATCH", "/api/v1/device-profiles/plain", { token: t.ownerToken, body: { health: { vitals: { battery: { min: 20 } } } } }));
    expect(await health("pol-1")).toMatchObject({ state: "degraded", reason: "vitals_out_of_bounds" });
    await expectOk(api("PATCH", "/api/v1/devices/pol-1", { token: t.ownerToken, body: { healthPolicy: { vitals: { battery: { min: 5 } } } } }));
    expect(await health("pol-1")).toMatchObject({ state: "online", policy: { vitals: { battery: { min: 5 } } } });
    c.close();
  });

  it("refuses a bad policy naming the field; health itself cannot be written", async () => {
    const bad = await api("PATCH", "/api/v1/devices/pol-1", { token: t.ownerToken, body: { healthPolicy: { heartbeatIntervalSeconds: 0 } } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("healthPolicy.heartbeatIntervalSeconds");
    for (const body of [{ health: "online" }, { healthReason: "connected" }]) {
      const r = await api("PATCH", "/api/v1/devices/pol-1", { token: t.ownerToken, body });
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.body)).toContain(Object.keys(body)[0]);
    }
  });
});

describe("the API's fleet view", () => {
  it("never_seen with the policy in force for a device that never connected", async () => {
    expect(await health("never-1")).toMatchObject({ state: "never_seen", reason: "never_connected", since: null, connectionSeq: 0, policy: { heartbeatIntervalSeconds: 2 } });
    expect((await events("never-1")).items).toEqual([]);
  });

  it("filters the device list by health and counts the fleet per state, profile and tag, worst first", async () => {
    // ka-1 and quiet-1 are offline (above); the registry's mirror is written within a second or so.
    const offlineIds = (r: { items: { id: string }[] }) => r.items.map((d) => d.id);
    const list = await until(
      () => expectOk(api("GET", "/api/v1/devices?health=offline", { token: t.ownerToken })),
      (r) => ["ka-1", "quiet-1"].every((id) => offlineIds(r).includes(id)),
      "offline devices",
    );
    expect(list.items.map((d: { id: string; health: string }) => [d.id, d.health])).toEqual(
      expect.arrayContaining([
        ["ka-1", "offline"],
        ["quiet-1", "offline"],
      ]),
    );
    // Every device but never-1 connected once; the mirror follows within a flush or two.
    const fleet = await until(
      () => expectOk(api("GET", "/api/v1/fleet/health", { token: t.ownerToken })),
      (f) => f.counts.never_seen === 1,
      "one device never seen",
    );
    expect(fleet.counts.total).toBe(6);
    expect(fleet.worst.length).toBeGreaterThanOrEqual(2);
    expect(fleet.worst[0].health).toBe("offline");
    expect(fleet.byProfile.find((p: { profileId: string | null }) => p.profileId === "beating").counts.total).toBe(2);
    expect(fleet.byTag).toEqual([{ tag: "roof", counts: expect.objectContaining({ total: 2 }) }]);
    expect((await expectOk(api("GET", "/api/v1/fleet/health?tag=roof&worst=0", { token: t.ownerToken }))).counts.total).toBe(2);
    expect((await api("GET", "/api/v1/fleet/health?color=red", { token: t.ownerToken })).status).toBe(400);
  });

  it("pages the connectivity history newest first with a cursor", async () => {
    const all = (await events("tk-1")).items;
    const first = await events("tk-1", "?limit=2");
    expect(first.items).toEqual(all.slice(0, 2));
    const second = await events("tk-1", `?limit=2&cursor=${first.nextCursor}`);
    expect(second.items).toEqual(all.slice(2, 4));
    expect((await api("GET", "/api/v1/devices/tk-1/connectivity?cursor=abc", { token: t.ownerToken })).status).toBe(400);
  });

  it("application clients get every device's health retained on t/{tenant}/health/+, then each change", async () => {
    const key = await expectOk(api("POST", "/api/v1/api-keys", { token: t.ownerToken, body: { name: "health watcher", role: "VIEWER" } }), 201);
    const app = await connect(t.tenantId, { clientId: "health-watcher", username: "api", password: key.key });
    app.send({ type: "subscribe", packetId: 1, subscriptions: [{ topicFilter: `t/${t.tenantId}/health/+`, qos: 0, noLocal: false, retainAsPublished: false, retainHandling: 0 }] });
    await app.next("suback");
    const retained = new Map<string, { state: string; reason: string; connectionSeq: number }>();
    for (;;) {
      const p = await app.next("publish", 1_000).catch(() => null);
      if (!p) break;
      retained.set(p.topic, JSON.parse(text(p.payload)));
    }
    expect(retained.get(`t/${t.tenantId}/health/ka-1`)).toMatchObject({ deviceId: "ka-1", state: "offline", reason: "keep_alive_timeout", connectionSeq: 1 });
    expect(retained.has(`t/${t.tenantId}/health/never-1`)).toBe(false);
    const c = await device("ka-1");
    const change = await app.next("publish");
    expect(change.topic).toBe(`t/${t.tenantId}/health/ka-1`);
    expect(JSON.parse(text(change.payload))).toMatchObject({ deviceId: "ka-1", state: "online", reason: "connected", connectionSeq: 2 });
    c.close();
    app.close();
  });

  it("a deleted device's history goes with it: a new device with the same id starts never_seen", async () => {
    await expectOk(api("DELETE", "/api/v1/devices/tk-1", { token: t.ownerToken }), 204);
    await createDevice(t.ownerToken, { id: "tk-1" });
    expect(await health("tk-1")).toMatchObject({ state: "never_seen", connectionSeq: 0 });
    expect((await events("tk-1")).items).toEqual([]);
    // …and so does its retained health message.
    const key = await expectOk(api("POST", "/api/v1/api-keys", { token: t.ownerToken, body: { name: "late watcher", role: "VIEWER" } }), 201);
    const app = await connect(t.tenantId, { clientId: "late-watcher", username: "api", password: key.key });
    app.send({ type: "subscribe", packetId: 1, subscriptions: [{ topicFilter: `t/${t.tenantId}/health/tk-1`, qos: 0, noLocal: false, retainAsPublished: false, retainHandling: 0 }] });
    await app.next("suback");
    expect(await app.next("publish", 500).catch(() => null)).toBeNull();
    app.close();
  });
});
