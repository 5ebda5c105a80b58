/** Alarm test helpers: rules through the API, readings through the real telemetry consumer and hot store. */
import { api, expectOk, type TenantFixture } from "../helpers";
import { deviceTelemetry, runBatch } from "../telemetry/helpers";

export const createRule = (t: TenantFixture, body: Record<string, unknown>) => expectOk(api("POST", "/api/v1/alarm-rules", { token: t.ownerToken, body }), 201);

export const alarmsOf = async (t: TenantFixture, query = "") => (await expectOk(api("GET", `/api/v1/alarms?limit=200${query}`, { token: t.ownerToken }))).items as Alarm[];

export type Alarm = { id: string; ruleId: string; deviceId: string; status: string; acknowledged: boolean; acknowledgedBy: string | null; clearedBy: string | null; value: unknown; details: Record<string, unknown> };

/** One message per reading, in one batch, with readings 1 s apart ending now. */
export function readingsBatch(t: TenantFixture, device: string, metric: string, values: number[]) {
  const start = Date.now() - values.length * 1000;
  return values.map((v, i) => deviceTelemetry(t.tenantId, device, { ts: start + i * 1000, values: { [metric]: v } }));
}

export async function send(t: TenantFixture, device: string, metric: string, values: number[]) {
  return runBatch(readingsBatch(t, device, metric, values));
}

/** A deterministic noise source (the same series on every run). */
export function noise(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    // Sum of uniforms: roughly normal, mean 0, deviation ≈ 1.
    let sum = 0;
    for (let i = 0; i < 12; i++) {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      sum += s / 2 ** 31;
    }
    return sum - 6;
  };
}

export async function until<T>(check: () => Promise<T | null | undefined | false>, timeoutMs = 10_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
