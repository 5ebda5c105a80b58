/**
 * The hot store Durable Object on its own: rollups (min, max, sum, count, last) at 1m, 1h and
 * 1d, out-of-order and backlog points, latest values, export pages, the live tail, the bounded
 * rejected log, retention pruning by alarm, and the tenant binding.
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { IngestMessage, StoredPoint } from "../../../durable-objects/telemetry-store/rpc";
import { unique } from "../helpers";
import { store } from "./helpers";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let n = 0;
const message = (points: Omit<StoredPoint, "seq" | "unit">[], receivedAt = Date.now()): IngestMessage => ({
  msgId: `m-${Date.now()}-${n++}`,
  receivedAt,
  outcome: { kind: "points", points: points.map((p, seq) => ({ ...p, seq, unit: null })) },
});
const series = async (tenant: string, bucket: "raw" | "1m" | "1h" | "1d", agg: "avg" | "min" | "max" | "sum" | "count" | "last", from: number, to: number, metric = "temp") =>
  (await store(tenant).series({ devices: ["d1"], metrics: [metric], from, to, bucket, agg, limit: 1000 })).series[0]!.points;

describe("hot store", () => {
  it("rolls points up per minute, hour and day, whatever order they arrive in", async () => {
    const tenant = unique("hs");
    const day = Math.floor((Date.now() - 3 * DAY) / DAY) * DAY;
    const at = (h: number, m: number, s = 0) => day + h * HOUR + m * 60_000 + s * 1000;
    // Out of order on purpose: `last` must follow the reading time, not the arrival.
    const values: [number, number][] = [
      [at(10, 0, 30), 5],
      [at(10, 0, 10), 1],
      [at(10, 0, 50), 3],
      [at(10, 1, 0), 10],
      [at(11, 30), 20],
      [at(11, 5), -4],
    ];
    await store(tenant).ingest({ retentionDays: 7, messages: [message(values.slice(0, 3).map(([ts, value]) => ({ device: "d1", metric: "temp", ts, value })))] });
    await store(tenant).ingest({ retentionDays: 7, messages: [message(values.slice(3).map(([ts, value]) => ({ device: "d1", metric: "temp", ts, value })))] });

    const range = [day, day + DAY] as const;
    expect(await series(tenant, "1m", "count", ...range)).toEqual([
      { ts: at(10, 0), value: 3 },
      { ts: at(10, 1), value: 1 },
      { ts: at(11, 5), value: 1 },
      { ts: at(11, 30), value: 1 },
    ]);
    expect((await series(tenant, "1m", "last", ...range))[0]).toEqual({ ts: at(10, 0), value: 3 });
    expect((await series(tenant, "1m", "avg", ...range))[0]).toEqual({ ts: at(10, 0), value: 3 });
    expect(await series(tenant, "1h", "min", ...range)).toEqual([
      { ts: at(10, 0), value: 1 },
      { ts: at(11, 0), value: -4 },
    ]);
    expect(await series(tenant, "1h", "max", ...range)).toEqual([
      { ts: at(10, 0), value: 10 },
      { ts: at(11, 0), value: 20 },
    ]);
    expect(await series(tenant, "1h", "last", ...range)).toEqual([
      { ts: at(10, 0), value: 10 },
      { ts: at(11, 0), value: 20 },
    ]);
    expect(await series(tenant, "1d", "sum", ...range)).toEqual([{ ts: day, value: 35 }]);
    expect(await series(tenant, "1d", "count", ...range)).toEqual([{ ts: day, value: 6 }]);
    expect(await series(tenant, "1d", "last", ...range)).toEqual([{ ts: day, value: 20 }]);
    expect((await series(tenant, "raw", "avg", ...range)).map((p) => p.value)).toEqual([1, 5, 3, 10, -4, 20]);
  });

  it("refuses a message that repeats a seq, storing nothing of its call", async () => {
    const tenant = unique("hs");
    const ts = Date.now() - 60_000;
    const ok = message([{ device: "d1", metric: "temp", ts, value: 1 }]);
    const bad: IngestMessage = { msgId: `bad-${n++}`, receivedAt: ts, outcome: { kind: "points", points: [0, 0].map((seq) => ({ device: "d1", metric: "temp", ts, value: 2, seq, unit: null })) } };
    // Settled into a plain promise first: `expect(...).rejects` probes the RPC promise's
    // properties, and each probe of a rejected RPC promise is one more rejection, unhandled.
    const failure = await store(tenant)
      .ingest({ retentionDays: 7, messages: [ok, bad] })
      .then(
        () => null,
        (e: Error) => e.message,
      );
    expect(failure).toMatch(/UNIQUE constraint failed: points.msg_id, points.seq/);
    // One transaction: the good message before it was rolled back too, and can be stored later.
    expect(await series(tenant, "raw", "avg", ts - 1, ts + 1)).toEqual([]);
    expect((await store(tenant).ingest({ retentionDays: 7, messages: [ok] })).inserted).toBe(1);
    expect(await series(tenant, "1m", "count", ts - 60_000, ts + 60_000)).toEqual([{ ts: Math.floor(ts / 60_000) * 60_000, value: 1 }]);
  });

  it("keeps strings and booleans raw; booleans roll up as 1/0, strings do not", async () => {
    const tenant = unique("hs");
    const hour = Math.floor((Date.now() - 2 * HOUR) / HOUR) * HOUR;
    await store(tenant).ingest({
      retentionDays: 7,
      messages: [
        message([
          { device: "d1", metric: "door", ts: hour + 1000, value: true },
          { device: "d1", metric: "door", ts: hour + 2000, value: false },
          { device: "d1", metric: "mode", ts: hour + 3000, value: "eco" },
        ]),
      ],
    });
    expect(await series(tenant, "raw", "avg", hour, hour + HOUR, "door")).toEqual([
      { ts: hour + 1000, value: true },
      { ts: hour + 2000, value: false },
    ]);
    expect(await series(tenant, "1h", "sum", hour, hour + HOUR, "door")).toEqual([{ ts: hour, value: 1 }]);
    expect(await series(tenant, "1h", "count", hour, hour + HOUR, "mode")).toEqual([]);
    expect(await series(tenant, "raw", "avg", hour, hour + HOUR, "mode")).toEqual([{ ts: hour + 3000, value: "eco" }]);
    const latest = await store(tenant).latest("d1", []);
    expect(latest.values).toEqual({ door: { ts: hour + 2000, value: false }, mode: { ts: hour + 3000, value: "eco" } });
    expect(Object.keys((await store(tenant).latest("d1", ["mode"])).values)).toEqual(["mode"]);
  });

  it("pages exports in time order and tails new points by insertion", async () => {
    const tenant = unique("hs");
    const now = Date.now();
    const start = await store(tenant).tail({ devices: ["d1"], metrics: [], afterId: null, limit: 10 });
    await store(tenant).ingest({ retentionDays: 7, messages: [message(Array.from({ length: 5 }, (_, i) => ({ device: "d1", metric: "temp", ts: now - i * 1000, value: i })))] });
    await store(tenant).ingest({ retentionDays: 7, messages: [message([{ device: "d2", metric: "temp", ts: now, value: 99 }])] });
    const first = await store(tenant).exportPage({ device: "d1", metric: "temp", from: 0, to: now + 1, after: null, limit: 3 });
    expect(first.rows.map((r) => r.value)).toEqual([4, 3, 2]);
    const second = await store(tenant).exportPage({ device: "d1", metric: "temp", from: 0, to: now + 1, after: first.next, limit: 3 });
    expect(second.rows.map((r) => r.value)).toEqual([1, 0]);
    expect(second.next).toBeNull();
    const tail = await store(tenant).tail({ devices: ["d1"], metrics: ["temp"], afterId: start.lastId, limit: 100 });
    expect(tail.rows.map((r) => r.value)).toEqual([0, 1, 2, 3, 4]);
    const none = await store(tenant).tail({ devices: ["d1"], metrics: [], afterId: tail.lastId, limit: 100 });
    expect(none.rows).toEqual([]);
  });

  it("prunes raw points and minute rollups past retention by alarm, keeping hourly rollups", async () => {
    const tenant = unique("hs");
    const now = Date.now();
    const old = now - 10 * DAY;
    await store(tenant).ingest({
      retentionDays: 7,
      messages: [
        message(
          [
            { device: "d1", metric: "temp", ts: old, value: 1 },
            { device: "d1", metric: "temp", ts: now - 1000, value: 2 },
          ],
          old,
        ),
      ],
    });
    expect(await series(tenant, "raw", "avg", old - 1, now)).toHaveLength(2);
    const stub = env.TELEMETRY_STORE.getByName(tenant);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect((await series(tenant, "raw", "avg", old - 1, now)).map((p) => p.value)).toEqual([2]);
    expect(await series(tenant, "1m", "count", old - DAY, old + DAY)).toEqual([]);
    expect(await series(tenant, "1h", "count", old - DAY, old + DAY)).toEqual([{ ts: Math.floor(old / HOUR) * HOUR, value: 1 }]);
    // The alarm re-arms itself.
    expect(await runDurableObjectAlarm(stub)).toBe(true);
  });

  it("keeps the rejected log bounded and newest first", async () => {
    const tenant = unique("hs");
    const messages: IngestMessage[] = Array.from({ length: 1010 }, (_, i) => ({
      msgId: `r-${i}`,
      receivedAt: Date.now(),
      outcome: { kind: "rejected", reason: i % 2 ? "out_of_range" : "invalid_json", detail: `#${i}`, device: "d1", topic: "t/x/devices/d1/telemetry", payloadExcerpt: "{" },
    }));
    await store(tenant).ingest({ retentionDays: 7, messages: messages.slice(0, 600) });
    await store(tenant).ingest({ retentionDays: 7, messages: messages.slice(600) });
    const page1 = await store(tenant).rejected({ limit: 200 });
    expect(page1.items[0]!.msgId).toBe("r-1009");
    let total = page1.items.length;
    let cursor = page1.nextCursor;
    while (cursor) {
      const next = await store(tenant).rejected({ limit: 200, cursor });
      total += next.items.length;
      cursor = next.nextCursor;
    }
    expect(total).toBe(1000);
    const onlyJson = await store(tenant).rejected({ limit: 5, reason: "invalid_json" });
    expect(onlyJson.items.every((r) => r.reason === "invalid_json")).toBe(true);
  });

  it("counts what it holds and purges all of it for offboarding", async () => {
    const tenant = unique("hs");
    await store(tenant).ingest({ retentionDays: 7, messages: [message([{ device: "d1", metric: "temp", ts: Date.now(), value: 1 }])] });
    expect(await store(tenant).counts()).toMatchObject({ points: 1, rollup_1m: 1, rollup_1h: 1, latest: 1, ledger: 1, rejected: 0 });
    await store(tenant).purge();
    expect(Object.values(await store(tenant).counts()).every((n) => n === 0)).toBe(true);
    expect(await runDurableObjectAlarm(env.TELEMETRY_STORE.getByName(tenant))).toBe(false);
  });

  it("refuses a call naming another tenant than the one it holds", async () => {
    const tenant = unique("hs");
    await store(tenant).ingest({ retentionDays: 7, messages: [message([{ device: "d1", metric: "temp", ts: Date.now(), value: 1 }])] });
    const stub = env.TELEMETRY_STORE.getByName(tenant);
    const failure = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: Error) => e.message,
      );
    expect(await failure(stub.series("someone-else", { devices: ["d1"], metrics: ["temp"], from: 0, to: Date.now() + 1, bucket: "raw", agg: "avg", limit: 10 }))).toMatch(/another tenant/);
    expect(await failure(stub.ingest(tenant, { retentionDays: 7, messages: [{ msgId: "", receivedAt: 0, outcome: { kind: "seen" } }] }))).toMatch(/ZodError/);
  });
});
