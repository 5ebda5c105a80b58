/**
 * At-least-once without double counting: redelivered batches, and a consumer that dies in the
 * middle of a batch, lose no point and store none twice (raw points, rollups, usage). The
 * faults are injected into the real hot store client and data layer, not simulated.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { TenantData } from "../../../domain/data/tenant-scope";
import { api, createDevice, expectOk, signup, type TenantFixture } from "../helpers";
import { deviceTelemetry, rawPoints, runBatch, store, testDeps, writtenReadings } from "./helpers";

let t: TenantFixture;

beforeAll(async () => {
  t = await signup();
  await createDevice(t.ownerToken, { id: "meter" });
});

const minuteCounts = async (metric: string, from: number) => {
  const r = await store(t.tenantId).series({ devices: ["meter"], metrics: [metric], from, to: from + 3_600_000, bucket: "1m", agg: "count", limit: 100 });
  return r.series[0]!.points.reduce((n, p) => n + Number(p.value), 0);
};
const usage = () => expectOk(api("GET", "/api/v1/usage", { token: t.ownerToken }));

/** 20 messages of 5 readings each on `metric`, values 0..99, inside one hour starting at `from`. */
function batchOf(metric: string, from: number) {
  return Array.from({ length: 20 }, (_, m) =>
    deviceTelemetry(
      t.tenantId,
      "meter",
      Array.from({ length: 5 }, (_, r) => ({ ts: from + (m * 5 + r) * 1000, values: { [metric]: m * 5 + r } })),
    ),
  ).map((body, i) => ({ id: `${metric}-${i}`, body }));
}

describe("idempotent ingestion", () => {
  it("a redelivered batch adds nothing: no point, rollup count or usage twice", async () => {
    const from = Math.floor((Date.now() - 7_200_000) / 3_600_000) * 3_600_000;
    const deliveries = batchOf("redelivered", from);
    const before = await usage();
    const first = await runBatch(deliveries);
    const again = await runBatch(deliveries.map((d) => ({ ...d, attempts: 2 })));
    expect(first.result.explicitAcks).toHaveLength(20);
    expect(again.result.explicitAcks).toHaveLength(20);
    expect(await rawPoints(t.tenantId, "meter", "redelivered")).toHaveLength(100);
    expect(await minuteCounts("redelivered", from)).toBe(100);
    expect(writtenReadings(first.written)).toHaveLength(100);
    expect(again.written).toHaveLength(0);
    const after = await usage();
    expect(after.dataPointsStored - before.dataPointsStored).toBe(100);
    expect(after.messagesReceived - before.messagesReceived).toBe(20);
  });

  it("the same message twice in one batch counts once", async () => {
    const e = deviceTelemetry(t.tenantId, "meter", { values: { twice: 1 } });
    const before = await usage();
    const run = await runBatch([
      { id: "dup-1", body: e },
      { id: "dup-2", body: e },
    ]);
    expect(run.result.explicitAcks).toEqual(["dup-1", "dup-2"]);
    expect(writtenReadings(run.written)).toHaveLength(1);
    expect(await rawPoints(t.tenantId, "meter", "twice")).toHaveLength(1);
    expect((await usage()).messagesReceived - before.messagesReceived).toBe(1);
  });

  it("a consumer killed mid-batch loses no point and doubles none", async () => {
    const from = Math.floor((Date.now() - 10_800_000) / 3_600_000) * 3_600_000;
    const deliveries = batchOf("killed", from);
    const before = await usage();
    // The hot store takes the batch in chunks of 25 points; the process dies after the second
    // chunk committed, before the rest of the batch and before any export.
    const dying = testDeps({ ingestChunkPoints: 25 });
    const healthy = dying.store;
    let calls = 0;
    dying.store = (tenant) => {
      const real = healthy(tenant);
      return { ...real, ingest: async (input) => (++calls > 2 ? Promise.reject(new Error("killed")) : real.ingest(input)) };
    };
    const crashed = await runBatch(deliveries, dying);
    expect(crashed.result.explicitAcks).toEqual([]);
    expect(crashed.result.retryMessages).toHaveLength(20);
    expect(crashed.written).toEqual([]);
    expect(await rawPoints(t.tenantId, "meter", "killed")).toHaveLength(50);

    const retried = await runBatch(deliveries.map((d) => ({ ...d, attempts: 2 })));
    expect(retried.result.explicitAcks).toHaveLength(20);
    const points = await rawPoints(t.tenantId, "meter", "killed");
    expect(points.map((p) => p.value)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(await minuteCounts("killed", from)).toBe(100);
    // The 50 points stored before the crash were never exported: the retry exports them too.
    expect(
      writtenReadings(retried.written)
        .map((r) => Number(r.value))
        .sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const after = await usage();
    expect(after.dataPointsStored - before.dataPointsStored).toBe(100);
    expect(after.messagesReceived - before.messagesReceived).toBe(20);
  });

  it("a failure after storing (usage write) exports on retry exactly once", async () => {
    const from = Math.floor((Date.now() - 14_400_000) / 3_600_000) * 3_600_000;
    const deliveries = batchOf("late-fail", from);
    const failing = testDeps();
    const realData = failing.data;
    failing.data = (tenant) => {
      const d = realData(tenant);
      return { ...d, usage: { ...d.usage, record: async () => Promise.reject(new Error("D1 unavailable")) } } as TenantData;
    };
    const before = await usage();
    const crashed = await runBatch(deliveries, failing);
    expect(crashed.result.retryMessages).toHaveLength(20);
    expect(crashed.written).toEqual([]);
    const retried = await runBatch(deliveries.map((d) => ({ ...d, attempts: 2 })));
    expect(writtenReadings(retried.written)).toHaveLength(100);
    expect(await rawPoints(t.tenantId, "meter", "late-fail")).toHaveLength(100);
    expect((await usage()).dataPointsStored - before.dataPointsStored).toBe(100);
  });

  it("a crash between exporting and confirming repeats the export: at least once, never lost", async () => {
    const from = Math.floor((Date.now() - 18_000_000) / 3_600_000) * 3_600_000;
    const deliveries = batchOf("unconfirmed", from).slice(0, 2);
    const failing = testDeps();
    const real = failing.store;
    failing.store = (tenant) => ({ ...real(tenant), markExported: async () => Promise.reject(new Error("lost")) });
    const first = await runBatch(deliveries, failing);
    expect(writtenReadings(first.written)).toHaveLength(10);
    const second = await runBatch(deliveries.map((d) => ({ ...d, attempts: 2 })));
    expect(writtenReadings(second.written)).toHaveLength(10);
    // The hot store still holds each point once.
    expect(await rawPoints(t.tenantId, "meter", "unconfirmed")).toHaveLength(10);
    expect(await minuteCounts("unconfirmed", from)).toBe(10);
  });
});
