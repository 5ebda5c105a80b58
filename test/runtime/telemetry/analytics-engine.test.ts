/**
 * Analytics Engine: the packed layout (readings of a series' minute per data point, with their
 * aggregates), the writer's limits (250 data points per invocation, 16 KB of blobs per data
 * point, one 96-byte index), the SQL builder (tenant pinned, refuses without it, safe literals
 * only), and the SQL API backend's requests and response handling.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Tenant } from "../../../domain/schemas/identity";
import { chooseBackend } from "../../../workers/telemetry/backend";
import { AeQueryFailed, aeSqlEndpoint, aeSqlRequest, analyticsEngineBackend } from "../../../domain/telemetry/ae-backend";
import { AeQueryError, buildAeSeriesSql } from "../../../domain/telemetry/ae-sql";
import { AeLayoutError, unpackReadings, type AeDataPoint } from "../../../domain/telemetry/ae-layout";
import { AE_LIMITS, analyticsEngineWriter, packPoints, RecordingAnalyticsWriter } from "../../../domain/telemetry/analytics-engine";
import { utf8Bytes, type TelemetryPoint } from "../../../domain/telemetry/points";
import type { SeriesQuery } from "../../../domain/telemetry/query";

const point = (over: Partial<TelemetryPoint> = {}): TelemetryPoint => ({ tenant: "acme", device: "d1", metric: "temp", ts: 1_732_349_940_000, value: 21.5, unit: "C", msgId: "m1", traceId: "t1", seq: 0, ...over });
const query = (over: Partial<SeriesQuery> = {}): SeriesQuery => ({ devices: ["d1", "d2"], metrics: ["temp"], from: 1_732_350_000_000, to: 1_732_353_600_000, bucket: "raw", agg: "avg", limit: 100, ...over });
const ACCOUNT = "0123456789abcdef0123456789abcdef";

const MINUTE = 1_732_349_940_000; // a UTC minute boundary
const utf8 = (s: string) => new TextEncoder().encode(s).byteLength;
const blobBytes = (dp: AeDataPoint) => dp.blobs.reduce((n, b) => n + utf8(b), 0);

describe("Analytics Engine layout", () => {
  it("packs one series' readings of one minute into one data point with its aggregates", () => {
    const chunks = packPoints([point({ ts: MINUTE + 1_000, value: 20, seq: 0 }), point({ ts: MINUTE + 3_000, value: 24, seq: 1 }), point({ ts: MINUTE + 2_000, value: 22, msgId: "m2", traceId: "t2", seq: 0 })]);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.dataPoint).toEqual({
      indexes: ["acme"],
      blobs: ["d1", "temp", "C", "[[1000,20,0,0],[3000,24,0,1],[2000,22,1,0]]", '["m1","m2"]', '["t1","t2"]'],
      // minute, numeric count, sum, min, max, last value, its time, readings
      doubles: [MINUTE, 3, 66, 20, 24, 24, MINUTE + 3_000, 3],
    });
    expect(chunks[0]!.points).toHaveLength(3);
  });

  it("starts a new data point per series, unit and minute, in order of first appearance", () => {
    const chunks = packPoints([point({ metric: "temp" }), point({ metric: "hum", unit: null }), point({ device: "d2" }), point({ unit: "F" }), point({ ts: MINUTE + 60_000 }), point({ tenant: "other" }), point({ seq: 9 })]);
    expect(chunks.map((c) => [c.dataPoint.indexes[0], ...c.dataPoint.blobs.slice(0, 3), c.dataPoint.doubles[0], c.points.length])).toEqual([
      ["acme", "d1", "temp", "C", MINUTE, 2],
      ["acme", "d1", "hum", "", MINUTE, 1],
      ["acme", "d2", "temp", "C", MINUTE, 1],
      ["acme", "d1", "temp", "F", MINUTE, 1],
      ["acme", "d1", "temp", "C", MINUTE + 60_000, 1],
      ["other", "d1", "temp", "C", MINUTE, 1],
    ]);
  });

  it("aggregates numbers and booleans, keeps strings only as readings", () => {
    const [chunk] = packPoints([point({ value: "eco", seq: 0 }), point({ value: true, ts: MINUTE + 5, seq: 1 }), point({ value: 3, ts: MINUTE + 1, seq: 2 })]);
    expect(chunk!.dataPoint.doubles).toEqual([MINUTE, 2, 4, 1, 3, 1, MINUTE + 5, 3]);
    const [strings] = packPoints([point({ value: "eco" })]);
    expect(strings!.dataPoint.doubles.slice(1, 3)).toEqual([0, 0]);
    expect(unpackReadings(MINUTE, chunk!.dataPoint.blobs[3]!)).toEqual([
      { ts: MINUTE, value: "eco" },
      { ts: MINUTE + 1, value: 3 },
      { ts: MINUTE + 5, value: true },
    ]);
  });

  it("keeps every data point within 16 KB of blobs, 20 blobs and 20 doubles, splitting a busy minute", () => {
    const many = Array.from({ length: 3_000 }, (_, i) => point({ ts: MINUTE + (i % 60_000), value: i, msgId: `msg-${i}`.padEnd(64, "x"), traceId: `trace-${i}`.padEnd(64, "y"), seq: i }));
    const chunks = packPoints(many);
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) {
      expect(blobBytes(c.dataPoint)).toBeLessThanOrEqual(AE_LIMITS.blobBytesPerDataPoint);
      expect(c.dataPoint.blobs.length).toBeLessThanOrEqual(AE_LIMITS.blobsPerDataPoint);
      expect(c.dataPoint.doubles.length).toBeLessThanOrEqual(AE_LIMITS.doublesPerDataPoint);
      expect(c.dataPoint.doubles[7]).toBe(c.points.length);
    }
    // Nothing lost in the split: every reading comes back, and the partial aggregates add up.
    const back = chunks.flatMap((c) => unpackReadings(c.dataPoint.doubles[0]!, c.dataPoint.blobs[3]!));
    expect(back.map((r) => r.value).sort((a, b) => Number(a) - Number(b))).toEqual(many.map((p) => p.value));
    expect(chunks.reduce((n, c) => n + c.dataPoint.doubles[2]!, 0)).toBe((2_999 * 3_000) / 2);
  });

  it("cuts an oversized string value on a character boundary, and refuses an oversized index", () => {
    const [chunk] = packPoints([point({ value: "é".repeat(20_000) })]);
    expect(blobBytes(chunk!.dataPoint)).toBeLessThanOrEqual(AE_LIMITS.blobBytesPerDataPoint);
    const [reading] = unpackReadings(MINUTE, chunk!.dataPoint.blobs[3]!);
    expect(String(reading!.value)).toMatch(/^é+$/);
    expect(String(reading!.value).length).toBeGreaterThan(1_000);
    // Control characters escape to six bytes each in JSON; such a string still fits.
    const [quoted] = packPoints([point({ value: "\u0001".repeat(10_000) })]);
    expect(blobBytes(quoted!.dataPoint)).toBeLessThanOrEqual(AE_LIMITS.blobBytesPerDataPoint);
    expect(() => packPoints([point({ tenant: "x".repeat(97) })])).toThrow(RangeError);
  });

  it("refuses a readings blob that does not match the layout", () => {
    expect(() => unpackReadings(MINUTE, "not json")).toThrow(AeLayoutError);
    expect(() => unpackReadings(MINUTE, '[[1,{"x":1},0,0]]')).toThrow(AeLayoutError);
  });
});

describe("UTF-8 byte length", () => {
  it("counts what TextEncoder would write, without encoding", () => {
    for (const text of ["", "temp", "é", "温度", "😀x", "a\ud800b", "\udc00", "\ud83d", "x".repeat(1000) + "€"]) {
      expect(utf8Bytes(text), JSON.stringify(text)).toBe(new TextEncoder().encode(text).byteLength);
    }
  });
});

describe("Analytics Engine writer", () => {
  const chunksOf = (n: number) => packPoints(Array.from({ length: n }, (_, i) => point({ ts: MINUTE + i * 60_000 })));

  it("never writes more than 250 data points in one invocation", () => {
    const sink: unknown[] = [];
    const writer = analyticsEngineWriter({ writeDataPoint: (p) => void sink.push(p) });
    expect(writer.remaining).toBe(250);
    writer.write(chunksOf(200));
    expect(() => writer.write(chunksOf(51))).toThrow(RangeError);
    expect(writer.reserve(80)).toBe(50);
    expect(writer.remaining).toBe(0);
    writer.write(chunksOf(50));
    expect(sink).toHaveLength(250);
    expect(analyticsEngineWriter({ writeDataPoint: () => {} }, 10_000).remaining).toBe(250);
  });

  it("the recording writer keeps what it writes, under the same budget", () => {
    const rec = new RecordingAnalyticsWriter(3);
    rec.write(chunksOf(2));
    expect(rec.written.map((p) => p.doubles[0])).toEqual([MINUTE, MINUTE + 60_000]);
    expect(() => rec.write(chunksOf(2))).toThrow(RangeError);
  });
});

describe("Analytics Engine SQL builder", () => {
  it("pins the tenant index and builds a raw query over whole minutes", () => {
    expect(buildAeSeriesSql({ tenant: "acme", query: query({ from: 1_732_350_012_345 }) })).toBe(
      [
        "SELECT blob1 AS device, blob2 AS metric, double1 AS minute, blob4 AS readings",
        "FROM skylark_telemetry",
        "WHERE index1 = 'acme' AND blob1 IN ('d1', 'd2') AND blob2 IN ('temp') AND double1 >= 1732350000000 AND double1 < 1732353600000 AND timestamp >= toDateTime(1732349400)",
        "ORDER BY device, metric, minute",
        "LIMIT 204",
        "FORMAT JSON",
      ].join("\n"),
    );
  });

  it("builds sampling-aware bucketed aggregates over the numeric partials, from whole buckets", () => {
    const sql = (agg: SeriesQuery["agg"], bucket: SeriesQuery["bucket"] = "1h") => buildAeSeriesSql({ tenant: "acme", query: query({ bucket, agg, metrics: [] }) });
    expect(sql("avg")).toBe(
      [
        "SELECT blob1 AS device, blob2 AS metric, intDiv(double1, 3600000) * 3600000 AS bucket, sum(_sample_interval * double3) / sum(_sample_interval * double2) AS value",
        "FROM skylark_telemetry",
        // Whole buckets at both ends (the range the answer states): to = 1732353600000 is moved to its hour's end.
        "WHERE index1 = 'acme' AND blob1 IN ('d1', 'd2') AND double1 >= 1732348800000 AND double1 < 1732356000000 AND timestamp >= toDateTime(1732348200) AND double2 > 0",
        "GROUP BY device, metric, bucket",
        "ORDER BY device, metric, bucket",
        "LIMIT 200",
        "FORMAT JSON",
      ].join("\n"),
    );
    expect(sql("count", "1m")).toContain("intDiv(double1, 60000) * 60000 AS bucket, sum(_sample_interval * double2) AS value");
    expect(sql("sum", "1d")).toContain("intDiv(double1, 86400000) * 86400000 AS bucket, sum(_sample_interval * double3) AS value");
    expect(sql("sum", "1d")).toContain("double1 >= 1732320000000 AND double1 < 1732406400000 ");
    expect(sql("min")).toContain("min(double4) AS value");
    expect(sql("max")).toContain("max(double5) AS value");
    expect(sql("last")).toContain("argMax(double6, double7) AS value");
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

  it("queries for its own tenant only, unpacks readings inside the range and groups them into series", async () => {
    const sent: Request[] = [];
    const minute = 1_732_350_000_000;
    const fetch = async (input: RequestInfo | URL) => {
      sent.push(input as Request);
      return Response.json({
        data: [
          // Two data points of one series' minute (a busy minute is split), readings interleaved.
          { device: "d1", metric: "temp", minute: String(minute), readings: "[[3000,22,0,0],[1000,20,0,1]]" },
          { device: "d1", metric: "temp", minute, readings: "[[2000,true,0,0]]" },
          { device: "d2", metric: "temp", minute: minute + 60_000, readings: '[[0,"eco",0,0],[59999,1,0,1]]' },
        ],
      });
    };
    const backend = analyticsEngineBackend({ accountId: ACCOUNT, apiToken: "t", tenant: "acme", fetch: fetch as typeof globalThis.fetch });
    const result = await backend.series(query({ from: minute + 1_500, to: minute + 119_999 }));
    expect(await sent[0]!.text()).toContain("index1 = 'acme'");
    expect(result.series).toEqual([
      {
        device: "d1",
        metric: "temp",
        points: [
          { ts: minute + 2_000, value: true },
          { ts: minute + 3_000, value: 22 },
        ],
        truncated: false,
      },
      { device: "d2", metric: "temp", points: [{ ts: minute + 60_000, value: "eco" }], truncated: false },
    ]);
    const limited = await backend.series(query({ from: minute, to: minute + 120_000, limit: 2 }));
    expect(limited.series[0]).toMatchObject({ points: [{ ts: minute + 1_000 }, { ts: minute + 2_000 }], truncated: true });
    const failing = analyticsEngineBackend({ accountId: ACCOUNT, apiToken: "t", tenant: "acme", fetch: (async () => new Response("no", { status: 500 })) as unknown as typeof globalThis.fetch });
    await expect(failing.series(query())).rejects.toThrow(/500/);
    const garbled = analyticsEngineBackend({
      accountId: ACCOUNT,
      apiToken: "t",
      tenant: "acme",
      fetch: (async () => Response.json({ data: [{ device: "d1", metric: "temp", minute, readings: "{" }] })) as unknown as typeof globalThis.fetch,
    });
    await expect(garbled.series(query())).rejects.toThrow(AeQueryFailed);
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
