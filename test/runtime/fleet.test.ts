/**
 * The console's read APIs: `GET /fleet/summary` (device counts by status, type and kind,
 * rejected messages of the last hour, limit hits this month, connected MQTT clients) and
 * `GET /telemetry/latest` (the newest values of many devices in one call). Real runtime: devices
 * connect over MQTT for their status, telemetry goes through the real queue consumer.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createDevice, expectOk, memberWithRole, OPERATOR_TOKEN, signup, type TenantFixture } from "./helpers";
import { connect, type TestClient } from "./hub/mqtt-client";
import { deviceTelemetry, runBatch, store } from "./telemetry/helpers";

let a: TenantFixture;
let b: TenantFixture;
let viewer: string;
let stillConnected: TestClient;
const HOUR = 3_600_000;
const now = Date.now();

beforeAll(async () => {
  [a, b] = [await signup(), await signup()];
  viewer = (await memberWithRole(a, "VIEWER")).token;
  const secrets: Record<string, string> = {};
  for (const [id, body] of [
    ["on-1", { location: { lat: 48.1, lon: 11.5 } }],
    ["off-1", { kind: "INTEGRATION", location: { lat: 1, lon: 2 } }],
    ["never-1", {}],
    ["never-2", { kind: "EXTERNAL" }],
    ["gw-1", { type: "gateway" }],
    ["dis-1", {}],
  ] as const)
    secrets[id] = (await createDevice(a.ownerToken, { id, ...body })).credentials.password;
  await expectOk(api("PATCH", "/api/v1/devices/dis-1", { token: a.ownerToken, body: { disabled: true } }));
  // B: look-alike ids, different numbers (one device, online never).
  await createDevice(b.ownerToken, { id: "on-1" });

  // Presence comes from the hub: on-1 stays connected, off-1 connects and leaves.
  stillConnected = await connect(a.tenantId, { clientId: "on-1", username: "on-1", password: secrets["on-1"]! });
  const leaving = await connect(a.tenantId, { clientId: "off-1", username: "off-1", password: secrets["off-1"]! });
  leaving.send({ type: "disconnect", reasonCode: 0 });
  await leaving.waitClosed();

  await runBatch([
    deviceTelemetry(a.tenantId, "on-1", [
      { ts: now - 60_000, values: { temp: 20, hum: 40 } },
      { ts: now - 30_000, values: { temp: 21.5 } },
    ]),
    deviceTelemetry(a.tenantId, "off-1", { ts: now - 120_000, values: { temp: 7, state: "idle", ok: true } }),
    deviceTelemetry(a.tenantId, "on-1", "{not json"),
    deviceTelemetry(a.tenantId, "on-1", "{also not json", { receivedAt: now - 2 * HOUR }),
    deviceTelemetry(b.tenantId, "on-1", { ts: now - 10_000, values: { temp: 999 } }),
    deviceTelemetry(b.tenantId, "on-1", "{b's rejection"),
    deviceTelemetry(b.tenantId, "on-1", "{b's other rejection"),
  ]);

  // One real plan-limit hit in A: the API rate limit, lowered and raised again.
  await expectOk(api("PATCH", `/api/v1/admin/tenants/${a.tenantId}`, { token: OPERATOR_TOKEN, body: { limits: { apiRequestsPerMinute: 1 } } }));
  for (let i = 0; i < 3 && (await api("GET", "/api/v1/tenant", { token: a.ownerToken })).status !== 429; i++);
  await expectOk(api("PATCH", `/api/v1/admin/tenants/${a.tenantId}`, { token: OPERATOR_TOKEN, body: { limits: { apiRequestsPerMinute: 1_000_000 } } }));
  await env.API_LIMITER.getByName(a.tenantId).flush();

  // The hub writes presence to the registry in batches (about a second).
  await new Promise((r) => setTimeout(r, 1300));
});

describe("GET /fleet/summary", () => {
  it("counts devices by status, type and kind, with rejections, limit hits and connected clients", async () => {
    const s = await expectOk(api("GET", "/api/v1/fleet/summary", { token: viewer }));
    expect(s.devices).toEqual({
      total: 6,
      online: 1,
      offline: 1,
      neverSeen: 4,
      disabled: 1,
      byType: { device: 5, gateway: 1 },
      byKind: { INTERNAL: 4, INTEGRATION: 1, EXTERNAL: 1 },
    });
    expect(s.withLocation).toBe(2);
    // The rejection received two hours ago is not in the last hour; B's two are B's.
    expect(s.rejectedLastHour).toBe(1);
    expect(s.limitHitsThisMonth).toEqual({ apiRequestsPerMinute: expect.any(Number) });
    expect(s.limitHitsThisMonth.apiRequestsPerMinute).toBeGreaterThanOrEqual(1);
    expect(s.connectedClients).toBe(1);
  });

  it("follows changes: a disabled device, a deleted one, a disconnect", async () => {
    await expectOk(api("PATCH", "/api/v1/devices/never-2", { token: a.ownerToken, body: { disabled: true } }));
    await expectOk(api("DELETE", "/api/v1/devices/gw-1", { token: a.ownerToken }), 204);
    stillConnected.send({ type: "disconnect", reasonCode: 0 });
    await stillConnected.waitClosed();
    await new Promise((r) => setTimeout(r, 1300));
    const s = await expectOk(api("GET", "/api/v1/fleet/summary", { token: a.ownerToken }));
    expect(s.devices).toMatchObject({ total: 5, online: 0, offline: 2, neverSeen: 3, disabled: 2, byType: { device: 5, gateway: 0 } });
    expect(s.connectedClients).toBe(0);
  });

  it("shows another tenant only its own numbers", async () => {
    const s = await expectOk(api("GET", "/api/v1/fleet/summary", { token: b.ownerToken }));
    expect(s).toEqual({
      devices: { total: 1, online: 0, offline: 0, neverSeen: 1, disabled: 0, byType: { device: 1, gateway: 0 }, byKind: { INTERNAL: 1, INTEGRATION: 0, EXTERNAL: 0 } },
      withLocation: 0,
      rejectedLastHour: 2,
      limitHitsThisMonth: {},
      connectedClients: 0,
    });
  });

  it("needs credentials", async () => {
    expect((await api("GET", "/api/v1/fleet/summary")).status).toBe(401);
  });
});

describe("GET /telemetry/latest", () => {
  it("answers the newest value per device and metric, in the order asked, for a VIEWER", async () => {
    const r = await expectOk(api("GET", "/api/v1/telemetry/latest?device=off-1,on-1,never-1", { token: viewer }));
    expect(r.items).toEqual([
      { device: "off-1", values: { ok: { ts: now - 120_000, value: true }, state: { ts: now - 120_000, value: "idle" }, temp: { ts: now - 120_000, value: 7 } } },
      { device: "on-1", values: { hum: { ts: now - 60_000, value: 40 }, temp: { ts: now - 30_000, value: 21.5 } } },
      { device: "never-1", values: {} },
    ]);
  });

  it("filters metrics and matches the per-device endpoint", async () => {
    const r = await expectOk(api("GET", "/api/v1/telemetry/latest?device=on-1,off-1&metric=temp", { token: a.ownerToken }));
    expect(r.items).toEqual([
      { device: "on-1", values: { temp: { ts: now - 30_000, value: 21.5 } } },
      { device: "off-1", values: { temp: { ts: now - 120_000, value: 7 } } },
    ]);
    for (const item of r.items) expect(await expectOk(api("GET", `/api/v1/devices/${item.device}/telemetry/latest?metric=temp`, { token: a.ownerToken }))).toEqual(item);
  });

  it("leaves out unknown devices, and never answers with another tenant's values", async () => {
    // gw-1 was deleted above; B's on-1 has temp 999, A's 21.5; B has no off-1.
    const r = await expectOk(api("GET", "/api/v1/telemetry/latest?device=nobody,gw-1,on-1&metric=temp", { token: a.ownerToken }));
    expect(r.items).toEqual([{ device: "on-1", values: { temp: { ts: now - 30_000, value: 21.5 } } }]);
    const theirs = await expectOk(api("GET", "/api/v1/telemetry/latest?device=on-1,off-1", { token: b.ownerToken }));
    expect(theirs.items).toEqual([{ device: "on-1", values: { temp: { ts: now - 10_000, value: 999 } } }]);
    expect((await expectOk(api("GET", "/api/v1/telemetry/latest?device=nobody", { token: a.ownerToken }))).items).toEqual([]);
  });

  it("takes up to 100 devices, long ids included", async () => {
    const ids = [...Array.from({ length: 98 }, (_, i) => `${"x".repeat(120)}-${i}`), "on-1", "off-1"];
    const r = await expectOk(api("GET", `/api/v1/telemetry/latest?device=${ids.join(",")}&metric=temp`, { token: a.ownerToken }));
    expect(r.items.map((i: { device: string }) => i.device)).toEqual(["on-1", "off-1"]);
  });

  it("refuses bad parameters naming the field", async () => {
    const tooMany = Array.from({ length: 101 }, (_, i) => `d${i}`).join(",");
    for (const [q, field] of [
      [`?device=${tooMany}`, "query.device"],
      ["", "query.device"],
      ["?device=", "query.device"],
      ["?device=bad%20id", "query.device.0"],
      ["?device=on-1&metric=a/b/c", "query.metric.0"],
      ["?device=on-1&surprise=1", "query.surprise"],
    ] as const) {
      const r = await api("GET", `/api/v1/telemetry/latest${q}`, { token: a.ownerToken });
      expect(r.status, q).toBe(400);
      expect(r.body.code, q).toBe("validation_failed");
      expect(
        r.body.errors.map((e: { path: string }) => e.path),
        q,
      ).toContain(field);
    }
  });
});

describe("hot store batched reads", () => {
  it("latestMany answers several devices in one call; rejectedCount counts from a time", async () => {
    const s = store(a.tenantId);
    expect(await s.latestMany(["on-1", "none", "on-1"], ["hum"])).toEqual([
      { device: "on-1", values: { hum: { ts: now - 60_000, value: 40 } } },
      { device: "none", values: {} },
    ]);
    expect(await s.rejectedCount(now - 3 * HOUR)).toBe(2);
    expect(await s.rejectedCount(now - HOUR)).toBe(1);
    expect(await s.rejectedCount(Date.now() + 1000)).toBe(0);
    // The store refuses a list longer than the API allows.
    // (Settled first: `expect(...).rejects` on an RPC promise leaves unhandled rejections; see store.test.ts.)
    const failure = await s
      .latestMany(
        Array.from({ length: 101 }, (_, i) => `d${i}`),
        [],
      )
      .then(
        () => null,
        (e: Error) => e.message,
      );
    expect(failure).toBe("ZodError");
  });
});
