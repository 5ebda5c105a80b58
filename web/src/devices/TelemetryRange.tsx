/** The device page's range picker: a preset (last 15 min … 7 d) or a custom range, bucket and aggregate. */
import { useState } from "preact/hooks";
import { AGGREGATES, BUCKETS, type Aggregate, type Bucket } from "../../../domain/telemetry/query";

export const PRESETS = { "15m": 15 * 60_000, "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000 } as const;
export type Preset = keyof typeof PRESETS;
const PRESET_LABELS: Record<Preset, string> = { "15m": "Last 15 minutes", "1h": "Last hour", "24h": "Last 24 hours", "7d": "Last 7 days" };
/** A sensible resolution per preset: raw points for short ranges, buckets for long ones. */
const PRESET_BUCKET: Record<Preset, Bucket> = { "15m": "raw", "1h": "raw", "24h": "1m", "7d": "1h" };

export type RangeChoice = { preset: Preset | "custom"; from: number; to: number; bucket: Bucket; agg: Aggregate };

export function presetRange(preset: Preset, now = Date.now()): RangeChoice {
  return { preset, from: now - PRESETS[preset], to: now, bucket: PRESET_BUCKET[preset], agg: "avg" };
}

/** `datetime-local` speaks local time without a zone; these convert to and from epoch ms. */
const toLocalInput = (ms: number) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};
const fromLocalInput = (s: string) => (s ? new Date(s).getTime() : Number.NaN);

type Props = { value: RangeChoice; onChange: (next: RangeChoice) => void };

export function TelemetryRange({ value, onChange }: Props) {
  const [error, setError] = useState<{ field: "from" | "to"; message: string } | null>(null);
  const custom = value.preset === "custom";

  function applyCustom(form: HTMLFormElement) {
    const data = new FormData(form);
    const from = fromLocalInput(String(data.get("from") ?? ""));
    const to = fromLocalInput(String(data.get("to") ?? ""));
    if (!Number.isFinite(from)) return setError({ field: "from", message: "From: enter a date and time" });
    if (!Number.isFinite(to)) return setError({ field: "to", message: "To: enter a date and time" });
    if (from >= to) return setError({ field: "from", message: "From: must be before To" });
    setError(null);
    onChange({ ...value, preset: "custom", from, to });
  }

  return (
    <form
      id="range-form"
      class="grid-form range-form"
      aria-label="Time range"
      onSubmit={(e) => {
        e.preventDefault();
        applyCustom(e.currentTarget);
      }}
    >
      <div class="field">
        <label for="range-preset">Range</label>
        <select
          id="range-preset"
          name="preset"
          value={value.preset}
          onChange={(e) => {
            const p = (e.currentTarget as HTMLSelectElement).value as Preset | "custom";
            setError(null);
            onChange(p === "custom" ? { ...value, preset: "custom" } : presetRange(p));
          }}
        >
          {(Object.keys(PRESETS) as Preset[]).map((p) => (
            <option key={p} value={p}>
              {PRESET_LABELS[p]}
            </option>
          ))}
          <option value="custom">Custom…</option>
        </select>
      </div>
      {custom && (
        <>
          <div class="field">
            <label for="range-from">From</label>
            <input id="range-from" name="from" type="datetime-local" defaultValue={toLocalInput(value.from)} aria-invalid={error?.field === "from" ? "true" : undefined} aria-describedby={error ? "range-error" : undefined} />
          </div>
          <div class="field">
            <label for="range-to">To</label>
            <input id="range-to" name="to" type="datetime-local" defaultValue={toLocalInput(value.to)} aria-invalid={error?.field === "to" ? "true" : undefined} aria-describedby={error ? "range-error" : undefined} />
          </div>
        </>
      )}
      <div class="field">
        <label for="range-bucket">Bucket</label>
        <select id="range-bucket" value={value.bucket} onChange={(e) => onChange({ ...value, bucket: (e.currentTarget as HTMLSelectElement).value as Bucket })}>
          {BUCKETS.map((b) => (
            <option key={b} value={b}>
              {b === "raw" ? "raw points" : `per ${b}`}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="range-agg">Aggregate</label>
        <select id="range-agg" value={value.agg} disabled={value.bucket === "raw"} onChange={(e) => onChange({ ...value, agg: (e.currentTarget as HTMLSelectElement).value as Aggregate })}>
          {AGGREGATES.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </select>
      </div>
      {custom && (
        <div class="form-actions">
          <button type="submit" id="apply-range">
            Show range
          </button>
        </div>
      )}
      <p class="error" role="alert" id="range-error">
        {error?.message ?? ""}
      </p>
    </form>
  );
}
