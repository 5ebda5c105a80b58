/**
 * Firmware rollouts end to end inside workerd: the API, the FirmwareRollout Workflow, the hub's
 * retained notices and simulated devices that download, verify and report over real MQTT.
 */
import { exports } from "cloudflare:workers";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { SIGNATURE_HEADER } from "../../../domain/alarms/signature";
import { api, createDevice, expectOk, signup, type TenantFixture } from "../helpers";
import { SimDevice, type Behaviour } from "./sim-device";

const image = (seed: number) => Uint8Array.from({ length: 50_000 }, (_, i) => (i * seed + 3) % 251);
const sims: SimDevice[] = [];
afterAll(() => sims.forEach((s) => s.stop()));
afterEach(() => vi.restoreAllMocks());

/** A webhook receiver at https://hooks.test: outbound fetches to it are answered 200 here. */
function receiver() {
  const received: { headers: Headers; body: any }[] = [];
  const original = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (!request.url.startsWith("https://hooks.test/")) return original(input, init);
    received.push({ headers: request.headers, body: await request.json() });
    return new Response(null, { status: 200 });
  });
  return received;
}

async function workspace(devices: [string, Behaviour][], tag: string): Promise<{ t: TenantFixture; sims: Map<string, SimDevice> }> {
  const t = await signup();
  for (const [id, version, seed] of [
    ["fw-100", "1.0.0", 7],
    ["fw-110", "1.1.0", 13],
  ] as const) {
    await expectOk(api("POST", "/api/v1/firmware", { token: t.ownerToken, body: { id, title: `image ${version}`, version } }), 201);
    const res = await exports.default.fetch(`http://localhost/api/v1/firmware/${id}/artifact`, { method: "PUT", headers: { authorization: `Bearer ${t.ownerToken}` }, body: image(seed) });
    expect(res.status).toBe(200);
  }
  const out = new Map<string, SimDevice>();
  for (const [id, behaviour] of devices) {
    const secret = (await createDevice(t.ownerToken, { id, tags: [tag], firmwareVersion: "1.0.0" })).credentials.password;
    const sim = new SimDevice(t.tenantId, id, secret, behaviour);
    await sim.start();
    sims.push(sim);
    out.set(id, sim);
  }
  return { t, sims: out };
}

const strategy = (over: Record<string, unknown> = {}, gate: Record<string, unknown> = {}) => ({
  kind: "phases",
  phases: [
    { percent: 50, waitMinutes: 0 },
    { percent: 100, waitMinutes: 0 },
  ],
  maxConcurrent: 100,
  updateTimeoutMinutes: 0.2,
  retries: 0,
  gate: { soakMinutes: 0, marginPercent: 5, abortThresholdPercent: 10, minExecuted: 2, minCohort: 2, ...gate },
  ...over,
});
const start = (t: TenantFixture, body: Record<string, unknown>) => expectOk(api("POST", "/api/v1/rollouts", { token: t.ownerToken, body }), 201);
const rollout = (t: TenantFixture, id: string) => expectOk(api("GET", `/api/v1/rollouts/${id}`, { token: t.ownerToken }));
const executions = async (t: TenantFixture, id: string, q = "") => (await expectOk(api("GET", `/api/v1/rollouts/${id}/devices${q}`, { token: t.ownerToken }))).items as any[];

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(v).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("a staged rollout", { timeout: 120_000 }, () => {
  it("updates every device wave by wave, records the new versions, and rolls back to the old image", async () => {
    const ids = ["a-1", "a-2", "a-3", "a-4", "a-5", "a-6"];
    const { t } = await workspace(
      ids.map((id) => [id, "succeed"]),
      "fleet-a",
    );
    const created = await start(t, { id: "spring", firmwareId: "fw-110", target: { tags: ["fleet-a"] }, strategy: strategy() });
    expect(created.rollout).toMatchObject({ id: "spring", status: "running", version: "1.1.0", kind: "update", waves: 2, devices: 6 });
    expect(created.skipped).toEqual({ unfit: [], current: [] });

    const done = await until(
      () => rollout(t, "spring"),
      (r) => r.status === "completed",
      "completed",
    );
    expect(done.counts.succeeded).toBe(6);
    expect(done.waveCounts.map((w: any) => [w.wave, w.devices, w.counts.succeeded])).toEqual([
      [0, 3, 3],
      [1, 3, 3],
    ]);
    expect(done.gates.map((g: any) => g.verdict)).toEqual(["continue", "continue"]);
    expect(done.gates[0]).toMatchObject({ wave: 0, updated: { devices: 3 }, control: { devices: 3 }, outcomes: { executed: 3, failed: 0 } });
    const one = (await executions(t, "spring", "?state=succeeded")).find((e) => e.deviceId === "a-1");
    expect(one.history.map((h: any) => h.state)).toEqual(["pending", "notified", "downloading", "downloaded", "verified", "installing", "succeeded"]);
    for (const id of ids) expect((await expectOk(api("GET", `/api/v1/devices/${id}`, { token: t.ownerToken }))).firmwareVersion).toBe("1.1.0");
    // The same rollout twice: every device already runs the version.
    const again = await api("POST", "/api/v1/rollouts", { token: t.ownerToken, body: { firmwareId: "fw-110", target: { all: true }, strategy: strategy() } });
    expect([again.status, again.body.detail]).toEqual([409, expect.stringContaining("6 already run 1.1.0")]);

    const back = await expectOk(api("POST", "/api/v1/rollouts/spring/rollback", { token: t.ownerToken, body: {} }), 201);
    expect(back.rollout).toMatchObject({ kind: "rollback", rollbackOf: "spring", version: "1.0.0", firmwareId: "fw-100", devices: 6, waves: 1 });
    await until(
      () => rollout(t, back.rollout.id),
      (r) => r.status === "completed",
      "rollback completed",
    );
    for (const id of ids) expect((await expectOk(api("GET", `/api/v1/devices/${id}`, { token: t.ownerToken }))).firmwareVersion).toBe("1.0.0");
    const audit = await expectOk(api("GET", "/api/v1/audit?action=rollout.completed", { token: t.ownerToken }));
    expect(audit.items.map((a: any) => a.targetId).sort()).toEqual([back.rollout.id, "spring"].sort());
  });

  it("pauses itself before the next wave when updates fail; resuming needs an acknowledgement; cancel ends it", async () => {
    const ids = ["b-1", "b-2", "b-3", "b-4", "b-5", "b-6"];
    const { t } = await workspace(
      ids.map((id) => [id, "fail"]),
      "fleet-b",
    );
    const received = receiver();
    const hook = await expectOk(api("POST", "/api/v1/alarm-webhooks", { token: t.ownerToken, body: { name: "ops", url: "https://hooks.test/rollouts", minSeverity: "major" } }), 201);
    await start(t, { id: "doomed", firmwareId: "fw-110", target: { devices: ids }, strategy: strategy() });
    const paused = await until(
      () => rollout(t, "doomed"),
      (r) => r.status === "paused",
      "paused",
    );
    expect(paused.pausedReason).toMatchObject({ by: "gate", message: expect.stringContaining("finished updates failed") });
    expect(paused.pausedReason.gate.findings[0]).toMatchObject({ measure: "failure_rate", limitPercent: 10 });
    expect(paused.pausedReason.gate.findings[0].updatedPercent).toBeGreaterThan(10);
    // The second wave was never notified.
    expect(paused.waveCounts[1].counts.pending).toBe(3);
    // The tenant's webhook target hears of it, signed, and the delivery log says so.
    await until(
      async () => received.length,
      (n) => n > 0,
      "webhook",
    );
    expect(received[0]!.body).toMatchObject({ type: "rollout_paused", tenant: t.tenantId, rollout: { id: "doomed", status: "paused", pausedReason: { by: "gate" } } });
    expect(received[0]!.headers.get("x-skylark-event")).toBe("rollout_paused");
    expect(received[0]!.headers.get(SIGNATURE_HEADER)).toBeTruthy();
    const deliveries = await until(
      async () => (await expectOk(api("GET", `/api/v1/alarm-webhooks/${hook.target.id}/deliveries`, { token: t.ownerToken }))).items,
      (d: any[]) => d[0]?.status === "delivered",
      "delivery logged",
    );
    expect(deliveries[0]).toMatchObject({ eventType: "rollout_paused", alarmId: "doomed", status: "delivered" });
    const refused = await api("POST", "/api/v1/rollouts/doomed/resume", { token: t.ownerToken, body: {} });
    expect([refused.status, refused.body.detail]).toEqual([409, expect.stringContaining("acknowledgeFailures")]);
    const deleting = await api("DELETE", "/api/v1/firmware/fw-110", { token: t.ownerToken });
    expect([deleting.status, deleting.body.detail]).toEqual([409, expect.stringContaining("doomed")]);

    const canceled = await expectOk(api("POST", "/api/v1/rollouts/doomed/cancel", { token: t.ownerToken }));
    expect(canceled.status).toBe("canceled");
    expect(canceled.counts.pending).toBe(0);
    expect(canceled.counts.canceled).toBe(3);
    expect((await api("POST", "/api/v1/rollouts/doomed/cancel", { token: t.ownerToken })).status).toBe(409);
  });

  it("pauses on the health gate when the updated devices go offline while the others stay online", async () => {
    const ids = ["c-1", "c-2", "c-3", "c-4", "c-5", "c-6"];
    const { t, sims: devices } = await workspace(
      ids.map((id) => [id, "succeed"]),
      "fleet-c",
    );
    await start(t, { id: "sickly", firmwareId: "fw-110", target: { tags: ["fleet-c"] }, strategy: strategy({}, { soakMinutes: 0.1 }) });
    // Each device that reports success drops off the network, as a bad image would make it.
    const succeeded = await until(
      () => executions(t, "sickly", "?state=succeeded"),
      (e) => e.length === 3,
      "first wave",
    );
    for (const e of succeeded) devices.get(e.deviceId)!.stop();
    const paused = await until(
      () => rollout(t, "sickly"),
      (r) => r.status === "paused",
      "paused on health",
    );
    const gate = paused.pausedReason.gate;
    expect(gate.findings).toContainEqual({ measure: "offline_share", updatedPercent: 100, controlPercent: 0, limitPercent: 5 });
    expect(gate).toMatchObject({ updated: { devices: 3, offline: 3 }, control: { devices: 3, offline: 0 }, outcomes: { executed: 3, failed: 0 } });
    expect(paused.waveCounts[1].counts.pending).toBe(3);

    // Acknowledged, it goes on without judging the same wave again.
    await expectOk(api("POST", "/api/v1/rollouts/sickly/resume", { token: t.ownerToken, body: { acknowledgeFailures: true } }));
    await until(
      () => rollout(t, "sickly"),
      (r) => r.wave === 1 && r.counts.succeeded === 6,
      "second wave",
    );
  });

  it("pauses when the updated devices keep reconnecting during the soak while the others stay connected", async () => {
    const ids = ["r-1", "r-2", "r-3", "r-4", "r-5", "r-6"];
    const { t, sims: devices } = await workspace(
      ids.map((id) => [id, "succeed"]),
      "fleet-r",
    );
    await start(t, { id: "loopy", firmwareId: "fw-110", target: { tags: ["fleet-r"] }, strategy: strategy({}, { soakMinutes: 0.15 }) });
    const succeeded = await until(
      () => executions(t, "loopy", "?state=succeeded"),
      (e) => e.length === 3,
      "first wave",
    );
    // Into the soak, the new image reboots: each updated device drops and connects again, and is online at the gate.
    await new Promise((r) => setTimeout(r, 3_000));
    for (const e of succeeded) {
      const d = devices.get(e.deviceId)!;
      d.stop();
      await d.start();
    }
    const paused = await until(
      () => rollout(t, "loopy"),
      (r) => r.status === "paused",
      "paused on reconnects",
    );
    const gate = paused.pausedReason.gate;
    expect(gate.findings).toEqual([{ measure: "reconnect_share", updatedPercent: 100, controlPercent: 0, limitPercent: 5 }]);
    expect(gate).toMatchObject({ updated: { devices: 3, offline: 0, reconnected: 3 }, control: { devices: 3, reconnected: 0 } });
  });

  it("pauses when the updated devices' chosen metric is worse than the others' by more than its margin", async () => {
    const ids = ["m-1", "m-2", "m-3", "m-4", "m-5", "m-6"];
    const { t, sims: devices } = await workspace(
      ids.map((id) => [id, "succeed"]),
      "fleet-m",
    );
    for (const d of devices.values()) d.telemetry({ temp: 50 });
    await start(t, { id: "warm", firmwareId: "fw-110", target: { tags: ["fleet-m"] }, strategy: strategy({}, { soakMinutes: 0.1, metric: { name: "temp", worseWhen: "higher", marginPercent: 10 } }) });
    // The new image runs hot: each updated device reports 70 where the others report 50.
    const succeeded = await until(
      () => executions(t, "warm", "?state=succeeded"),
      (e) => e.length === 3,
      "first wave",
    );
    for (const e of succeeded) devices.get(e.deviceId)!.telemetry({ temp: 70 });
    const paused = await until(
      () => rollout(t, "warm"),
      (r) => r.status === "paused",
      "paused on the metric",
    );
    expect(paused.pausedReason.gate.findings).toEqual([{ measure: "metric_mean", updatedPercent: 40, controlPercent: 0, limitPercent: 10, metric: { name: "temp", updatedMean: 70, controlMean: 50, updatedDevices: 3, controlDevices: 3 } }]);
    expect(paused.pausedReason.message).toContain("metric_mean");
  });

  it("times a silent device out after its retries and never counts an old image as success", async () => {
    const { t } = await workspace(
      [
        ["d-silent", "silent"],
        ["d-old", "boot_old_image"],
        ["d-ok", "succeed"],
      ],
      "fleet-d",
    );
    await start(t, { id: "careful", firmwareId: "fw-110", target: { tags: ["fleet-d"] }, strategy: strategy({ phases: [{ percent: 100, waitMinutes: 0 }], updateTimeoutMinutes: 0.05, retries: 1 }, { minExecuted: 10 }) });
    const done = await until(
      () => rollout(t, "careful"),
      (r) => r.status === "completed",
      "completed",
      60_000,
    );
    expect(done.counts).toMatchObject({ succeeded: 1, timed_out: 1, rolled_back: 1 });
    const byId = Object.fromEntries((await executions(t, "careful")).map((e) => [e.deviceId, e]));
    expect(byId["d-silent"]).toMatchObject({ state: "timed_out", attempt: 2 });
    expect(byId["d-silent"].history.filter((h: any) => h.state === "notified").length).toBe(2);
    expect(byId["d-old"]).toMatchObject({ state: "rolled_back", error: expect.stringContaining("1.0.0") });
    expect((await expectOk(api("GET", "/api/v1/devices/d-old", { token: t.ownerToken }))).firmwareVersion).toBe("1.0.0");
  });
});

describe("an exponential rollout", { timeout: 120_000 }, () => {
  it("notifies at its rate — one device in the first tick at 30 a minute — and speeds up as devices succeed", async () => {
    const ids = ["x-1", "x-2", "x-3", "x-4", "x-5", "x-6"];
    const { t } = await workspace(
      ids.map((id) => [id, "succeed"]),
      "fleet-x",
    );
    const created = await start(t, {
      id: "ramp",
      firmwareId: "fw-110",
      target: { tags: ["fleet-x"] },
      strategy: { kind: "exponential", baseDevicesPerMinute: 30, incrementFactor: 2, incrementAfterSuccesses: 2, updateTimeoutMinutes: 0.2, retries: 0, gate: { soakMinutes: 0, minExecuted: 10 } },
    });
    expect(created.rollout.waves).toBe(1);
    const done = await until(
      () => rollout(t, "ramp"),
      (r) => r.status === "completed",
      "completed",
      60_000,
    );
    expect(done.counts.succeeded).toBe(6);
    // Each tick notifies its batch with one timestamp: the first batch is one device (30/min × a 1.2 s tick).
    const notifiedAt = (await executions(t, "ramp")).map((e) => e.history.find((h: any) => h.state === "notified").at as number);
    const batches = [...new Set(notifiedAt)].sort((a, b) => a - b).map((at) => notifiedAt.filter((x) => x === at).length);
    expect(batches[0]).toBe(1);
    expect(batches.length).toBeGreaterThan(1);
    expect(Math.max(...batches)).toBeGreaterThan(1);
  });
});

describe("starting a rollout", { timeout: 120_000 }, () => {
  it("says exactly what is wrong with a request, and never reaches another workspace's devices", async () => {
    const { t } = await workspace([["e-1", "silent"]], "fleet-e");
    const other = await signup();
    await createDevice(other.ownerToken, { id: "theirs", firmwareVersion: "1.0.0" });
    const bad = await api("POST", "/api/v1/rollouts", { token: t.ownerToken, body: { firmwareId: "fw-110", target: { all: true }, strategy: strategy({ phases: [{ percent: 50, waitMinutes: 0 }] }) } });
    expect([bad.status, JSON.stringify(bad.body.errors)]).toEqual([400, expect.stringContaining("the last phase must reach 100 percent")]);
    const foreign = await api("POST", "/api/v1/rollouts", { token: t.ownerToken, body: { firmwareId: "fw-110", target: { devices: ["e-1", "theirs"] }, strategy: strategy() } });
    expect([foreign.status, foreign.body.detail]).toEqual([400, expect.stringContaining("theirs")]);
    expect((await api("POST", "/api/v1/rollouts", { token: t.ownerToken, body: { firmwareId: "nope", target: { all: true }, strategy: strategy() } })).status).toBe(404);
    await expectOk(api("POST", "/api/v1/firmware/fw-100/deprecate", { token: t.ownerToken }));
    const deprecated = await api("POST", "/api/v1/rollouts", { token: t.ownerToken, body: { firmwareId: "fw-100", target: { all: true }, strategy: strategy() } });
    expect([deprecated.status, deprecated.body.detail]).toEqual([409, expect.stringContaining("deprecated")]);

    await start(t, { id: "mine", firmwareId: "fw-110", target: { all: true }, strategy: strategy({ updateTimeoutMinutes: 0.5 }) });
    const busy = await api("POST", "/api/v1/rollouts", { token: t.ownerToken, body: { firmwareId: "fw-110", target: { devices: ["e-1"] }, strategy: strategy() } });
    expect([busy.status, busy.body.detail]).toEqual([409, expect.stringContaining("e-1 (mine)")]);
    expect((await api("GET", "/api/v1/rollouts/mine", { token: other.ownerToken })).status).toBe(404);
    expect((await api("POST", "/api/v1/rollouts/mine/cancel", { token: other.ownerToken })).status).toBe(404);
    const paused = await expectOk(api("POST", "/api/v1/rollouts/mine/pause", { token: t.ownerToken }));
    expect(paused.pausedReason).toMatchObject({ by: expect.stringMatching(/^user:/) });
    expect((await expectOk(api("POST", "/api/v1/rollouts/mine/resume", { token: t.ownerToken, body: {} }))).status).toBe("running");
    // A device deleted mid-rollout ends as canceled, and the rollout finishes without it.
    await expectOk(api("DELETE", "/api/v1/devices/e-1", { token: t.ownerToken }), 204);
    const gone = await until(
      () => rollout(t, "mine"),
      (r) => r.status === "completed",
      "completed without the deleted device",
    );
    expect(gone.counts.canceled).toBe(1);
    expect((await executions(t, "mine"))[0]).toMatchObject({ deviceId: "e-1", state: "canceled", error: "the device was deleted" });
    const list = await expectOk(api("GET", "/api/v1/rollouts?status=completed", { token: t.ownerToken }));
    expect(list.items.map((r: any) => r.id)).toEqual(["mine"]);
    expect((await api("POST", "/api/v1/rollouts/mine/cancel", { token: t.ownerToken })).status).toBe(409);
  });
});
