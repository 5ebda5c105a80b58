/**
 * Rule evaluation in the hot store, fed through the real telemetry consumer: hysteresis,
 * deduplication within a batch and across redeliveries, anomaly detection, scopes and the
 * acknowledge/clear lifecycle.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { api, createDevice, expectOk, signup, type TenantFixture } from "../helpers";
import { runBatch } from "../telemetry/helpers";
import { alarmsOf, createRule, noise, readingsBatch, send } from "./helpers";

let t: TenantFixture;

beforeAll(async () => {
  t = await signup();
  await expectOk(api("POST", "/api/v1/device-profiles", { token: t.ownerToken, body: { id: "boiler" } }), 201);
  for (const id of ["hyst", "dedup", "redo", "spiky", "drifty", "life", "other"]) await createDevice(t.ownerToken, { id, profileId: "boiler" });
  await createDevice(t.ownerToken, { id: "tagged", tags: ["roof"] });
});

describe("threshold rules", () => {
  it("raise after N consecutive breaching readings and clear after M normal ones", async () => {
    const rule = await createRule(t, { name: "hot", scope: { kind: "device", deviceId: "hyst" }, condition: { type: "above", metric: "temp", value: 50 }, raiseAfter: 3, clearAfter: 2, severity: "critical" });
    // Two breaches, a normal reading (the streak restarts), two more breaches: still below 3 in a row.
    await send(t, "hyst", "temp", [60, 61, 40, 62, 63]);
    expect(await alarmsOf(t, "&device=hyst")).toEqual([]);
    await send(t, "hyst", "temp", [64]);
    const [raised] = await alarmsOf(t, "&device=hyst");
    expect(raised).toMatchObject({ ruleId: rule.id, status: "active", severity: "critical", value: 64, acknowledged: false });
    // One normal reading is not enough to clear; a breach in between restarts the count.
    await send(t, "hyst", "temp", [40, 70, 41]);
    expect((await alarmsOf(t, "&device=hyst"))[0]!.status).toBe("active");
    await send(t, "hyst", "temp", [42]);
    const [cleared] = await alarmsOf(t, "&device=hyst");
    expect(cleared).toMatchObject({ id: raised!.id, status: "cleared", clearedBy: "system" });
  });

  it("opens one alarm for 100 identical breaching readings in one batch", async () => {
    await createRule(t, { name: "dedup", scope: { kind: "device", deviceId: "dedup" }, condition: { type: "equals", metric: "state", value: 3 } });
    const ts = Date.now();
    // Same millisecond, same value, 100 messages in one queue batch.
    const batch = readingsBatch(t, "dedup", "state", Array(100).fill(3)).map((e) => ({ ...e, payload: JSON.stringify({ ts, values: { state: 3 } }) }));
    const run = await runBatch(batch);
    expect(run.summary.tenants[t.tenantId]!.stored).toBe(100);
    const alarms = await alarmsOf(t, "&device=dedup");
    expect(alarms).toHaveLength(1);
    expect(alarms[0]!.status).toBe("active");
  });

  it("a redelivered batch opens no alarm twice and does not advance the hysteresis", async () => {
    await createRule(t, { name: "redo", scope: { kind: "device", deviceId: "redo" }, condition: { type: "below", metric: "p", value: 1 }, raiseAfter: 4 });
    const batch = readingsBatch(t, "redo", "p", [0, 0, 0]).map((body, i) => ({ id: `redo-${i}`, body }));
    await runBatch(batch);
    // The same three messages again: the ledger skips them, so the streak stays at 3 (no alarm).
    await runBatch(batch.map((d) => ({ ...d, attempts: 2 })));
    expect(await alarmsOf(t, "&device=redo")).toEqual([]);
    const fourth = readingsBatch(t, "redo", "p", [0]).map((body) => ({ id: "redo-4", body }));
    await runBatch(fourth);
    await runBatch([...batch, ...fourth].map((d) => ({ ...d, attempts: 3 })));
    const alarms = await alarmsOf(t, "&device=redo");
    expect(alarms).toHaveLength(1);
  });

  it("profile and tag scopes pick the devices they name, nothing else", async () => {
    const byProfile = await createRule(t, { name: "profile", scope: { kind: "profile", profileId: "boiler" }, condition: { type: "range", metric: "level", min: 10, max: 20 } });
    const byTag = await createRule(t, { name: "tag", scope: { kind: "tag", tag: "roof" }, condition: { type: "range", metric: "level", min: 10, max: 20 } });
    await send(t, "other", "level", [5]);
    await send(t, "tagged", "level", [25]);
    await send(t, "life", "level", [15]);
    const alarms = await alarmsOf(t, "&status=active");
    expect(alarms.filter((a) => a.ruleId === byProfile.id).map((a) => a.deviceId)).toEqual(["other"]);
    expect(alarms.filter((a) => a.ruleId === byTag.id).map((a) => a.deviceId)).toEqual(["tagged"]);
  });
});

describe("anomaly rules", () => {
  it("raise once on an injected spike after the warm-up and clear after it", async () => {
    const rule = await createRule(t, { name: "spike", scope: { kind: "device", deviceId: "spiky" }, condition: { type: "anomaly", metric: "flow", zScore: 4, warmup: 100 } });
    const n = noise(7);
    const series = Array.from({ length: 300 }, () => 20 + n());
    series[250] = 20 + 30; // ~30 deviations out
    await send(t, "spiky", "flow", series.slice(0, 150));
    await send(t, "spiky", "flow", series.slice(150));
    const alarms = (await alarmsOf(t, "&device=spiky")).filter((a) => a.ruleId === rule.id);
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ status: "cleared", clearedBy: "system", value: 50 });
    expect(Math.abs(alarms[0]!.details.zScore as number)).toBeGreaterThan(4);
  });

  it("raise nothing on a slow drift, nor during the warm-up", async () => {
    const rule = await createRule(t, { name: "drift", scope: { kind: "device", deviceId: "drifty" }, condition: { type: "anomaly", metric: "flow" } });
    const n = noise(11);
    // Wild readings while warming up (judged against nothing), then a drift of 10 deviations over 400 readings.
    const warm = Array.from({ length: 99 }, (_, i) => (i % 2 ? 100 : -100));
    const drift = Array.from({ length: 400 }, (_, i) => 20 + i * 0.025 + n());
    await send(t, "drifty", "flow", warm);
    await send(t, "drifty", "flow", drift);
    expect((await alarmsOf(t, "&device=drifty")).filter((a) => a.ruleId === rule.id)).toEqual([]);
  });
});

describe("lifecycle", () => {
  it("acknowledge records who and when; a hand clear is final and a new breach opens a new alarm", async () => {
    await createRule(t, { name: "life", scope: { kind: "device", deviceId: "life" }, condition: { type: "above", metric: "v", value: 1 }, raiseAfter: 2 });
    await send(t, "life", "v", [5, 5]);
    const [first] = await alarmsOf(t, "&device=life&status=active");
    const acked = await expectOk(api("POST", `/api/v1/alarms/${first!.id}/acknowledge`, { token: t.ownerToken }));
    expect(acked).toMatchObject({ status: "active", acknowledged: true, acknowledgedBy: `user:${t.ownerId}` });
    expect(acked.acknowledgedAt).toBeGreaterThan(0);
    expect((await alarmsOf(t, "&device=life&status=active_ack")).map((a) => a.id)).toEqual([first!.id]);

    const cleared = await expectOk(api("POST", `/api/v1/alarms/${first!.id}/clear`, { token: t.ownerToken }));
    expect(cleared).toMatchObject({ status: "cleared", clearedBy: `user:${t.ownerId}`, acknowledged: true });
    const again = await api("POST", `/api/v1/alarms/${first!.id}/clear`, { token: t.ownerToken });
    expect([again.status, again.body.code]).toEqual([409, "conflict"]);

    // Still breaching: one reading is not enough (the rule starts over), the second opens a new alarm.
    await send(t, "life", "v", [6]);
    expect(await alarmsOf(t, "&device=life&status=active")).toEqual([]);
    await send(t, "life", "v", [7]);
    const active = await alarmsOf(t, "&device=life&status=active");
    expect(active).toHaveLength(1);
    expect(active[0]!.id).not.toBe(first!.id);
    expect((await expectOk(api("GET", `/api/v1/alarms/${first!.id}`, { token: t.ownerToken }))).status).toBe("cleared");

    const counts = await expectOk(api("GET", "/api/v1/alarms/counts", { token: t.ownerToken }));
    expect(counts.active).toBe((await alarmsOf(t, "&status=active")).length);
    expect(counts.unacknowledged).toBe((await alarmsOf(t, "&status=active_unack")).length);
    expect(Object.values(counts.bySeverity as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(counts.active);
  });

  it("an update changes only what it names, and the store evaluates the changed rule at once; a deleted rule stops", async () => {
    await createDevice(t.ownerToken, { id: "edited" });
    const rule = await createRule(t, { name: "edit me", scope: { kind: "device", deviceId: "edited" }, condition: { type: "above", metric: "v", value: 100 }, severity: "minor", raiseAfter: 2 });
    const renamed = await expectOk(api("PATCH", `/api/v1/alarm-rules/${rule.id}`, { token: t.ownerToken, body: { name: "edited" } }));
    expect(renamed).toMatchObject({ name: "edited", severity: "minor", raiseAfter: 2, condition: { type: "above", value: 100 } });
    await send(t, "edited", "v", [50, 50]);
    expect(await alarmsOf(t, "&device=edited")).toEqual([]);
    await expectOk(api("PATCH", `/api/v1/alarm-rules/${rule.id}`, { token: t.ownerToken, body: { condition: { type: "above", metric: "v", value: 10 } } }));
    await send(t, "edited", "v", [50, 50]);
    expect((await alarmsOf(t, "&device=edited")).map((a) => a.status)).toEqual(["active"]);
    await expectOk(api("DELETE", `/api/v1/alarm-rules/${rule.id}`, { token: t.ownerToken }), 204);
    await send(t, "edited", "v", [1, 1, 1]);
    // Nothing evaluates a deleted rule: its alarm stays open until someone clears it.
    expect((await alarmsOf(t, "&device=edited")).map((a) => a.status)).toEqual(["active"]);
    expect((await api("GET", `/api/v1/alarm-rules/${rule.id}`, { token: t.ownerToken })).status).toBe(404);
  });

  it("names the bad field of a rule", async () => {
    const r = await api("POST", "/api/v1/alarm-rules", { token: t.ownerToken, body: { name: "x", scope: { kind: "device", deviceId: "life" }, condition: { type: "range", metric: "v", min: 5, max: 1 } } });
    expect(r.status).toBe(400);
    expect(r.headers.get("content-type")).toContain("application/problem+json");
    expect(JSON.stringify(r.body.errors)).toContain("condition.max");
  });
});
