/** The dashboard API (workers/routes/dashboards.ts) against the real registry. */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { Dashboard, DashboardDocument, documentOf } from "../../domain/schemas/dashboards";
import { everyWidget } from "./dashboards-fixtures";
import { api, expectOk, memberWithRole, signup, type ApiResult, type TenantFixture } from "./helpers";

let t: TenantFixture;
let viewer: string;
let member: string;

beforeAll(async () => {
  t = await signup();
  viewer = (await memberWithRole(t, "VIEWER")).token;
  member = (await memberWithRole(t, "MEMBER")).token;
});

const base = "/api/v1/dashboards";
const create = async (token: string, body: unknown = everyWidget) => {
  const r = await api("POST", base, { token, body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r as ApiResult<Dashboard>;
};
const put = (token: string, id: string, body: unknown, ifMatch?: string) => api("PUT", `${base}/${id}`, { token, body, ...(ifMatch !== undefined ? { headers: { "if-match": ifMatch } } : {}) });
const paths = (r: ApiResult) => (r.body.errors as { path: string }[]).map((e) => e.path);

describe("dashboards API", () => {
  it("creates, reads, lists, replaces and deletes a dashboard, with an ETag per version", async () => {
    const created = await create(member);
    expect(created.headers.get("etag")).toBe('"1"');
    expect(created.headers.get("location")).toBe(`${base}/${created.body.id}`);
    expect(created.body).toMatchObject({ version: 1, schemaVersion: 1, name: "Cold chain" });
    expect(documentOf(created.body)).toEqual(DashboardDocument.parse({ schemaVersion: 1, ...everyWidget }));
    const id = created.body.id;

    const got = await api("GET", `${base}/${id}`, { token: viewer });
    expect(got.status).toBe(200);
    expect(got.headers.get("etag")).toBe('"1"');
    expect(got.body).toEqual(created.body);
    const again = await api("GET", `${base}/${id}`, { token: viewer, headers: { "if-none-match": '"1"' } });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe('"1"');
    expect((await api("GET", `${base}/${id}`, { token: viewer, headers: { "if-none-match": '"0", W/"7"' } })).status).toBe(200);

    const list = await expectOk(api("GET", `${base}?limit=200`, { token: viewer }));
    expect(list.items.find((d: { id: string }) => d.id === id)).toEqual({ id, version: 1, name: "Cold chain", description: "Cold rooms and trucks", widgetCount: 6, createdAt: created.body.createdAt, updatedAt: created.body.updatedAt });

    const renamed = await put(member, id, { ...everyWidget, name: "Cold chain (night)", widgets: everyWidget.widgets!.slice(0, 2) }, '"1"');
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.headers.get("etag")).toBe('"2"');
    expect(renamed.body).toMatchObject({ id, version: 2, name: "Cold chain (night)" });
    expect(renamed.body.widgets.map((w: { id: string }) => w.id)).toEqual(["temps", "now"]);
    expect((await api("GET", `${base}/${id}`, { token: viewer, headers: { "if-none-match": '"1"' } })).status).toBe(200);

    expect((await api("DELETE", `${base}/${id}`, { token: member, headers: { "if-match": '"2"' } })).status).toBe(204);
    expect((await api("GET", `${base}/${id}`, { token: viewer })).status).toBe(404);
    expect((await api("DELETE", `${base}/${id}`, { token: member })).status).toBe(404);
    const audit = await expectOk(api("GET", `/api/v1/audit?limit=200`, { token: t.ownerToken }));
    const actions = audit.items.filter((e: { targetId: string }) => e.targetId === id).map((e: { action: string }) => e.action);
    expect(actions.sort()).toEqual(["dashboard.create", "dashboard.delete", "dashboard.update"]);
  });

  it("pages the list with a cursor", async () => {
    for (let i = 0; i < 3; i++) await create(member, { name: `Page ${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = await expectOk(api("GET", `${base}?limit=2${cursor ? `&cursor=${cursor}` : ""}`, { token: viewer }));
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((d) => d.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe((await expectOk(api("GET", `${base}?limit=200`, { token: viewer }))).items.length);
  });

  it("gives every tenant a valid starter dashboard from onboarding", async () => {
    const list = await expectOk(api("GET", base, { token: viewer }));
    expect(list.items.map((d: { id: string }) => d.id)).toContain("overview");
    const overview = await expectOk(api("GET", `${base}/overview`, { token: viewer }));
    expect(Dashboard.parse(overview)).toBeTruthy();
    expect(DashboardDocument.safeParse(documentOf(overview)).success).toBe(true);
    expect(overview.widgets.map((w: { type: string }) => w.type).sort()).toEqual(["events", "map", "table"]);
  });

  it("upgrades a v0 row (what onboarding stored before this API) when reading it, and stores v1 on the next save", async () => {
    const v0 = {
      name: "Legacy",
      layout: [
        { widget: "device-status", title: "Devices online", x: 0, y: 0, w: 4, h: 2 },
        { widget: "message-rate", title: "Messages per second", x: 4, y: 0, w: 8, h: 2 },
      ],
    };
    // As migration 0006 left such rows: the layout wrapped in a v0 document.
    await env.REGISTRY.prepare("INSERT INTO dashboards (tenant_id, id, name, document, version, created_at, updated_at) VALUES (?, 'legacy', 'Legacy', ?, 1, 1, 1)").bind(t.tenantId, JSON.stringify(v0)).run();
    const got = await expectOk(api("GET", `${base}/legacy`, { token: viewer }));
    expect(got).toMatchObject({ id: "legacy", version: 1, schemaVersion: 1, name: "Legacy", widgets: [{ id: "device-status-1", type: "table", title: "Devices online" }] });
    expect(got.widgets).toHaveLength(1);
    expect((await put(member, "legacy", documentOf(got), '"1"')).status).toBe(200);
    const row = await env.REGISTRY.prepare("SELECT document FROM dashboards WHERE tenant_id = ? AND id = 'legacy'").bind(t.tenantId).first<{ document: string }>();
    expect(JSON.parse(row!.document).schemaVersion).toBe(1);
  });
});

describe("optimistic concurrency", () => {
  it("lets the first of two editors of version 1 save; the second gets 412 naming the current version", async () => {
    const { id } = (await create(member, { name: "Shared" })).body;
    const etagA = (await api("GET", `${base}/${id}`, { token: member })).headers.get("etag")!;
    const etagB = (await api("GET", `${base}/${id}`, { token: t.ownerToken })).headers.get("etag")!;
    expect([etagA, etagB]).toEqual(['"1"', '"1"']);

    expect((await put(member, id, { name: "A's edit" }, etagA)).status).toBe(200);
    const second = await put(t.ownerToken, id, { name: "B's edit" }, etagB);
    expect(second.status).toBe(412);
    expect(second.headers.get("content-type")).toContain("application/problem+json");
    expect(second.body).toMatchObject({ code: "precondition_failed", currentVersion: 2, detail: "the dashboard was changed by someone else since you loaded it (version 2 is current)" });
    expect((await expectOk(api("GET", `${base}/${id}`, { token: viewer }))).name).toBe("A's edit");

    // B reloads and saves on top of A's version.
    expect((await put(t.ownerToken, id, { name: "B's edit" }, '"2"')).body).toMatchObject({ version: 3, name: "B's edit" });
  });

  it("requires If-Match on replace (428), refuses malformed ones (400) and accepts *", async () => {
    const { id } = (await create(member, { name: "Guarded" })).body;
    const missing = await put(member, id, { name: "blind write" });
    expect(missing.status).toBe(428);
    expect(missing.body.code).toBe("precondition_required");
    for (const bad of ["1", 'W/"1"', '"1", "2"', '"one"']) expect((await put(member, id, { name: "x" }, bad)).status, bad).toBe(400);
    expect((await expectOk(api("GET", `${base}/${id}`, { token: viewer }))).version).toBe(1);
    expect((await put(member, id, { name: "forced" }, "*")).body).toMatchObject({ version: 2, name: "forced" });
    expect((await put(member, "no-such-dashboard", { name: "x" }, '"1"')).status).toBe(404);
  });

  it("writes exactly one of two simultaneous saves of the same version", async () => {
    const { id } = (await create(member, { name: "Race" })).body;
    const results = await Promise.all(["left", "right"].map((name) => put(member, id, { name }, '"1"')));
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
    const winner = results.find((r) => r.status === 200)!.body.name;
    expect(await expectOk(api("GET", `${base}/${id}`, { token: viewer }))).toMatchObject({ version: 2, name: winner });
  });

  it("refuses a delete naming a stale version and deletes nothing", async () => {
    const { id } = (await create(member, { name: "Keep me" })).body;
    expect((await put(member, id, { name: "Keep me too" }, '"1"')).status).toBe(200);
    const stale = await api("DELETE", `${base}/${id}`, { token: member, headers: { "if-match": '"1"' } });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ code: "precondition_failed", currentVersion: 2 });
    expect((await api("GET", `${base}/${id}`, { token: viewer })).status).toBe(200);
    expect((await api("DELETE", `${base}/${id}`, { token: member })).status).toBe(204);
  });
});

describe("validation", () => {
  const cases: [string, unknown, string[]][] = [
    [
      "overlapping widgets",
      {
        name: "x",
        widgets: [
          { id: "a", type: "map", x: 0, y: 0, w: 6, h: 4 },
          { id: "b", type: "map", x: 4, y: 2, w: 6, h: 4 },
        ],
      },
      ["body.widgets.1"],
    ],
    [
      "a widget off the grid",
      {
        name: "x",
        widgets: [
          { id: "a", type: "map", x: 0, y: 0, w: 4, h: 4 },
          { id: "b", type: "map", x: 4, y: 0, w: 4, h: 4 },
          { id: "c", type: "map", x: 8, y: 0, w: 6, h: 4 },
        ],
      },
      ["body.widgets.2.w"],
    ],
    ["an unknown widget type", { name: "x", widgets: [{ id: "a", type: "pie", x: 0, y: 0, w: 4, h: 4 }] }, ["body.widgets.0.type"]],
    [
      "thresholds out of order",
      {
        name: "x",
        widgets: [
          {
            id: "a",
            type: "value",
            x: 0,
            y: 0,
            w: 2,
            h: 2,
            deviceId: "d",
            metric: "temp",
            thresholds: [
              { value: 10, color: "#ff0000" },
              { value: 2, color: "#00ff00" },
            ],
          },
        ],
      },
      ["body.widgets.0.thresholds.1.value"],
    ],
    ["a time range ending before it starts", { name: "x", timeRange: { from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z" } }, ["body.timeRange.from"]],
    ["several failures at once", { name: "", widgets: [{ id: "a", type: "events", source: "rejected", x: 0, y: 0, w: 0, h: 2, limit: 500 }] }, ["body.name", "body.widgets.0.w", "body.widgets.0.limit"]],
  ];

  it.each(cases)("names the failing field for %s", async (_label, body, expected) => {
    const { id } = (await create(member, { name: "Target" })).body;
    for (const r of [await api("POST", base, { token: member, body }), await put(member, id, body, '"1"'), await api("POST", `${base}/import`, { token: member, body: { schemaVersion: 1, ...(body as object) } })]) {
      expect(r.status).toBe(400);
      expect(r.headers.get("content-type")).toContain("application/problem+json");
      expect(r.body.code).toBe("validation_failed");
      expect(paths(r).sort()).toEqual([...expected].sort());
    }
    expect((await expectOk(api("GET", `${base}/${id}`, { token: viewer }))).version).toBe(1);
  });
});

describe("export and import", () => {
  it("exports the document as a download, and importing it creates an equal dashboard", async () => {
    const original = (await create(member)).body;
    const r = await api("GET", `${base}/${original.id}/export`, { token: viewer });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("application/json");
    expect(r.headers.get("content-disposition")).toBe('attachment; filename="dashboard-cold-chain.json"');
    const exported = r.body;
    expect(exported.schemaVersion).toBe(1);
    expect(Object.keys(exported).sort()).toEqual(["description", "filter", "name", "schemaVersion", "timeRange", "widgets"]);
    expect(exported.widgets.map((w: { id: string }) => w.id)).toEqual(["temps", "now", "hum", "where", "fleet", "log"]);
    const text = JSON.stringify(exported);
    for (const own of [original.id, t.tenantId]) expect(text).not.toContain(own);

    const imported = await expectOk(api("POST", `${base}/import`, { token: member, body: exported }), 201);
    expect(imported.id).not.toBe(original.id);
    expect(imported.version).toBe(1);
    expect(documentOf(imported)).toEqual(documentOf(original));
    expect(documentOf(await expectOk(api("GET", `${base}/${imported.id}`, { token: viewer })))).toEqual(documentOf(original));
  });

  it("imports a v0 document by upgrading it, and refuses unknown versions", async () => {
    const v0 = { name: "Old", layout: [{ widget: "latest-telemetry", title: "Latest readings", x: 0, y: 0, w: 12, h: 4 }] };
    const imported = await expectOk(api("POST", `${base}/import`, { token: member, body: v0 }), 201);
    expect(imported).toMatchObject({ schemaVersion: 1, name: "Old", widgets: [{ type: "table", metrics: "all" }] });
    const future = await api("POST", `${base}/import`, { token: member, body: { schemaVersion: 2, name: "Future" } });
    expect(future.status).toBe(400);
    expect(paths(future)).toEqual(["body.schemaVersion"]);
  });
});

describe("roles", () => {
  it("lets a VIEWER read, list and export but not write", async () => {
    const { id } = (await create(member, { name: "Read only" })).body;
    expect((await api("GET", base, { token: viewer })).status).toBe(200);
    expect((await api("GET", `${base}/${id}`, { token: viewer })).status).toBe(200);
    expect((await api("GET", `${base}/${id}/export`, { token: viewer })).status).toBe(200);
    const writes = [
      await api("POST", base, { token: viewer, body: { name: "no" } }),
      await api("POST", `${base}/import`, { token: viewer, body: { schemaVersion: 1, name: "no" } }),
      await put(viewer, id, { name: "no" }, '"1"'),
      await api("DELETE", `${base}/${id}`, { token: viewer }),
    ];
    for (const r of writes) expect([r.status, r.body.code]).toEqual([403, "forbidden"]);
    expect(await expectOk(api("GET", `${base}/${id}`, { token: viewer }))).toMatchObject({ version: 1, name: "Read only" });
  });
});

describe("tenant isolation", () => {
  it("answers 404 to another tenant for every dashboard route and never lists its dashboards", async () => {
    const other = await signup();
    const theirs = (await create(other.ownerToken, { name: "Theirs" })).body;
    for (const [method, path, body, headers] of [
      ["GET", `${base}/${theirs.id}`],
      ["GET", `${base}/${theirs.id}/export`],
      ["PUT", `${base}/${theirs.id}`, { name: "pwned" }, { "if-match": '"1"' }],
      ["PUT", `${base}/${theirs.id}`, { name: "pwned" }, { "if-match": "*" }],
      ["DELETE", `${base}/${theirs.id}`, undefined, { "if-match": '"1"' }],
      ["DELETE", `${base}/${theirs.id}`],
    ] as [string, string, unknown?, Record<string, string>?][]) {
      const r = await api(method, path, { token: t.ownerToken, ...(body ? { body } : {}), ...(headers ? { headers } : {}) });
      expect([method, path, r.status, r.body.code]).toEqual([method, path, 404, "not_found"]);
    }
    const mine = await expectOk(api("GET", `${base}?limit=200`, { token: t.ownerToken }));
    expect(mine.items.map((d: { id: string }) => d.id)).not.toContain(theirs.id);
    // Both have an `overview`; each sees its own.
    const ownOverview = await expectOk(api("PUT", `${base}/overview`, { token: t.ownerToken, body: { name: "Mine" }, headers: { "if-match": "*" } }));
    expect(ownOverview.name).toBe("Mine");
    expect((await expectOk(api("GET", `${base}/overview`, { token: other.ownerToken }))).name).toBe("Overview");
    expect(await expectOk(api("GET", `${base}/${theirs.id}`, { token: other.ownerToken }))).toEqual(theirs);
  });
});
