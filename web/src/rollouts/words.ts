/** Rollouts in words: statuses, device states, targets, strategies and why a rollout paused, with its figures. */
import type { GateRecord, PausedReason, RolloutTarget } from "../../../domain/schemas/rollouts";
import type { ExecutionState, Rollout, RolloutSummary } from "./api";

export const STATE_WORDS: Record<ExecutionState, string> = {
  pending: "pending",
  notified: "notified",
  downloading: "downloading",
  downloaded: "downloaded",
  verified: "verified",
  installing: "installing",
  succeeded: "succeeded",
  failed: "failed",
  timed_out: "timed out",
  rejected: "rejected",
  rolled_back: "rolled back",
  canceled: "canceled",
};

/** The bar's segments: finished well, finished badly, under way, not started. */
export const SEGMENTS = [
  { key: "succeeded", label: "succeeded", states: ["succeeded"] },
  { key: "failed", label: "failed", states: ["failed", "timed_out", "rejected", "rolled_back"] },
  { key: "active", label: "updating", states: ["notified", "downloading", "downloaded", "verified", "installing"] },
  { key: "canceled", label: "canceled", states: ["canceled"] },
  { key: "pending", label: "pending", states: ["pending"] },
] as const satisfies readonly { key: string; label: string; states: readonly ExecutionState[] }[];

export function segmentCounts(counts: Partial<Record<ExecutionState, number>>): { key: string; label: string; n: number }[] {
  return SEGMENTS.map((s) => ({ key: s.key, label: s.label, n: s.states.reduce((sum, st) => sum + (counts[st] ?? 0), 0) }));
}

export function targetWords(t: RolloutTarget): string {
  if ("devices" in t) return t.devices.length <= 3 ? `devices ${t.devices.join(", ")}` : `${t.devices.length} named devices`;
  if ("tags" in t) return `devices tagged ${t.tags.join(" + ")}`;
  if ("profile" in t) return `profile ${t.profile}`;
  return "every device";
}

export function strategyWords(s: Rollout["strategy"]): string {
  if (s.kind === "phases") return `phases ${s.phases.map((p) => `${p.percent} %`).join(" → ")}`;
  return `${s.baseDevicesPerMinute}/min, ×${s.incrementFactor} after every ${s.incrementAfterSuccesses} successes`;
}

export function statusWords(r: RolloutSummary): string {
  if (r.status === "running") return `running wave ${r.wave + 1} of ${r.waves}`;
  return r.status;
}

const MEASURE_WORDS: Record<GateRecord["findings"][number]["measure"], string> = {
  offline_share: "offline",
  degraded_share: "degraded",
  alarmed_share: "with active alarms",
  reconnect_share: "reconnected during the soak",
  failure_rate: "failed updates",
  metric_mean: "metric",
};

const pct = (n: number) => `${Math.round(n * 10) / 10} %`;

/** One finding as a sentence: "failed updates: 66.7 % of updated devices (limit 10 %)". */
export function findingWords(f: GateRecord["findings"][number]): string {
  if (f.measure === "metric_mean" && f.metric) {
    const m = f.metric;
    return `${m.name}: mean ${Math.round(m.updatedMean * 100) / 100} on ${m.updatedDevices} updated devices against ${Math.round(m.controlMean * 100) / 100} on ${m.controlDevices} not updated, ${pct(f.updatedPercent)} worse (limit ${pct(f.limitPercent)})`;
  }
  const control = f.controlPercent === null ? "" : ` against ${pct(f.controlPercent)} of the devices not updated yet`;
  return `${MEASURE_WORDS[f.measure]}: ${pct(f.updatedPercent)} of the updated devices${control} (limit ${pct(f.limitPercent)})`;
}

export function measureWords(m: GateRecord["findings"][number]["measure"]): string {
  return MEASURE_WORDS[m];
}

export { pct };

/** Why a rollout paused, in words, with the figures the gate decided on. */
export function pausedWords(p: PausedReason): string[] {
  const who = p.by === "gate" ? "The rollout paused itself" : `Paused by ${p.by}`;
  const lines = [`${who} at ${new Date(p.at).toLocaleString()}: ${p.message}`];
  if (p.gate) {
    lines.push(...p.gate.findings.map(findingWords));
    lines.push(`${p.gate.outcomes.failed} of ${p.gate.outcomes.executed} finished updates failed after wave ${p.gate.wave + 1}.`);
  }
  return lines;
}

/** The console path of a rollout's page. */
export const rolloutHref = (id: string) => `/rollouts/${encodeURIComponent(id)}`;
