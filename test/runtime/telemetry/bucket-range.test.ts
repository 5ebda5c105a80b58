/**
 * Bucketed aggregates answer for exactly the range they state: whole buckets, `from` moved back
 * to its bucket's start and `to` forward to its bucket's end, and the answer's from/to say so.
 * Every aggregate equals what the raw points inside the stated range give.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { api, createDevice, expectOk, signup, type TenantFixture } from "../helpers";
import { deviceTelemetry, runBatch } from "./helpers";

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
// Three hours back, on the hour: inside the hot store, and the day it falls in is in the past or today.
const T0 = Math.floor((Date.now() - 3 * HOUR) / HOUR) * HOUR;
let t: TenantFixture;
const get = (path: string) => expectOk(api("GET", path, { token: t.ownerToken }));
const rawCount = async (from: number, to: number) => (await get(`/api/v1/telemetry?device=b1&metric=temp&from=${from}&to=${to}&limit=10000`)).series[0]?.points.length ?? 0;

beforeAll(async () => {
  t = await signup();
  await createDevice(t.ownerToken, { id: "b1" });
  // At T0, T0 + 10 min, + 20 min, + 30 min, and one in the next hour.
  await runBatch([
    deviceTelemetry(
      t.tenantId,
      "b1",
      [0, 10, 20, 30, 70].map((m, i) => ({ ts: T0 + m * MINUTE, values: { temp: i + 1 } })),
    ),
  ]);
});

describe("bucketed telemetry ranges", () => {
  it("states the whole buckets it covers when from is not on a bucket's start (the issue's case)", async () => {
    expect(await rawCount(T0 + 1, T0 + HOUR)).toBe(3);
    const counted = await get(`/api/v1/telemetry?device=b1&metric=temp&from=${T0 + 1}&to=${T0 + HOUR}&bucket=1h&agg=count`);
    expect([counted.from, counted.to]).toEqual([T0, T0 + HOUR]);
    expect(counted.series[0].points).toEqual([{ ts: T0, value: 4 }]);
    expect(await rawCount(counted.from, counted.to)).toBe(4);
  });

  it("moves to forward to the end of its bucket, for every width, and each count matches the raw points of the stated range", async () => {
    for (const [bucket, width] of [
      ["1m", MINUTE],
      ["1h", HOUR],
      ["1d", DAY],
    ] as const) {
      const from = T0 + 5 * MINUTE + 1;
      const to = T0 + 25 * MINUTE + 1;
      const answer = await get(`/api/v1/telemetry?device=b1&metric=temp&from=${from}&to=${to}&bucket=${bucket}&agg=count`);
      expect([answer.from, answer.to], bucket).toEqual([Math.floor(from / width) * width, Math.ceil(to / width) * width]);
      const total = answer.series[0].points.reduce((n: number, p: { value: number }) => n + p.value, 0);
      expect(total, bucket).toBe(await rawCount(answer.from, answer.to));
      for (const p of answer.series[0].points) expect(p.ts >= answer.from && p.ts < answer.to, bucket).toBe(true);
    }
  });

  it("answers aligned ranges and raw queries for exactly the range asked", async () => {
    const aligned = await get(`/api/v1/telemetry?device=b1&metric=temp&from=${T0}&to=${T0 + 2 * HOUR}&bucket=1h&agg=sum`);
    expect([aligned.from, aligned.to]).toEqual([T0, T0 + 2 * HOUR]);
    expect(aligned.series[0].points).toEqual([
      { ts: T0, value: 1 + 2 + 3 + 4 },
      { ts: T0 + HOUR, value: 5 },
    ]);
    const raw = await get(`/api/v1/telemetry?device=b1&metric=temp&from=${T0 + 1}&to=${T0 + 25 * MINUTE}`);
    expect([raw.from, raw.to]).toEqual([T0 + 1, T0 + 25 * MINUTE]);
    expect(raw.series[0].points.map((p: { value: number }) => p.value)).toEqual([2, 3]);
  });
});
