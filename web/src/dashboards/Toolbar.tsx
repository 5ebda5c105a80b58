/**
 * The dashboard's own controls: the time range (15 min, 1 h, 24 h, 7 d, or custom from/to) and
 * the device filter that every widget follows, and whether the live feed is connected.
 */
import { useEffect, useId, useState } from "preact/hooks";
import { AbsoluteRange, RELATIVE_RANGES, type DeviceFilter, type TimeRange } from "../../../domain/schemas/dashboards";
import type { Device } from "../../../domain/schemas/devices";
import { useLiveStatus } from "../live";

const RELATIVE_LABELS: Record<keyof typeof RELATIVE_RANGES, string> = { "15m": "Last 15 minutes", "1h": "Last hour", "24h": "Last 24 hours", "7d": "Last 7 days" };

/** `datetime-local` shows local time without a zone; the API wants an instant. */
const toLocalInput = (iso: string) => {
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const fromLocalInput = (value: string) => (value ? new Date(value).toISOString() : "");

export function RangePicker({ value, onChange, idPrefix = "range" }: { value: TimeRange; onChange: (r: TimeRange) => void; idPrefix?: string }) {
  const id = `${idPrefix}-${useId()}`;
  const [custom, setCustom] = useState(!("relative" in value));
  const [from, setFrom] = useState("relative" in value ? "" : toLocalInput(value.from));
  const [to, setTo] = useState("relative" in value ? "" : toLocalInput(value.to));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setCustom(!("relative" in value)), ["relative" in value ? value.relative : "custom"]);

  function apply(e: Event) {
    e.preventDefault();
    if (!from || !to) return setError("Custom range: choose both a start (From) and an end (To).");
    const parsed = AbsoluteRange.safeParse({ from: fromLocalInput(from), to: fromLocalInput(to) });
    if (!parsed.success) return setError(`Custom range: ${parsed.error.issues.map((i) => i.message).join("; ")}.`);
    setError(null);
    onChange(parsed.data);
  }

  return (
    <div class="range-picker">
      <label for={`${id}-select`}>Time range</label>
      <select
        id={`${id}-select`}
        name="range"
        value={"relative" in value && !custom ? value.relative : "custom"}
        onChange={(e) => {
          const v = (e.currentTarget as HTMLSelectElement).value;
          if (v === "custom") {
            const now = Date.now();
            setFrom(toLocalInput(new Date(now - 3_600_000).toISOString()));
            setTo(toLocalInput(new Date(now).toISOString()));
            setCustom(true);
          } else {
            setCustom(false);
            onChange({ relative: v as keyof typeof RELATIVE_RANGES });
          }
        }}
      >
        {Object.entries(RELATIVE_LABELS).map(([k, label]) => (
          <option key={k} value={k}>
            {label}
          </option>
        ))}
        <option value="custom">Custom…</option>
      </select>
      {custom && (
        <span class="custom-range">
          <label for={`${id}-from`}>From</label>
          <input id={`${id}-from`} name="from" type="datetime-local" value={from} onInput={(e) => setFrom((e.currentTarget as HTMLInputElement).value)} />
          <label for={`${id}-to`}>To</label>
          <input id={`${id}-to`} name="to" type="datetime-local" value={to} onInput={(e) => setTo((e.currentTarget as HTMLInputElement).value)} />
          <button type="button" onClick={apply}>
            Apply
          </button>
        </span>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** Devices by id (any number, ticked) and/or a tag. Empty: every device. */
export function DeviceFilterPicker({ value, devices, onChange, idPrefix = "filter" }: { value: DeviceFilter; devices: Device[] | null; onChange: (f: DeviceFilter) => void; idPrefix?: string }) {
  const id = `${idPrefix}-${useId()}`;
  const chosen = new Set(value.deviceIds ?? []);
  const tags = [...new Set((devices ?? []).flatMap((d) => d.tags))].sort();
  const summary = chosen.size === 0 ? "All devices" : chosen.size === 1 ? [...chosen][0] : `${chosen.size} devices`;
  const set = (next: Set<string>, tag = value.tag) => onChange({ ...(next.size ? { deviceIds: [...next] } : {}), ...(tag ? { tag } : {}) });
  return (
    <div class="filter-picker">
      <details class="device-choice">
        <summary id={`${id}-summary`}>
          Devices: <span class="filter-summary">{summary}</span>
        </summary>
        <fieldset aria-labelledby={`${id}-summary`}>
          {devices === null && <p class="muted">Loading…</p>}
          {devices?.length === 0 && <p class="muted">No devices yet.</p>}
          {devices?.map((d) => (
            <label key={d.id} class="check">
              <input
                type="checkbox"
                name="device"
                value={d.id}
                checked={chosen.has(d.id)}
                onChange={(e) => {
                  const next = new Set(chosen);
                  if ((e.currentTarget as HTMLInputElement).checked) next.add(d.id);
                  else next.delete(d.id);
                  set(next);
                }}
              />
              {d.name && d.name !== d.id ? `${d.name} (${d.id})` : d.id}
            </label>
          ))}
          {chosen.size > 0 && (
            <button type="button" class="small" onClick={() => set(new Set())}>
              All devices
            </button>
          )}
        </fieldset>
      </details>
      {tags.length > 0 && (
        <span>
          <label for={`${id}-tag`}>Tag</label>
          <select id={`${id}-tag`} name="tag" value={value.tag ?? ""} onChange={(e) => set(chosen, (e.currentTarget as HTMLSelectElement).value || undefined)}>
            <option value="">any</option>
            {tags.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </span>
      )}
    </div>
  );
}

const STATUS_TEXT = { idle: "not connected", connecting: "connecting…", live: "live", reconnecting: "reconnecting…" } as const;

export function LiveBadge() {
  const status = useLiveStatus();
  return (
    <span class={`live-badge live-${status}`} id="live-status" role="status" aria-live="polite" data-status={status}>
      {STATUS_TEXT[status]}
    </span>
  );
}
