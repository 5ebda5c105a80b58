/**
 * Tenant isolation of every telemetry query path: tenants A and B have the same device ids and
 * metric names (and even a colliding message id); A's queries, aggregates, latest values,
 * exports, live tail, rejected log and Analytics Engine SQL only ever see A.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { analyticsEngineBackend } from "../../../domain/telemetry/ae-backend";
import { createDevice, signup, type TenantFixture } from "../helpers";
import { deviceTelemetry, runBatch, store } from "./helpers";

let A: TenantFixture;
let B: TenantFixture;
const HOUR = 3_600_000;
const from = Math.floor((Date.now() - 5 * HOUR) / HOUR) * HOUR;
const to = Date.now() + HOUR;
const AGGS = ["avg", "min", "max", "sum", "count", "last"] as const;

beforeAll(async () => {
  [A, B] = [await signup(), await signup()];
  for (const t of [A, B]) for (const id of ["d1", "d2"]) await createDevice(t.ownerToken, { id });
  // A reports small values, B large ones, at the same instants, under the same msgIds.
  const readings = (scale: number) => Array.from({ length: 30 }, (_, i) => ({ ts: from + i * 10 * 60_000, values: { temp: (i + 1) * scale, state: scale === 1 ? "a-state" : "b-state" } }));
  await runBatch([
    deviceTelemetry(A.tenantId, "d1", readings(1), { msgId: "same-msg-id" }),
    deviceTelemetry(B.tenantId, "d1", readings(1000), { msgId: "same-msg-id" }),
    deviceTelemetry(A.tenantId, "d1", "{broken", { msgId: "a-rejected" }),
    deviceTelemetry(B.tenantId, "d1", "{broken", { msgId: "b-rejected" }),
  ]);
});

const isA = (v: unknown) => typeof v !== "number" || v < 1000;

describe("telemetry tenant isolation", () => {
  it("stores both tenants' messages even when their ids collide (the ledger is per tenant)", async () => {
    for (const t of [A, B]) {
      const r = await store(t.tenantId).series({ devices: ["d1"], metrics: ["temp"], from, to, bucket: "raw", agg: "avg", limit: 100 });
      expect(r.series[0]!.points).toHaveLength(30);
    }
  });

  it("never returns B's values to A: raw, every bucket and every aggregate", async () => {
    const raw = await store(A.tenantId).series({ devices: ["d1", "d2"], metrics: [], from, to, bucket: "raw", agg: "avg", limit: 1000 });
    const values = raw.series.flatMap((s) => s.points.map((p) => p.value));
    expect(values.length).toBe(60);
    expect(values.every(isA)).toBe(true);
    expect(values).not.toContain("b-state");
    for (const bucket of ["1m", "1h", "1d"] as const) {
      for (const agg of AGGS) {
        const r = await store(A.tenantId).series({ devices: ["d1"], metrics: ["temp"], from, to, bucket, agg, limit: 1000 });
        const total = r.series[0]!.points.reduce((n, p) => n + Number(p.value), 0);
        // A's values are 1..30 (sum 465); a single B value (1000 or more) would push past it.
        expect(total, `${bucket} ${agg}`).toBeLessThanOrEqual(465);
        expect(
          r.series[0]!.points.every((p) => isA(p.value)),
          `${bucket} ${agg}`,
        ).toBe(true);
      }
    }
  });

  it("latest values, series lists, exports and the live tail are A's alone", async () => {
    expect((await store(A.tenantId).latest("d1", [])).values).toEqual({ temp: { ts: from + 29 * 10 * 60_000, value: 30 }, state: { ts: from + 29 * 10 * 60_000, value: "a-state" } });
    expect(await store(A.tenantId).seriesList(["d1", "d2"], [])).toEqual([
      { device: "d1", metric: "state" },
      { device: "d1", metric: "temp" },
    ]);
    const page = await store(A.tenantId).exportPage({ device: "d1", metric: "temp", from, to, after: null, limit: 5000 });
    expect(page.rows.every((r) => isA(r.value))).toBe(true);
    const start = await store(A.tenantId).tail({ devices: ["d1"], metrics: [], afterId: null, limit: 10 });
    await runBatch([deviceTelemetry(B.tenantId, "d1", { values: { temp: 5000 } }), deviceTelemetry(A.tenantId, "d1", { values: { temp: 5 } })]);
    const tail = await store(A.tenantId).tail({ devices: ["d1"], metrics: [], afterId: start.lastId, limit: 100 });
    expect(tail.rows.map((r) => r.value)).toEqual([5]);
  });

  it("keeps rejected-message logs apart", async () => {
    const a = (await store(A.tenantId).rejected({ limit: 50 })).items.map((r) => r.msgId);
    expect(a).toContain("a-rejected");
    expect(a).not.toContain("b-rejected");
  });

  it("sends only A's tenant index to Analytics Engine for A's queries", async () => {
    const sent: string[] = [];
    const fetch = (async (req: Request) => (sent.push(await req.text()), Response.json({ data: [] }))) as unknown as typeof globalThis.fetch;
    const backend = analyticsEngineBackend({ accountId: "0123456789abcdef0123456789abcdef", apiToken: "t", tenant: A.tenantId, fetch });
    for (const bucket of ["raw", "1m", "1h", "1d"] as const) await backend.series({ devices: ["d1"], metrics: ["temp"], from, to, bucket, agg: "avg", limit: 10 });
    expect(sent).toHaveLength(4);
    for (const sql of sent) {
      expect(sql).toContain(`index1 = '${A.tenantId}'`);
      expect(sql).not.toContain(B.tenantId);
    }
  });
});
