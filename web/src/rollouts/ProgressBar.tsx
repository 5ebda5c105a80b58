/** A rollout's (or one wave's) devices as one bar: succeeded, failed, updating, canceled, pending; the figures in words beside it. */
import type { ExecutionState } from "./api";
import { segmentCounts } from "./words";

export function ProgressBar({ counts, devices, label }: { counts: Partial<Record<ExecutionState, number>>; devices: number; label: string }) {
  const segments = segmentCounts(counts);
  const words = segments
    .filter((s) => s.n > 0)
    .map((s) => `${s.n} ${s.label}`)
    .join(", ");
  return (
    <div class="rollout-progress">
      <div class="bar" role="img" aria-label={`${label}: ${words || "no devices"}`}>
        {segments.map((s) => (s.n > 0 && devices > 0 ? <span key={s.key} class={`seg seg-${s.key}`} data-segment={s.key} style={{ width: `${(s.n / devices) * 100}%` }} /> : null))}
      </div>
      <small class="muted bar-words">{words || "no devices"}</small>
    </div>
  );
}
