/**
 * Alarm rule evaluation cost per reading, on the real hot store (npm run bench:alarms).
 *
 * The telemetry benchmark's shape: messages of 20 readings (metrics m0…m19), 100 messages per
 * queue batch, 50 devices of one profile. The same batches go to three stores: without rules,
 * with 20 rules on that profile (above, below, range, equals, changed, anomaly on the 20 metrics,
 * one silence rule among them), and with 20 rules all on the one metric every reading carries
 * (the worst case: each reading is evaluated 20 times). The cost per reading is the difference
 * in ingest time divided by the readings; the ratio says what the rules leave of the store's
 * ingest rate. Timed across the RPC (workerd freezes clocks during synchronous code), several
 * rounds, median reported. Readings hold steady, so no alarm is raised: the figure is the cost
 * of judging every reading, not of notifications (which are rare and leave through the queue).
 *
 *   npm run bench:alarms                 (10 batches per run, 5 rounds)
 *   BATCHES=30 ROUNDS=7 npm run bench:alarms
 */
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import type { AlarmRule } from "../../domain/schemas/alarms";
import type { IngestMessage } from "../../durable-objects/telemetry-store/rpc";

const knobs = env as unknown as { BENCH_BATCHES: string; BENCH_ROUNDS: string };
const BATCHES = Number(knobs.BENCH_BATCHES);
const ROUNDS = Number(knobs.BENCH_ROUNDS);
const DEVICES = 50;
const MESSAGES_PER_BATCH = 100;
const READINGS_PER_MESSAGE = 20;

const CONDITIONS = (metric: string, i: number): AlarmRule["condition"] => {
  switch (i % 7) {
    case 0:
      return { type: "above", metric, value: 1e9 };
    case 1:
      return { type: "below", metric, value: -1e9 };
    case 2:
      return { type: "range", metric, min: -1e9, max: 1e9, when: "outside" };
    case 3:
      return { type: "equals", metric, value: -1 };
    case 4:
      return { type: "changed", metric };
    case 5:
      return { type: "anomaly", metric, zScore: 4, warmup: 100, alpha: 0.05 };
    default:
      return { type: "silence", afterSeconds: 600 };
  }
};

function rules(metricOf: (i: number) => string, profileId = "bench"): AlarmRule[] {
  const now = Date.now();
  return Array.from({ length: 20 }, (_, i) => ({
    id: `r${i}`,
    name: `rule ${i}`,
    scope: { kind: "profile", profileId },
    condition: CONDITIONS(metricOf(i), i),
    severity: "major",
    raiseAfter: 3,
    clearAfter: 3,
    durationSeconds: 0,
    enabled: true,
    createdAt: now,
    updatedAt: now,
  }));
}

let seq = 0;
function batch(): IngestMessage[] {
  const ts = Date.now();
  return Array.from({ length: MESSAGES_PER_BATCH }, (_, m) => {
    const device = `dev-${m % DEVICES}`;
    return {
      msgId: `b-${seq++}`,
      receivedAt: ts,
      outcome: { kind: "points", points: Array.from({ length: READINGS_PER_MESSAGE }, (_, r) => ({ device, metric: `m${r}`, ts: ts + m, seq: r, value: 20, unit: null })) },
    };
  });
}

const devices = Array.from({ length: DEVICES }, (_, i) => ({ id: `dev-${i}`, profileId: "bench", tags: [] }));

async function timeIngest(tenant: string, batches: IngestMessage[][]): Promise<number> {
  const stub = env.TELEMETRY_STORE.getByName(tenant);
  const started = Date.now();
  for (const messages of batches) await stub.ingest(tenant, { retentionDays: 7, messages, devices });
  return Date.now() - started;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

it("measures alarm evaluation per reading", async () => {
  const readings = BATCHES * MESSAGES_PER_BATCH * READINGS_PER_MESSAGE;
  const setups: [string, AlarmRule[]][] = [
    ["no rules", []],
    ["20 rules over the 20 metrics", rules((i) => `m${i}`)],
    ["20 rules on one metric", rules(() => "m0")],
    ["20 rules, none for these devices", rules((i) => `m${i}`, "elsewhere")],
  ];
  const results: Record<string, number[]> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const [label, set] of setups) {
      const tenant = `bench-${round}-${setups.findIndex(([l]) => l === label)}`;
      const stub = env.TELEMETRY_STORE.getByName(tenant);
      await stub.setAlarmRules(tenant, { rules: set, version: Date.now() });
      // Warm the object (schema, rule cache) before timing.
      await timeIngest(tenant, [batch()]);
      const batches = Array.from({ length: BATCHES }, batch);
      (results[label] ??= []).push(await timeIngest(tenant, batches));
    }
  }
  const base = median(results["no rules"]!);
  const onOne = (label: string) => {
    const ms = median(results[label]!);
    return { label, ms, pointsPerSecond: Math.round((readings / ms) * 1000), usPerReading: ((ms - base) * 1000) / readings, ratio: base / ms };
  };
  const rows = setups.map(([label]) => onOne(label));
  console.log(`\nalarm evaluation on the hot store: ${BATCHES} batches × ${MESSAGES_PER_BATCH} messages × ${READINGS_PER_MESSAGE} readings = ${readings} readings per run, median of ${ROUNDS}`);
  for (const r of rows)
    console.log(
      `  ${r.label.padEnd(30)} ${String(r.ms).padStart(6)} ms  ${String(r.pointsPerSecond).padStart(8)} readings/s  ${r.label === "no rules" ? "" : `+${r.usPerReading.toFixed(2)} µs/reading, ${(r.ratio * 100).toFixed(0)} % of the rule-free rate`}`,
    );
  expect(rows.every((r) => r.ms > 0)).toBe(true);
});
