/**
 * Analytics Engine: the writer's limits (250 data points per invocation, 16 KB of blobs per
 * data point, one 96-byte index), the SQL builder (tenant pinned, refuses without it, safe
 * literals only), and the SQL API backend's requests and response handling.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Tenant } from "../../../domain/schemas/identity";
import { chooseBackend } from "../../../workers/telemetry/backend";
import { aeSqlEndpoint, aeSqlRequest, analyticsEngineBackend } from "../../../domain/telemetry/ae-backend";
import { AeQueryError, buildAeSeriesSql } from "../../../domain/telemetry/ae-sql";
import { AE_LIMITS, analyticsEngineWriter, RecordingAnalyticsWriter, toAeDataPoint } from "../../../domain/telemetry/analytics-engine";
import type { TelemetryPoint } from "../../../domain/telemetry/points";
import type { SeriesQuery } from "../../../domain/telemetry/query";

const point = (over: Partial<TelemetryPoint> = {}): TelemetryPoint => ({ tenant: "acme", device: "d1", metric: "temp", ts: 1_732_350_000_000, value: 21.5, unit: "C", msgId: "m1", traceId: "t1", seq: 0, ...over });
const query = (over: Partial<SeriesQuery> = {}): SeriesQuery => ({ devices: ["d1", "d2"], metrics: ["temp"], from: 1_732_350_000_000, to: 1_732_353_600_000, bucket: "raw", agg: "avg", limit: 100, ...over });
const ACCOUNT = "0123456789abcdef0123456789abcdef";

describe("Analytics Engine writer", () => {
  it("lays a point out as one index, six blobs and four doubles", () => {
    expect(toAeDataPoint(point())).toEqual({ indexes: ["acme"], blobs: ["d1", "temp", "C", "", "m1", "t1"], doubles: [21.5, 1_732_350_000_000, 0, 0] });
    expect(toAeDataPoint(point({ value: true })).doubles.slice(0, 3)).toEqual([1, 1_732_350_000_000, 1]);
    expect(toAeDataPoint(point({ value: "eco", unit: null })).blobs.slice(2, 4)).toEqual(["", "eco"]);
  });

  it("keeps every data point's blobs within 16 KB and within 20 blobs / 20 doubles", () => {
    const dp = toAeDataPoint(point({ value: "é".repeat(20_000) }));
    const bytes = dp.blobs.reduce((n, b) => n + new TextEncoder().encode(b).byteLength, 0);
    expect(bytes).toBeLessThanOrEqual(AE_LIMITS.blobBytesPerDataPoint);
    expect(dp.blobs[3]!.endsWith("é")).toBe(true); // cut on a character boundary
    expect(dp.blobs.length).toBeLessThanOrEqual(AE_LIMITS.blobsPerDataPoint);
    expect(dp.doubles.length).toBeLessThanOrEqual(AE_LIMITS.doublesPerDataPoint);
    expect(() => toAeDataPoint(point({ tenant: "x".repeat(97) }))).toThrow(RangeError);
  });

  it("never writes more than 250 data points in one invocation", () => {
    const sink: unknown[] = [];
    const writer = analyticsEngineWriter({ writeDataPoint: (p) => void sink.push(p) });
    expect(writer.remaining).toBe(250);
    writer.write(Array.from({ length: 200 }, (_, i) => point({ seq: i })));
    expect(() => writer.write(Array.from({ length: 51 }, (_, i) => point({ seq: i })))).toThrow(RangeError);
    expect(writer.reserve(80)).toBe(50);
    expect(writer.remaining).toBe(0);
    writer.write(Array.from({ length: 50 }, (_, i) => point({ seq: i })));
    expect(sink).toHaveLength(250);
    expect(analyticsEngineWriter({ writeDataPoint: () => {} }, 10_000).remaining).toBe(250);
  });

  it("the recording writer keeps what it writes, under the same budget", () => {
    const rec = new RecordingAnalyticsWriter(3);
    rec.write([point(), point({ seq: 1 })]);
    expect(rec.written.map((p) => p.doubles[3])).toEqual([0, 1]);
    expect(() => rec.write([point(), point()])).toThrow(RangeError);
  });
});

describe("Analytics Engine SQL builder", () => {
  it("pins the tenant index and builds a raw query", () => {
    expect(buildAeSeriesSql({ tenant: "acme", query: query() })).toBe(
      [
        "SELECT blob1 AS device, blob2 AS metric, double2 AS ts, double1 AS value, double3 AS kind, blob4 AS text",
        "FROM skylark_telemetry",
        "WHERE index1 = 'acme' AND blob1 IN ('d1', 'd2') AND blob2 IN ('temp') AND double2 >= 1732350000000 AND double2 < 1732353600000 AND timestamp >= toDateTime(1732349400)",
        "ORDER BY device, metric, ts",
        "LIMIT 200",
        "FORMAT JSON",
      ].join("\n"),
    );
  });

  it("builds sampling-aware bucketed aggregates over numeric values", () => {
    const sql = (agg: SeriesQuery["agg"], bucket: SeriesQuery["bucket"] = "1h") => buildAeSeriesSql({ tenant: "acme", query: query({ bucket, agg, metrics: [] }) });
    expect(sql("avg")).toBe(
      [
        "SELECT blob1 AS device, blob2 AS metric, intDiv(double2, 3600000) * 3600000 AS bucket, sum(_sample_interval * double1) / sum(_sample_interval) AS value",
        "FROM skylark_telemetry",
        "WHERE index1 = 'acme' AND blob1 IN ('d1', 'd2') AND double2 >= 1732350000000 AND double2 < 1732353600000 AND timestamp >= toDateTime(1732349400) AND double3 != 2",
        "GROUP BY device, metric, bucket",
        "ORDER BY device, metric, bucket",
        "LIMIT 200",
        "FORMAT JSON",
      ].join("\n"),
    );
    expect(sql("count", "1m")).toContain("intDiv(double2, 60000) * 60000 AS bucket, sum(_sample_interval) AS value");
    expect(sql("sum", "1d")).toContain("intDiv(double2, 86400000) * 86400000 AS bucket, sum(_sample_interval * double1) AS value");
    expect(sql("min")).toContain("min(double1) AS value");
    expect(sql("max")).toContain("max(double1) AS value");
    expect(sql("last")).toContain("argMax(double1, double2) AS value");
  });

  it("quotes sensor series names and nothing it cannot prove safe", () => {
    expect(buildAeSeriesSql({ tenant: "acme", query: query({ metrics: ["truck-1/temp-1"] }) })).toContain("blob2 IN ('truck-1/temp-1')");
    expect(() => buildAeSeriesSql({ tenant: "acme", query: query({ devices: ["d1' OR 1=1 --"] }) })).toThrow();
    expect(() => buildAeSeriesSql({ tenant: "acme", query: query({ metrics: ["temp'"] }) })).toThrow();
    expect(() => buildAeSeriesSql({ tenant: "acme", query: query(), dataset: "x; DROP" })).toThrow(AeQueryError);
    expect(() => buildAeSeriesSql({ tenant: "acme", query: query({ from: 1.5 }) })).toThrow();
  });

  it("refuses to build a query without a valid tenant", () => {
    for (const tenant of [undefined, null, "", "ACME", "a", "acme' OR '1'='1"]) {
      expect(() => buildAeSeriesSql({ tenant, query: query() }), String(tenant)).toThrow(AeQueryError);
    }
  });
});

describe("Analytics Engine SQL API backend", () => {
  it("posts the SQL with the bearer token to the account's endpoint", async () => {
    const req = aeSqlRequest({ accountId: ACCOUNT, apiToken: "secret-token" }, "SELECT 1");
    expect(req.method).toBe("POST");
    expect(req.url).toBe(`https://api.cloudflare.com/client/v4/accounts/${ACCOUNT}/analytics_engine/sql`);
    expect(aeSqlEndpoint(ACCOUNT)).toBe(req.url);
    expect(req.headers.get("authorization")).toBe("Bearer secret-token");
    expect(await req.text()).toBe("SELECT 1");
    expect(() => aeSqlRequest({ accountId: "not-an-account", apiToken: "x" }, "SELECT 1")).toThrow();
  });

  it("queries for its own tenant only and groups rows into series", async () => {
    const sent: Request[] = [];
    const fetch = async (input: RequestInfo | URL) => {
      sent.push(input as Request);
      return Response.json({
        data: [
          { device: "d1", metric: "temp", ts: "1732350000000", value: 20, kind: 0, text: "" },
          { device: "d1", metric: "temp", ts: 1732350001000, value: 1, kind: 1, text: "" },
          { device: "d2", metric: "temp", ts: 1732350002000, value: 0, kind: 2, text: "eco" },
        ],
      });
    };
    const backend = analyticsEngineBackend({ accountId: ACCOUNT, apiToken: "t", tenant: "acme", fetch: fetch as typeof globalThis.fetch });
    const result = await backend.series(query());
    expect(await sent[0]!.text()).toContain("index1 = 'acme'");
    expect(result.series).toEqual([
      { device: "d1", metric: "temp", points: [{ ts: 1732350000000, value: 20 }, { ts: 1732350001000, value: true }], truncated: false },
      { device: "d2", metric: "temp", points: [{ ts: 1732350002000, value: "eco" }], truncated: false },
    ]);
    const failing = analyticsEngineBackend({ accountId: ACCOUNT, apiToken: "t", tenant: "acme", fetch: (async () => new Response("no", { status: 500 })) as unknown as typeof globalThis.fetch });
    await expect(failing.series(query())).rejects.toThrow(/500/);
  });
});

describe("backend choice", () => {
  const tenant = { id: "acme", plan: "starter", limits: {} } as unknown as Tenant;
  const configured = { ...env, AE_ACCOUNT_ID: ACCOUNT, AE_API_TOKEN: "t" } as Env;
  const now = Date.now();
  it("reads the hot store inside the retention, Analytics Engine beyond it when configured", () => {
    expect(chooseBackend(configured, tenant, { from: now - 6 * 86_400_000 }, now).name).toBe("hot-store");
    expect(chooseBackend(configured, tenant, { from: now - 8 * 86_400_000 }, now).name).toBe("analytics-engine");
    expect(chooseBackend(env, tenant, { from: now - 80 * 86_400_000 }, now).name).toBe("hot-store");
    expect(chooseBackend({ ...configured, AE_ACCOUNT_ID: "bad" } as Env, tenant, { from: 0 }, now).name).toBe("hot-store");
  });
});
