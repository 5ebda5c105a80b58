/**
 * The telemetry HTTP API end to end inside the runtime: series queries, export, the live SSE
 * stream, latest values, the device twin, rejected messages and usage (tenant and operator).
 */
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createDevice, expectOk, OPERATOR_TOKEN, signup, type TenantFixture } from "../helpers";
import { deviceTelemetry, envelope, runBatch } from "./helpers";

let t: TenantFixture;
let tenant: string;
const HOUR = 3_600_000;
const base = Math.floor((Date.now() - 3 * HOUR) / HOUR) * HOUR;
const get = (path: string) => expectOk(api("GET", path, { token: t.ownerToken }));

beforeAll(async () => {
  t = await signup();
  tenant = t.tenantId;
  for (const id of ["d1", "d2"]) await createDevice(t.ownerToken, { id });
  await runBatch([
    deviceTelemetry(
      tenant,
      "d1",
      Array.from({ length: 120 }, (_, i) => ({ ts: base + i * 30_000, values: { temp: i, hum: 50 } })),
    ),
    deviceTelemetry(tenant, "d2", [{ ts: base + 1000, values: { temp: 7, note: "=cmd|' /C calc'!A0" } }]),
    deviceTelemetry(tenant, "d1", { ts: Date.now() + 3 * HOUR, values: { temp: 1 } }),
  ]);
});

describe("telemetry API", () => {
  it("queries several devices and metrics at once, raw or bucketed", async () => {
    const raw = await get(`/api/v1/telemetry?device=d1,d2&metric=temp&from=${base}&to=${base + HOUR}&limit=5`);
    expect(raw.source).toBe("hot-store");
    expect(raw.series.map((s: { device: string; points: unknown[]; truncated: boolean }) => [s.device, s.points.length, s.truncated])).toEqual([
      ["d1", 5, true],
      ["d2", 1, false],
    ]);
    const perMinute = await get(`/api/v1/telemetry?device=d1&metric=temp,hum&from=${base}&to=${base + HOUR}&bucket=1m&agg=avg`);
    const temp = perMinute.series.find((s: { metric: string }) => s.metric === "temp");
    expect(temp.points.slice(0, 2)).toEqual([
      { ts: base, value: 0.5 },
      { ts: base + 60_000, value: 2.5 },
    ]);
    const hourly = await get(`/api/v1/telemetry?device=d1&metric=temp&from=${new Date(base).toISOString()}&to=${new Date(base + HOUR).toISOString()}&bucket=1h&agg=max`);
    expect(hourly.series[0].points).toEqual([{ ts: base, value: 119 }]);
    const all = await get(`/api/v1/telemetry?device=d2&from=${base}&to=${base + HOUR}`);
    expect(all.series.map((s: { metric: string }) => s.metric)).toEqual(["note", "temp"]);
  });

  it("refuses bad query parameters with the failing fields", async () => {
    for (const q of [
      "",
      "?device=d1&from=10&to=5",
      "?device=d1&bucket=5m",
      "?device=d1&agg=median",
      `?device=${Array.from({ length: 21 }, (_, i) => `d${i}`).join(",")}`,
      "?device=d1&metric=a/b/c",
      "?device=d1&from=yesterday",
      "?device=d1&surprise=1",
    ]) {
      const r = await api("GET", `/api/v1/telemetry${q}`, { token: t.ownerToken });
      expect(r.status, q).toBe(400);
      expect(r.body.code, q).toBe("validation_failed");
    }
  });

  it("exports CSV (formula-safe) and NDJSON", async () => {
    const res = await exports.default.fetch(`http://localhost/api/v1/telemetry/export?device=d1,d2&from=${base}&to=${base + HOUR}`, { headers: { authorization: `Bearer ${t.ownerToken}` } });
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect(res.headers.get("content-disposition")).toContain(`telemetry-${tenant}-`);
    const lines = (await res.text()).trim().split("\r\n");
    expect(lines[0]).toBe("device,metric,ts,time,value,unit");
    expect(lines).toHaveLength(1 + 240 + 2);
    expect(lines).toContain(`d2,note,${base + 1000},${new Date(base + 1000).toISOString()},'=cmd|' /C calc'!A0,`);
    const nd = await exports.default.fetch(`http://localhost/api/v1/telemetry/export?device=d1&metric=temp&format=ndjson&from=${base}&to=${base + HOUR}&limit=3`, { headers: { authorization: `Bearer ${t.ownerToken}` } });
    const rows = (await nd.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(rows.map((r) => r.value)).toEqual([0, 1, 2]);
    expect(rows[0]).toMatchObject({ device: "d1", metric: "temp", ts: base });
  });

  it("streams new points as Server-Sent Events", async () => {
    const res = await exports.default.fetch("http://localhost/api/v1/telemetry/stream?device=d2", { headers: { authorization: `Bearer ${t.ownerToken}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = decoder.decode((await reader.read()).value);
    expect(text).toContain("retry:");
    await runBatch([deviceTelemetry(tenant, "d1", { values: { temp: 1 } }), deviceTelemetry(tenant, "d2", { values: { live: 42 } })]);
    while (!text.includes("event: telemetry")) text += decoder.decode((await reader.read()).value);
    await reader.cancel();
    const data = JSON.parse(/data: (.*)/.exec(text)![1]!);
    expect(data).toMatchObject({ device: "d2", metric: "live", value: 42 });
    expect(text).not.toContain('"device":"d1"');
    // A reconnecting client names the last event it saw and gets what followed it.
    const id = Number(/id: (\d+)/.exec(text)![1]);
    const resumed = await exports.default.fetch("http://localhost/api/v1/telemetry/stream?device=d2", { headers: { authorization: `Bearer ${t.ownerToken}`, "last-event-id": String(id - 1) } });
    const again = resumed.body!.getReader();
    let replay = "";
    while (!replay.includes("event: telemetry")) replay += decoder.decode((await again.read()).value);
    await again.cancel();
    expect(replay).toContain(`id: ${id}`);
    expect((await api("GET", "/api/v1/telemetry/stream?device=nope", { token: t.ownerToken })).status).toBe(404);
  });

  it("returns a device's latest values, and 404 for devices it does not have", async () => {
    const latest = await get("/api/v1/devices/d1/telemetry/latest?metric=temp");
    expect(latest).toEqual({ device: "d1", values: { temp: { ts: expect.any(Number), value: expect.any(Number) } } });
    expect((await api("GET", "/api/v1/devices/nope/telemetry/latest", { token: t.ownerToken })).status).toBe(404);
  });

  it("lists rejected messages with their reason", async () => {
    const page = await get("/api/v1/telemetry/rejected?reason=future_timestamp");
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ reason: "future_timestamp", device: "d1", topic: `t/${tenant}/devices/d1/telemetry` });
    expect((await get("/api/v1/telemetry/rejected?reason=invalid_json")).items).toEqual([]);
  });
});

describe("API document", () => {
  it("documents the telemetry routes with their parameters and roles", async () => {
    const doc = await expectOk(api("GET", "/api/v1/openapi.json"));
    const query = doc.paths["/api/v1/telemetry"].get;
    expect(query["x-min-role"]).toBe("VIEWER");
    expect(query.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(["device", "metric", "from", "to", "bucket", "agg", "limit"]));
    expect(doc.paths["/api/v1/devices/{id}/attributes/desired"].put["x-min-role"]).toBe("MEMBER");
    expect(doc.paths["/api/v1/telemetry/dead-letters/{id}/redrive"].post).toBeDefined();
    expect(doc.paths["/api/v1/admin/usage"].get.security).toEqual([{ operatorToken: [] }]);
  });
});

describe("device twin", () => {
  it("shows reported, desired and the delta, and writes desired attributes", async () => {
    await runBatch([envelope(tenant, { kind: "device", device: "d1", channel: "attributes" }, { mode: "eco", interval: 60 })]);
    const put = await expectOk(api("PUT", "/api/v1/devices/d1/attributes/desired", { token: t.ownerToken, body: { mode: "boost", interval: 60, schedule: { on: "07:00" } } }));
    expect(put).toMatchObject({ device: "d1", reported: { mode: "eco", interval: 60 }, desired: { mode: "boost", interval: 60, schedule: { on: "07:00" } }, delta: { mode: "boost", schedule: { on: "07:00" } } });
    expect(typeof put.published).toBe("boolean");
    const patched = await expectOk(api("PATCH", "/api/v1/devices/d1/attributes/desired", { token: t.ownerToken, body: { schedule: null, mode: "eco" } }));
    expect(patched.desired).toEqual({ mode: "eco", interval: 60 });
    expect(patched.delta).toEqual({});
    expect(await get("/api/v1/devices/d1/attributes")).toEqual({ device: "d1", reported: { mode: "eco", interval: 60 }, desired: { mode: "eco", interval: 60 }, delta: {} });
    const audit = await get("/api/v1/audit?action=device.desired_attributes_set");
    expect(audit.items).toHaveLength(2);
    expect((await api("PUT", "/api/v1/devices/d1/attributes/desired", { token: t.ownerToken, body: { x: "y".repeat(40_000) } })).status).toBe(400);
  });
});

describe("usage", () => {
  it("reports the tenant's month, counting API requests too", async () => {
    const first = await get("/api/v1/usage");
    const second = await get(`/api/v1/usage?month=${new Date().toISOString().slice(0, 7)}`);
    expect(second.apiRequests).toBeGreaterThan(first.apiRequests);
    expect(second).toMatchObject({ tenant, devicesRegistered: 2, quota: { monthlyMessages: 10_000_000 } });
    expect(second.dataPointsStored).toBeGreaterThanOrEqual(242);
    expect(second.rejectedByReason.future_timestamp).toBe(1);
    expect((await get("/api/v1/usage?month=2020-01")).messagesReceived).toBe(0);
    expect((await api("GET", "/api/v1/usage?month=2020-13", { token: t.ownerToken })).status).toBe(400);
  });

  it("shows the operator every tenant's usage", async () => {
    const items: { tenant: string; messagesReceived: number }[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { tenant: string; messagesReceived: number }[]; nextCursor: string | null } = await expectOk(api("GET", `/api/v1/admin/usage?limit=200${cursor ? `&cursor=${cursor}` : ""}`, { token: OPERATOR_TOKEN }));
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(items.find((i) => i.tenant === tenant)!.messagesReceived).toBeGreaterThanOrEqual(3);
    expect((await api("GET", "/api/v1/admin/usage", { token: t.ownerToken })).status).toBe(401);
  });
});
