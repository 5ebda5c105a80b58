/**
 * One rule for query strings on every route that takes one (enumerated from the router, so a new
 * route is covered by itself): an unknown parameter and a parameter given twice are 400 naming
 * it; a cursor the list did not give is 400 naming `query.cursor` (never the first page); times
 * are milliseconds or ISO 8601; an unknown device is 404 on each telemetry route that names devices.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { api, createDevice, expectOk, OPERATOR_TOKEN, signup, type TenantFixture } from "./helpers";
import { apiRoutes, authScopeOf, concretePath } from "./route-table";
import { deviceTelemetry, runBatch } from "./telemetry/helpers";
import type { RouteInfo } from "../../workers/http/openapi";
import { z } from "zod";

let t: TenantFixture;

const queryRoutes = () => apiRoutes().filter((r) => r.method === "GET" && r.metas.some((m) => m.kind === "validate" && m.target === "query"));
const queryNames = (r: RouteInfo): string[] => {
  const meta = r.metas.find((m) => m.kind === "validate" && m.target === "query") as { schema: z.ZodType };
  let schema: z.ZodType = meta.schema;
  while (schema instanceof z.ZodPipe) schema = schema.in as z.ZodType;
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
};
const tokenFor = (r: RouteInfo) => (authScopeOf(r) === "operator" ? OPERATOR_TOKEN : t.ownerToken);
const errorPaths = (body: { errors?: { path: string }[] }) => (body.errors ?? []).map((e) => e.path);

beforeAll(async () => {
  t = await signup();
  await createDevice(t.ownerToken, { id: "d1" });
});

describe("query strings: one rule for every route", () => {
  it("covers the routes that take a query (the enumeration is not empty)", () => {
    const paths = queryRoutes().map((r) => r.path);
    expect(paths).toEqual(expect.arrayContaining(["/api/v1/audit", "/api/v1/devices", "/api/v1/telemetry", "/api/v1/telemetry/rejected", "/api/v1/alarms"]));
  });

  it("refuses an unknown parameter with 400 naming it", async () => {
    for (const r of queryRoutes()) {
      const res = await api("GET", `${concretePath(r.path)}?surprise=1`, { token: tokenFor(r) });
      expect(res.status, r.path).toBe(400);
      expect(errorPaths(res.body), r.path).toEqual(["query.surprise"]);
    }
  });

  it("refuses any parameter on the routes that take none", async () => {
    const takesQuery = new Set(queryRoutes().map((r) => r.path));
    const others = apiRoutes().filter((r) => r.method === "GET" && !takesQuery.has(r.path));
    expect(others.map((r) => r.path)).toContain("/api/v1/tenant");
    for (const r of others) {
      const res = await api("GET", `${concretePath(r.path)}?surprise=1`, { token: tokenFor(r) });
      expect(res.status, r.path).toBe(400);
      expect(errorPaths(res.body), r.path).toEqual(["query.surprise"]);
    }
    expect((await api("GET", "/api/v1/tenant", { token: t.ownerToken })).status).toBe(200);
  });

  it("refuses a parameter given twice with 400 naming it, rather than taking the first", async () => {
    for (const r of queryRoutes()) {
      const name = queryNames(r).find((n) => n !== "cursor")!;
      const res = await api("GET", `${concretePath(r.path)}?${name}=a&${name}=b`, { token: tokenFor(r) });
      expect(res.status, r.path).toBe(400);
      expect(errorPaths(res.body), r.path).toEqual([`query.${name}`]);
    }
    const devices = await api("GET", "/api/v1/telemetry?device=a&device=b", { token: t.ownerToken });
    expect(errorPaths(devices.body)).toEqual(["query.device"]);
  });

  it("refuses a cursor the list did not give with 400 naming query.cursor, on every list", async () => {
    const lists = queryRoutes().filter((r) => queryNames(r).includes("cursor"));
    expect(lists.length).toBeGreaterThan(10);
    for (const r of lists) {
      for (const cursor of ["garbage", "Z2FyYmFnZQ", "%00"]) {
        const res = await api("GET", `${concretePath(r.path)}?cursor=${cursor}`, { token: tokenFor(r) });
        expect(res.status, `${r.path} ${cursor}`).toBe(400);
        expect(errorPaths(res.body), r.path).toContain("query.cursor");
      }
    }
  });

  it("still pages with the cursors the lists give", async () => {
    for (const id of ["d2", "d3"]) await createDevice(t.ownerToken, { id });
    const first = await expectOk(api("GET", "/api/v1/devices?limit=1", { token: t.ownerToken }));
    const second = await expectOk(api("GET", `/api/v1/devices?limit=1&cursor=${first.nextCursor}`, { token: t.ownerToken }));
    expect([first.items[0].id, second.items[0].id]).toEqual(["d1", "d2"]);
    const audit = await expectOk(api("GET", "/api/v1/audit?limit=1", { token: t.ownerToken }));
    const older = await expectOk(api("GET", `/api/v1/audit?limit=1&cursor=${audit.nextCursor}`, { token: t.ownerToken }));
    expect(older.items[0].id).not.toBe(audit.items[0].id);
    await runBatch(["{bad", "{worse"].map((p) => deviceTelemetry(t.tenantId, "d1", p)));
    const rejected = await expectOk(api("GET", "/api/v1/telemetry/rejected?limit=1", { token: t.ownerToken }));
    const next = await expectOk(api("GET", `/api/v1/telemetry/rejected?limit=1&cursor=${rejected.nextCursor}`, { token: t.ownerToken }));
    expect(next.items).toHaveLength(1);
    expect(next.items[0].msgId).not.toBe(rejected.items[0].msgId);
  });

  it("takes times as milliseconds or ISO 8601 (audit's since as telemetry's from/to)", async () => {
    const since = Date.now() - 60_000;
    const byMs = await expectOk(api("GET", `/api/v1/audit?since=${since}`, { token: t.ownerToken }));
    const byIso = await expectOk(api("GET", `/api/v1/audit?since=${new Date(since).toISOString()}`, { token: t.ownerToken }));
    expect(byIso.items.map((i: { id: string }) => i.id)).toEqual(byMs.items.map((i: { id: string }) => i.id));
    expect(byMs.items.length).toBeGreaterThan(0);
    const bad = await api("GET", "/api/v1/audit?since=yesterday", { token: t.ownerToken });
    expect(bad.status).toBe(400);
    expect(errorPaths(bad.body)).toEqual(["query.since"]);
  });

  it("answers 404 naming an unknown device on /telemetry, /telemetry/export and /telemetry/stream alike", async () => {
    for (const path of ["/api/v1/telemetry", "/api/v1/telemetry/export", "/api/v1/telemetry/stream"]) {
      const res = await api("GET", `${path}?device=d1,ghost`, { token: t.ownerToken });
      expect(res.status, path).toBe(404);
      expect(res.body.detail, path).toContain("'ghost'");
    }
    expect((await api("GET", "/api/v1/telemetry?device=d1", { token: t.ownerToken })).status).toBe(200);
  });
});
