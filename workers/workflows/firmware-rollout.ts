/**
 * The FirmwareRollout Workflow (`FIRMWARE_ROLLOUT`): one instance per rollout, durable across
 * deploys and restarts. It ticks through each wave (notices within the concurrency and rate
 * allowed, deadlines, the failure rate), soaks after the wave, asks the health gate, and moves on
 * or waits paused. Between ticks it sleeps the tick interval; paused, it waits for a nudge (the
 * API sends one on resume and cancel) or an hour. The registry row is the truth it re-reads every
 * tick, so a missed nudge only costs time. Step bodies are in ota/rollout-runner.ts.
 */
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep, type WorkflowStepConfig } from "cloudflare:workers";
import { NonRetryableError } from "cloudflare:workflows";
import { z } from "zod";
import { ResourceId, TenantId } from "../../domain/ids";
import { RolloutStrategy } from "../../domain/ota/rollout";
import { advance, complete, judgeGate, rolloutContext, tick, tickIntervalMs } from "../ota/rollout-runner";

export const RolloutParams = z.object({ tenantId: TenantId, rolloutId: ResourceId });
export type RolloutParams = z.infer<typeof RolloutParams>;

/** The event type the API sends to wake an instance early. */
export const ROLLOUT_NUDGE = "nudge";

const STEP: WorkflowStepConfig = { retries: { limit: 10, delay: 1000, backoff: "exponential" }, timeout: "5 minutes" };
/** A paused rollout re-reads its row at least this often even without a nudge. */
const PAUSED_RECHECK_MS = 60 * 60_000;

export class FirmwareRollout extends WorkflowEntrypoint<Env, RolloutParams> {
  override async run(event: WorkflowEvent<RolloutParams>, step: WorkflowStep) {
    const parsed = RolloutParams.safeParse(event.payload);
    if (!parsed.success) throw new NonRetryableError(`invalid rollout params: ${parsed.error.message}`);
    const { tenantId, rolloutId } = parsed.data;
    const ctx = () => rolloutContext(this.env, tenantId, rolloutId);

    const start = await step.do("load", STEP, async () => {
      const row = await (await ctx()).data.rollouts.row(rolloutId);
      return { waves: row.waves, wave: row.wave, strategy: JSON.stringify(row.strategy) };
    });
    const strategy = RolloutStrategy.parse(JSON.parse(start.strategy));
    const interval = tickIntervalMs(strategy);
    let wave = start.wave;
    let judged = -1;
    let n = 0;

    const waitForNudge = async (name: string, ms: number) => {
      try {
        await step.waitForEvent(name, { type: ROLLOUT_NUDGE, timeout: ms });
      } catch {
        // The timeout: time for the next look.
      }
    };

    for (;;) {
      const t = await step.do(`tick ${n}`, STEP, async () => tick(await ctx(), wave));
      n++;
      if (t.status === "canceled" || t.status === "completed") return { status: t.status, wave };
      if (t.status === "paused") {
        await waitForNudge(`paused ${n}`, PAUSED_RECHECK_MS);
        continue;
      }
      if (!t.waveDone) {
        // A plain sleep: pause and cancel take effect in the registry at once (no tick notifies
        // devices of a rollout that is not running), so only a paused rollout needs waking.
        await step.sleep(`wait ${n}`, interval);
        continue;
      }
      // A wave a person resumed after its gate paused it is not judged again.
      if (judged !== wave) {
        const soakMs = Math.round(Math.max(strategy.gate.soakMinutes, strategy.kind === "phases" ? strategy.phases[wave]!.waitMinutes : 0) * 60_000);
        if (soakMs > 0) await step.sleep(`soak wave ${wave}`, soakMs);
        const gate = await step.do(`gate wave ${wave}`, STEP, async () => judgeGate(await ctx(), wave));
        judged = wave;
        if (gate.verdict !== "continue") continue;
      }
      if (wave + 1 >= start.waves) {
        if (await step.do("complete", STEP, async () => complete(await ctx()))) return { status: "completed", wave };
        continue;
      }
      wave++;
      await step.do(`advance to wave ${wave}`, STEP, async () => advance(await ctx(), wave).then(() => wave));
    }
  }
}
