/**
 * The phases of a staged rollout: each row the cumulative share updated once it is done and the
 * soak before the next. Presets fill the common shapes; rows can be added, edited and removed.
 */
import { useId } from "preact/hooks";

export type PhaseDraft = { percent: string; waitMinutes: string };

export const PRESETS: { name: string; label: string; phases: PhaseDraft[] }[] = [
  {
    name: "canary",
    label: "Canary 5 % → 25 % → 100 %",
    phases: [
      { percent: "5", waitMinutes: "30" },
      { percent: "25", waitMinutes: "60" },
      { percent: "100", waitMinutes: "0" },
    ],
  },
  {
    name: "cautious",
    label: "Cautious 1 % → 10 % → 50 % → 100 %",
    phases: [
      { percent: "1", waitMinutes: "60" },
      { percent: "10", waitMinutes: "120" },
      { percent: "50", waitMinutes: "240" },
      { percent: "100", waitMinutes: "0" },
    ],
  },
  {
    name: "halves",
    label: "Halves 50 % → 100 %",
    phases: [
      { percent: "50", waitMinutes: "15" },
      { percent: "100", waitMinutes: "0" },
    ],
  },
  { name: "all", label: "All at once", phases: [{ percent: "100", waitMinutes: "0" }] },
];

export function PhasesEditor({ phases, onChange, error }: { phases: PhaseDraft[]; onChange: (p: PhaseDraft[]) => void; error?: string }) {
  const id = useId();
  const set = (i: number, patch: Partial<PhaseDraft>) => onChange(phases.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  return (
    <fieldset class="phases" id="phases-editor" aria-describedby={error ? `${id}-err` : undefined}>
      <legend>Phases</legend>
      <div class="phase-presets">
        <label for={`${id}-preset`}>Preset</label>
        <select
          id={`${id}-preset`}
          name="preset"
          onChange={(e) => {
            const preset = PRESETS.find((p) => p.name === (e.currentTarget as HTMLSelectElement).value);
            if (preset) onChange(preset.phases.map((p) => ({ ...p })));
          }}
        >
          <option value="">Choose a preset…</option>
          {PRESETS.map((p) => (
            <option key={p.name} value={p.name}>
              {p.label}
            </option>
          ))}
        </select>
      </div>
      <ol class="phase-rows">
        {phases.map((p, i) => (
          <li key={i} class="phase-row" data-phase={i}>
            <label>
              Updated share (%) after phase {i + 1}
              <input type="number" inputMode="decimal" min={0.01} max={100} step="any" value={p.percent} name={`phase-${i}-percent`} onInput={(e) => set(i, { percent: (e.currentTarget as HTMLInputElement).value })} />
            </label>
            <label>
              Soak after it (minutes)
              <input type="number" inputMode="decimal" min={0} step="any" value={p.waitMinutes} name={`phase-${i}-wait`} onInput={(e) => set(i, { waitMinutes: (e.currentTarget as HTMLInputElement).value })} />
            </label>
            <button type="button" class="remove-phase" disabled={phases.length === 1} aria-label={`Remove phase ${i + 1}`} onClick={() => onChange(phases.filter((_, j) => j !== i))}>
              Remove
            </button>
          </li>
        ))}
      </ol>
      <button type="button" id="add-phase" disabled={phases.length >= 20} onClick={() => onChange([...phases, { percent: "100", waitMinutes: "0" }])}>
        Add phase
      </button>
      {error && (
        <small class="field-error" id={`${id}-err`}>
          Phases: {error}
        </small>
      )}
    </fieldset>
  );
}
