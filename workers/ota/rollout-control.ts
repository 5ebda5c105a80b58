/**
 * What people do to rollouts (workers/routes/rollouts.ts): start one, pause, resume, cancel, roll
 * back. Each changes the registry row first (a conditional update decides races with the
 * Workflow), then nudges the rollout's Workflow instance so it notices now rather than at its
 * next tick.
 */
import { AppError } from "../../domain/errors";
import { sortableId } from "../../domain/ids";
import { planRollout } from "../../domain/ota/plan";
import { RolloutStrategy } from "../../domain/ota/rollout";
import { effectiveLimits } from "../../domain/plans";
import type { CreateRollout, PausedReason, RolloutTarget } from "../../domain/schemas/rollouts";
import { ROLLOUT_NUDGE } from "../workflows/firmware-rollout";
import { cancelRollout, pauseRollout, publishRolloutEvent, tickIntervalMs, type RolloutActor, type RolloutContext } from "./rollout-runner";

/** A rollout's Workflow instance: `_` never occurs in a tenant id, so the name is unique. */
export const rolloutInstanceId = (tenantId: string, rolloutId: string) => `${tenantId}_${rolloutId}`;

const list = (ids: string[]) => `${ids.slice(0, 10).join(", ")}${ids.length > 10 ? ` and ${ids.length - 10} more` : ""}`;

/** When this isolate last nudged each rollout: a stalled rollout read often is nudged once a minute. */
const lastNudge = new Map<string, number>();

/**
 * A running rollout whose Workflow has not looked at it for two ticks, its longest soak and half a
 * minute is stalled: locally, wrangler dev keeps Workflow sleeps in memory, so after a restart an
 * instance sleeps until an event reaches it. Reading the rollout wakes it; on Cloudflare, where
 * sleeps are durable, this does not happen.
 */
export function nudgeIfStalled(ctx: RolloutContext, row: { status: string; updatedAt: number; strategy: unknown }, now = Date.now()): Promise<void> | null {
  if (row.status !== "running") return null;
  const parsed = RolloutStrategy.safeParse(row.strategy);
  if (!parsed.success) return null;
  const s = parsed.data;
  const longestSoakMs = Math.max(s.gate.soakMinutes, ...(s.kind === "phases" ? s.phases.map((p) => p.waitMinutes) : [0])) * 60_000;
  if (now - row.updatedAt < 2 * tickIntervalMs(s) + longestSoakMs + 30_000) return null;
  const key = `${ctx.tenant.id}/${ctx.rolloutId}`;
  if (now - (lastNudge.get(key) ?? 0) < 60_000) return null;
  if (lastNudge.size > 1_000) lastNudge.clear();
  lastNudge.set(key, now);
  return nudge(ctx);
}

async function nudge(ctx: RolloutContext): Promise<void> {
  try {
    const instance = await ctx.env.FIRMWARE_ROLLOUT.get(rolloutInstanceId(ctx.tenant.id, ctx.rolloutId));
    await instance.sendEvent({ type: ROLLOUT_NUDGE, payload: {} });
  } catch {
    // A finished instance takes no events; an unfinished one re-reads the row at its next tick anyway.
  }
}

export async function startRollout(ctx: Omit<RolloutContext, "rolloutId">, input: CreateRollout & { kind?: "update" | "rollback"; rollbackOf?: string }, actor: RolloutActor) {
  const createdBy = `${actor.actorType}:${actor.actorId}`;
  const { data, tenant } = ctx;
  const limit = effectiveLimits(tenant.plan, tenant.limits).maxActiveRollouts;
  if ((await data.rollouts.activeCount()) >= limit) throw new AppError("plan_limit_reached", `the plan allows ${limit} running or paused rollouts at once; finish or cancel one first`);
  const fw = await data.firmware.get(input.firmwareId);
  if (fw.status !== "ready") throw new AppError("conflict", fw.status === "deprecated" ? `firmware '${fw.id}' is deprecated and cannot start rollouts` : `firmware '${fw.id}' has no uploaded artifact yet`);

  const id = input.id ?? `ro-${sortableId(Date.now())}`;
  const devices = await data.rollouts.targetDevices(input.target);
  if ("devices" in input.target) {
    const found = new Set(devices.map((d) => d.id));
    const missing = input.target.devices.filter((d) => !found.has(d));
    if (missing.length > 0) throw new AppError("validation_failed", `no such devices in this workspace: ${list(missing)}`, { errors: [{ path: "target.devices", message: `unknown devices: ${list(missing)}` }] });
  }
  const plan = planRollout(id, devices, fw, input.strategy);
  if ("devices" in input.target && plan.unfit.length > 0) throw new AppError("conflict", `firmware '${fw.id}' is not built for ${list(plan.unfit)} (profile, hardware tags or delta base)`);
  if (plan.executions.length === 0) throw new AppError("conflict", `no device of the target needs this update (${devices.length} matched: ${plan.current.length} already run ${fw.version}, ${plan.unfit.length} cannot take it)`);
  const busy = await data.rollouts.busyDevices(plan.executions.map((e) => e.deviceId));
  if (busy.length > 0) throw new AppError("conflict", `devices are still being updated by another rollout: ${busy.map((b) => `${b.deviceId} (${b.rolloutId})`).join(", ")}`);

  await data.rollouts.create({ id, firmwareId: fw.id, version: fw.version, kind: input.kind ?? "update", rollbackOf: input.rollbackOf ?? null, target: input.target, strategy: input.strategy, waves: plan.waves, createdBy }, plan.executions);
  const rollout = { ...ctx, rolloutId: id };
  try {
    await ctx.env.FIRMWARE_ROLLOUT.create({ id: rolloutInstanceId(tenant.id, id), params: { tenantId: tenant.id, rolloutId: id } });
  } catch (err) {
    await cancelRollout(rollout, actor);
    throw new AppError("unavailable", `the rollout could not be started (${(err as Error).message}); it was canceled, nothing was sent to devices`);
  }
  await publishRolloutEvent(rollout);
  return { rollout: await data.rollouts.get(id), skipped: { unfit: plan.unfit, current: plan.current } };
}

export async function pauseByPerson(ctx: RolloutContext, actor: RolloutActor): Promise<void> {
  const by = `${actor.actorType}:${actor.actorId}`;
  const reason: PausedReason = { at: Date.now(), by, message: `paused by ${by}` };
  if (!(await pauseRollout(ctx, reason, actor))) throw new AppError("conflict", `rollout '${ctx.rolloutId}' is ${(await ctx.data.rollouts.row(ctx.rolloutId)).status}, not running`);
  await nudge(ctx);
}

export async function resume(ctx: RolloutContext, actor: RolloutActor, acknowledgeFailures: boolean): Promise<void> {
  const row = await ctx.data.rollouts.row(ctx.rolloutId);
  if (row.status !== "paused") throw new AppError("conflict", `rollout '${ctx.rolloutId}' is ${row.status}, not paused`);
  const reason = row.pausedReason as PausedReason | null;
  if (reason?.by === "gate" && !acknowledgeFailures) throw new AppError("conflict", `the rollout paused itself: ${reason.message}. Look at the figures in pausedReason, then resume with acknowledgeFailures: true (or cancel, or roll back)`);
  const acknowledged = await ctx.data.rolloutExecutions.outcomes(ctx.rolloutId);
  if (!(await ctx.data.rollouts.transition(ctx.rolloutId, ["paused"], "running", { pausedReason: null, ...(acknowledgeFailures ? { acknowledged } : {}) })))
    throw new AppError("conflict", `rollout '${ctx.rolloutId}' changed meanwhile; read it again`);
  await ctx.data.audit.record({ ...actor, action: "rollout.resumed", targetType: "rollout", targetId: ctx.rolloutId, outcome: "success", details: { acknowledgeFailures, acknowledged } });
  await publishRolloutEvent(ctx);
  await nudge(ctx);
}

export async function cancel(ctx: RolloutContext, actor: RolloutActor): Promise<void> {
  if (!(await cancelRollout(ctx, actor))) throw new AppError("conflict", `rollout '${ctx.rolloutId}' is ${(await ctx.data.rollouts.row(ctx.rolloutId)).status}; only running or paused rollouts can be canceled`);
  await nudge(ctx);
}

/**
 * A rollout of the previous version to the devices this one updated. The version is the one most
 * of them had before (or the artifact named); devices that had another version are left out and
 * listed. An unfinished original is canceled first.
 */
export async function rollBack(ctx: RolloutContext, actor: RolloutActor, firmwareId: string | undefined) {
  const original = await ctx.data.rollouts.row(ctx.rolloutId);
  const updated = await ctx.data.rolloutExecutions.updated(ctx.rolloutId);
  if (updated.length === 0) throw new AppError("conflict", `rollout '${ctx.rolloutId}' has updated no device; there is nothing to roll back`);
  const byVersion = new Map<string, string[]>();
  for (const u of updated) if (u.fromVersion !== null) byVersion.set(u.fromVersion, [...(byVersion.get(u.fromVersion) ?? []), u.deviceId]);
  const fw = firmwareId
    ? await ctx.data.firmware.get(firmwareId)
    : await (async () => {
        const common = [...byVersion.entries()].sort((a, b) => b[1].length - a[1].length)[0];
        if (!common) throw new AppError("conflict", "the updated devices reported no version before the update; name the artifact to return to (firmwareId)");
        const found = await ctx.data.firmware.byVersion(common[0]);
        if (!found) throw new AppError("conflict", `no firmware artifact of version ${common[0]} (what ${common[1].length} devices had before); upload it or name another (firmwareId)`);
        return found;
      })();
  const devices = firmwareId ? updated.map((u) => u.deviceId) : (byVersion.get(fw.version) ?? []);
  if (original.status === "running" || original.status === "paused") await cancelRollout(ctx, actor);
  const strategy = RolloutStrategy.parse(original.strategy);
  const target: RolloutTarget = { devices };
  const created = await startRollout(
    ctx,
    {
      firmwareId: fw.id,
      target,
      strategy: {
        kind: "phases",
        phases: [{ percent: 100, waitMinutes: 0 }],
        maxConcurrent: strategy.maxConcurrent,
        updateTimeoutMinutes: strategy.updateTimeoutMinutes,
        retries: strategy.retries,
        gate: { ...strategy.gate, soakMinutes: 0 },
      },
      kind: "rollback",
      rollbackOf: ctx.rolloutId,
    },
    actor,
  );
  const left = updated.filter((u) => !devices.includes(u.deviceId)).map((u) => u.deviceId);
  return { ...created, skipped: { ...created.skipped, unfit: [...created.skipped.unfit, ...left] } };
}
