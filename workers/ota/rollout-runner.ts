/**
 * What the FirmwareRollout Workflow does at each step, against the registry and the tenant's
 * hub: a tick (time out late updates, stop on a failure rate past the threshold, notify the next
 * devices within the concurrency and rate allowed), the health gate after a wave's soak, moving
 * to the next wave, finishing. Every function is safe to run again after a crash: the registry's
 * conditional updates decide, and a notice published twice is the same retained message.
 */
import { issueDownloadToken } from "../../domain/auth/tokens";
import { openRegistry } from "../../domain/data/db";
import { platformData } from "../../domain/data/platform";
import type { AuditEvent } from "../../domain/data/repos/audit";
import { forTenant, type TenantData } from "../../domain/data/tenant-scope";
import { judgeWave, type MetricSample } from "../../domain/ota/gate";
import { exponentialRate, RolloutStrategy } from "../../domain/ota/rollout";
import type { Tenant } from "../../domain/schemas/identity";
import type { GateRecord, OtaNotice, PausedReason, RolloutEvent, RolloutWebhookEvent } from "../../domain/schemas/rollouts";
import { hubFor } from "../control-plane/residency";
import { telemetryStore } from "../telemetry/store-client";

export type RolloutContext = { env: Env; tenant: Tenant; rolloutId: string; data: TenantData };
/** Who did something to a rollout, as the audit log names actors; the gate acts as the system. */
export type RolloutActor = { actorType: AuditEvent["actorType"]; actorId: string };
const gateActor = (rolloutId: string): RolloutActor => ({ actorType: "system", actorId: `rollout:${rolloutId}` });

export type TickResult = { status: "running" | "paused" | "canceled" | "completed"; waveDone: boolean; notified: number; timedOut: number };

/** Notices published per hub call. */
const NOTIFY_BATCH = 500;
/** Devices per cohort whose latest value of the gate's metric is compared. */
const METRIC_SAMPLE = 500;
/** Active alarms read for the gate's alarmed share (pages of 200). */
const MAX_ALARM_PAGES = 25;

export async function rolloutContext(env: Env, tenantId: string, rolloutId: string): Promise<RolloutContext> {
  const db = openRegistry(env.REGISTRY);
  return { env, tenant: await platformData(db).tenants.get(tenantId), rolloutId, data: forTenant(db, tenantId) };
}

/** How often a running rollout looks at its devices: a tenth of the update timeout, 1 s to 1 min. */
export function tickIntervalMs(strategy: RolloutStrategy): number {
  return Math.min(60_000, Math.max(1_000, Math.round((strategy.updateTimeoutMinutes * 60_000) / 10)));
}

export async function publishRolloutEvent(ctx: RolloutContext): Promise<void> {
  const row = await ctx.data.rollouts.row(ctx.rolloutId);
  const event: RolloutEvent = { rolloutId: row.id, status: row.status, wave: row.wave, waves: row.waves, counts: await ctx.data.rollouts.counts(row.id), pausedReason: (row.pausedReason as PausedReason | null) ?? null, at: Date.now() };
  await hubFor(ctx.env, ctx.tenant).ota(ctx.tenant.id, { op: "event", event });
}

/** Pauses a running rollout with its reason, audits and announces it; false when it was not running. */
export async function pauseRollout(ctx: RolloutContext, reason: PausedReason, actor: RolloutActor = gateActor(ctx.rolloutId)): Promise<boolean> {
  const paused = await ctx.data.rollouts.transition(ctx.rolloutId, ["running"], "paused", { pausedReason: reason, now: reason.at });
  if (!paused) return false;
  await ctx.data.audit.record({ ...actor, action: "rollout.paused", targetType: "rollout", targetId: ctx.rolloutId, outcome: "success", details: { message: reason.message, ...(reason.gate ? { findings: reason.gate.findings } : {}) } });
  await publishRolloutEvent(ctx);
  // A rollout that paused itself wants a person: the tenant's webhook targets hear of it.
  if (reason.by === "gate") {
    const p = paused;
    await ctx.env.ALARM_EVENTS.send({
      id: `rollout-${p.id}-${reason.at}`,
      type: "rollout_paused",
      tenant: ctx.tenant.id,
      at: reason.at,
      rollout: { id: p.id, firmwareId: p.firmwareId, version: p.version, status: "paused", wave: p.wave, waves: p.waves, pausedReason: reason },
    } satisfies RolloutWebhookEvent);
  }
  return true;
}

async function withdraw(ctx: RolloutContext, deviceIds: string[]): Promise<void> {
  if (deviceIds.length > 0) await hubFor(ctx.env, ctx.tenant).ota(ctx.tenant.id, { op: "withdraw", rolloutId: ctx.rolloutId, deviceIds });
}

export async function cancelRollout(ctx: RolloutContext, actor: RolloutActor): Promise<boolean> {
  const canceled = await ctx.data.rollouts.transition(ctx.rolloutId, ["running", "paused"], "canceled");
  if (!canceled) return false;
  await withdraw(ctx, await ctx.data.rolloutExecutions.cancelRemaining(ctx.rolloutId));
  await ctx.data.audit.record({ ...actor, action: "rollout.canceled", targetType: "rollout", targetId: ctx.rolloutId, outcome: "success" });
  await publishRolloutEvent(ctx);
  return true;
}

async function failureRateGate(ctx: RolloutContext, strategy: RolloutStrategy, wave: number): Promise<GateRecord | null> {
  const all = await ctx.data.rolloutExecutions.outcomes(ctx.rolloutId);
  // Failures a person acknowledged when resuming are not counted again.
  const seen = (await ctx.data.rollouts.row(ctx.rolloutId)).acknowledged ?? { executed: 0, failed: 0 };
  const outcomes = { executed: all.executed - seen.executed, failed: all.failed - seen.failed };
  const none = { devices: 0, offline: 0, degraded: 0, alarmed: 0 };
  const decision = judgeWave(none, none, outcomes, strategy.gate);
  const finding = decision.findings.find((f) => f.measure === "failure_rate");
  if (!finding) return null;
  return { wave, at: Date.now(), verdict: "pause", findings: [finding], insufficient: [], updated: none, control: none, outcomes };
}

async function notify(ctx: RolloutContext, strategy: RolloutStrategy, wave: number, intervalMs: number): Promise<number> {
  const ex = ctx.data.rolloutExecutions;
  let slots = strategy.maxConcurrent - (await ex.inFlight(ctx.rolloutId));
  if (strategy.kind === "exponential") {
    const succeeded = (await ctx.data.rollouts.counts(ctx.rolloutId)).succeeded;
    slots = Math.min(slots, Math.ceil((exponentialRate(strategy, succeeded) * intervalMs) / 60_000));
  }
  const due = await ex.dueForNotice(ctx.rolloutId, wave, strategy.retries, slots);
  if (due.length === 0) return 0;
  const row = await ctx.data.rollouts.row(ctx.rolloutId);
  const fw = await ctx.data.firmware.get(row.firmwareId);
  const ttlSeconds = Math.ceil(strategy.updateTimeoutMinutes * 60) + 600;
  const deadlineAt = Date.now() + Math.round(strategy.updateTimeoutMinutes * 60_000);
  let notified = 0;
  for (let i = 0; i < due.length; i += NOTIFY_BATCH) {
    const batch = due.slice(i, i + NOTIFY_BATCH);
    const notices: { deviceId: string; notice: OtaNotice }[] = [];
    for (const d of batch) {
      const { token, expiresAt } = await issueDownloadToken(ctx.env.JWT_SIGNING_KEY, { tid: ctx.tenant.id, sub: d.deviceId, fw: fw.id, sha256: fw.sha256! }, ttlSeconds);
      notices.push({ deviceId: d.deviceId, notice: { rolloutId: ctx.rolloutId, attempt: d.attempt + 1, version: fw.version, url: `/api/v1/ota/download/${token}`, sha256: fw.sha256!, size: fw.size!, signature: fw.signature, expiresAt } });
    }
    // Published first, recorded second: a crash in between publishes the same notice again.
    await hubFor(ctx.env, ctx.tenant).ota(ctx.tenant.id, { op: "notify", notices });
    notified += (await ex.markNotified(ctx.rolloutId, batch, deadlineAt)).length;
  }
  return notified;
}

/** One look at a running rollout: deadlines, the failure rate, the next notices, and whether the wave is done. */
export async function tick(ctx: RolloutContext, wave: number): Promise<TickResult> {
  const row = await ctx.data.rollouts.row(ctx.rolloutId);
  if (row.status !== "running") return { status: row.status, waveDone: false, notified: 0, timedOut: 0 };
  const strategy = RolloutStrategy.parse(row.strategy);
  await ctx.data.rollouts.touch(ctx.rolloutId);
  await ctx.data.rolloutExecutions.cancelDeleted(ctx.rolloutId);
  const timedOut = await ctx.data.rolloutExecutions.expire(ctx.rolloutId);
  await withdraw(ctx, timedOut);
  const failing = await failureRateGate(ctx, strategy, wave);
  if (failing) {
    await ctx.data.rollouts.recordGate(ctx.rolloutId, failing);
    const f = failing.findings[0]!;
    await pauseRollout(ctx, { at: failing.at, by: "gate", gate: failing, message: `${f.updatedPercent} % of ${failing.outcomes.executed} finished updates failed (threshold ${f.limitPercent} %)` });
    return { status: "paused", waveDone: false, notified: 0, timedOut: timedOut.length };
  }
  const notified = await notify(ctx, strategy, wave, tickIntervalMs(strategy));
  const waveDone = (await ctx.data.rolloutExecutions.unfinishedUpTo(ctx.rolloutId, wave)) === 0;
  if (notified > 0 || timedOut.length > 0 || waveDone) await publishRolloutEvent(ctx);
  return { status: "running", waveDone, notified, timedOut: timedOut.length };
}

async function alarmedDevices(ctx: RolloutContext): Promise<string[]> {
  const store = telemetryStore(ctx.env, ctx.tenant);
  const devices = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_ALARM_PAGES; page++) {
    const { items, nextCursor } = await store.listAlarms({ status: "active", limit: 200, ...(cursor ? { cursor } : {}) });
    for (const a of items) devices.add(a.deviceId);
    if (!nextCursor) break;
    cursor = nextCursor;
  }
  return [...devices];
}

/** The latest values of the gate's metric for up to 500 devices of each cohort (the hot store answers 100 devices a call). */
async function sampleMetric(ctx: RolloutContext, metric: NonNullable<RolloutStrategy["gate"]["metric"]>): Promise<MetricSample> {
  const store = telemetryStore(ctx.env, ctx.tenant);
  const { updated, control } = await ctx.data.rolloutExecutions.cohortSample(ctx.rolloutId, METRIC_SAMPLE);
  const mean = async (devices: string[]) => {
    const values: number[] = [];
    for (let i = 0; i < devices.length; i += 100) {
      for (const latest of await store.latestMany(devices.slice(i, i + 100), [metric.name])) {
        const v = latest.values[metric.name]?.value;
        if (typeof v === "number" && Number.isFinite(v)) values.push(v);
      }
    }
    return { mean: values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : null, devices: values.length };
  };
  return { ...metric, updated: await mean(updated), control: await mean(control) };
}

/** The health gate after a wave's soak: compares the updated devices with the ones not updated yet. */
export async function judgeGate(ctx: RolloutContext, wave: number): Promise<{ verdict: "continue" | "pause" | "skipped" }> {
  const row = await ctx.data.rollouts.row(ctx.rolloutId);
  if (row.status !== "running") return { verdict: "skipped" };
  const strategy = RolloutStrategy.parse(row.strategy);
  const { updated, control } = await ctx.data.rolloutExecutions.cohorts(ctx.rolloutId, await alarmedDevices(ctx));
  // Reconnects during the soak: the updated devices' own reboot into the new image came before it.
  const soakMs = Math.round(Math.max(strategy.gate.soakMinutes, strategy.kind === "phases" ? (strategy.phases[wave]?.waitMinutes ?? 0) : 0) * 60_000);
  if (soakMs > 0) {
    const ids = await ctx.data.rolloutExecutions.cohortSample(ctx.rolloutId, 20_000);
    const since = Date.now() - soakMs;
    const hub = hubFor(ctx.env, ctx.tenant);
    // The RPC's answer type follows the op, which TypeScript cannot narrow through the stub.
    const reconnected = async (deviceIds: string[]) => ((await hub.health(ctx.tenant.id, { op: "reconnected", deviceIds, since })) as unknown as { devices: number }).devices;
    updated.reconnected = await reconnected(ids.updated);
    control.reconnected = await reconnected(ids.control);
  }
  const outcomes = await ctx.data.rolloutExecutions.outcomes(ctx.rolloutId);
  const decision = judgeWave(updated, control, outcomes, strategy.gate, strategy.gate.metric ? await sampleMetric(ctx, strategy.gate.metric) : undefined);
  const record: GateRecord = { wave, at: Date.now(), ...decision, updated, control, outcomes };
  await ctx.data.rollouts.recordGate(ctx.rolloutId, record);
  if (decision.verdict === "pause") {
    const words = decision.findings.map((f) =>
      f.controlPercent === null ? `${f.measure} ${f.updatedPercent} % (limit ${f.limitPercent} %)` : `${f.measure} ${f.updatedPercent} % updated vs ${f.controlPercent} % not updated (limit ${f.limitPercent} %)`,
    );
    await pauseRollout(ctx, { at: record.at, by: "gate", gate: record, message: `after wave ${wave + 1}: ${words.join("; ")}` });
  }
  return { verdict: decision.verdict };
}

export async function advance(ctx: RolloutContext, wave: number): Promise<void> {
  await ctx.data.rollouts.setWave(ctx.rolloutId, wave);
  await publishRolloutEvent(ctx);
}

export async function complete(ctx: RolloutContext): Promise<boolean> {
  const done = await ctx.data.rollouts.transition(ctx.rolloutId, ["running"], "completed");
  if (!done) return false;
  const counts = await ctx.data.rollouts.counts(ctx.rolloutId);
  await ctx.data.audit.record({ ...gateActor(ctx.rolloutId), action: "rollout.completed", targetType: "rollout", targetId: ctx.rolloutId, outcome: "success", details: { counts } });
  await publishRolloutEvent(ctx);
  return true;
}
