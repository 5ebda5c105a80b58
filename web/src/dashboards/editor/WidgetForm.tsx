/**
 * One widget's settings: title, place and size, and what its type needs. Changes apply to the
 * draft at once (the grid shows them); the schema judges the whole draft before it is saved.
 */
import { AGGREGATES } from "../../../../domain/telemetry/query";
import { TABLE_COLUMNS, type DeviceFilter, type Thresholds, type Widget } from "../../../../domain/schemas/dashboards";
import type { Device } from "../../../../domain/schemas/devices";
import { TYPE_LABELS } from "../Grid";
import { DeviceFilterPicker } from "../Toolbar";
import { NumberRow, SelectRow, TextRow, type Issues } from "./controls";

/** A change to the newest version of this widget (several may arrive before the next render). */
type Change = (w: Widget) => Widget;
type Props = { widget: Widget; index: number; issues: Issues; devices: Device[] | null; onChange: (change: Change) => void };

const BUCKET_OPTIONS = [
  ["auto", "automatic"],
  ["raw", "raw points"],
  ["1m", "1 minute"],
  ["1h", "1 hour"],
  ["1d", "1 day"],
] as const;
const AGG_OPTIONS = AGGREGATES.map((a) => [a, a] as const);
const OWN_RANGE = [
  ["dashboard", "the dashboard's"],
  ["15m", "last 15 minutes"],
  ["1h", "last hour"],
  ["24h", "last 24 hours"],
  ["7d", "last 7 days"],
] as const;
const seriesOf = (w: Widget) => (w.type === "timeseries" ? w.series : []);
const thresholdsOf = (w: Widget) => (w.type === "value" || w.type === "gauge" ? w.thresholds : []);
const COLUMN_LABELS: Record<(typeof TABLE_COLUMNS)[number], string> = { status: "Status", lastSeen: "Last seen" };

export function WidgetForm({ widget, index, issues, devices, onChange }: Props) {
  const at = (field: string) => `widgets.${index}.${field}`;
  const set = (patch: Partial<Widget> | ((w: Widget) => Partial<Widget>)) => onChange((w) => ({ ...w, ...(typeof patch === "function" ? patch(w) : patch) }) as Widget);
  return (
    <fieldset class="widget-form" id={`widget-form-${widget.id}`} data-widget={widget.id}>
      <legend>
        {TYPE_LABELS[widget.type]} <code>{widget.id}</code>
      </legend>
      <div class="grid-form">
        <TextRow label="Title" path={at("title")} name="title" issues={issues} value={widget.title} optional onChange={(title) => set({ title })} />
        <NumberRow label="Column (0–11)" path={at("x")} name="x" issues={issues} value={widget.x} min={0} max={11} onChange={(x) => set({ x })} />
        <NumberRow label="Row" path={at("y")} name="y" issues={issues} value={widget.y} min={0} onChange={(y) => set({ y })} />
        <NumberRow label="Width (columns)" path={at("w")} name="w" issues={issues} value={widget.w} min={1} max={12} onChange={(w) => set({ w })} />
        <NumberRow label="Height (rows)" path={at("h")} name="h" issues={issues} value={widget.h} min={1} onChange={(h) => set({ h })} />
      </div>
      {issues.get(`widgets.${index}`) && (
        <p class="field-error" data-path={`widgets.${index}`}>
          Placement: {issues.get(`widgets.${index}`)}
        </p>
      )}
      <TypeSettings widget={widget} at={at} issues={issues} devices={devices} set={set} />
    </fieldset>
  );
}

type SettingsProps = { widget: Widget; at: (f: string) => string; issues: Issues; devices: Device[] | null; set: (patch: Partial<Widget> | ((w: Widget) => Partial<Widget>)) => void };

function TypeSettings({ widget: w, at, issues, devices, set }: SettingsProps) {
  switch (w.type) {
    case "timeseries":
      return (
        <>
          <fieldset class="series-list">
            <legend>Series</legend>
            {w.series.map((s, i) => {
              const put = (patch: Partial<typeof s>) => set((now) => ({ series: seriesOf(now).map((x, j) => (j === i ? { ...x, ...patch } : x)) }));
              return (
                <div class="grid-form series-row" key={i} data-series-index={i}>
                  <TextRow label={`Series ${i + 1} device`} path={at(`series.${i}.deviceId`)} name="deviceId" issues={issues} value={s.deviceId} list="editor-device-ids" onChange={(deviceId) => put({ deviceId: deviceId ?? "" })} />
                  <TextRow label={`Series ${i + 1} metric`} path={at(`series.${i}.metric`)} name="metric" issues={issues} value={s.metric} list="editor-metrics" onChange={(metric) => put({ metric: metric ?? "" })} />
                  <TextRow label={`Series ${i + 1} label`} path={at(`series.${i}.label`)} name="label" issues={issues} value={s.label} optional onChange={(label) => put({ label })} />
                  <div class="form-actions">
                    <button type="button" class="small" disabled={w.series.length === 1} onClick={() => set((now) => ({ series: seriesOf(now).filter((_, j) => j !== i) }))}>
                      Remove series {i + 1}
                    </button>
                  </div>
                </div>
              );
            })}
            <button type="button" class="small" disabled={w.series.length >= 10} onClick={() => set((now) => ({ series: [...seriesOf(now), { deviceId: seriesOf(now).at(-1)?.deviceId ?? "", metric: "" }] }))}>
              Add series
            </button>
          </fieldset>
          <div class="grid-form">
            <SelectRow label="Bucket" path={at("bucket")} name="bucket" issues={issues} value={w.bucket} options={BUCKET_OPTIONS} onChange={(bucket) => set({ bucket })} />
            <SelectRow label="Aggregate" path={at("aggregate")} name="aggregate" issues={issues} value={w.aggregate} options={AGG_OPTIONS} onChange={(aggregate) => set({ aggregate })} />
            <SelectRow
              label="Time range"
              path={at("timeRange")}
              name="timeRange"
              issues={issues}
              value={!w.timeRange ? "dashboard" : "relative" in w.timeRange ? w.timeRange.relative : "custom"}
              options={w.timeRange && !("relative" in w.timeRange) ? [...OWN_RANGE, ["custom", `${w.timeRange.from} to ${w.timeRange.to} (as imported)`] as const] : OWN_RANGE}
              onChange={(v) => v !== "custom" && set({ timeRange: v === "dashboard" ? undefined : { relative: v } })}
            />
          </div>
        </>
      );
    case "value":
    case "gauge":
      return (
        <>
          <div class="grid-form">
            <TextRow label="Device" path={at("deviceId")} name="deviceId" issues={issues} value={w.deviceId} list="editor-device-ids" onChange={(deviceId) => set({ deviceId: deviceId ?? "" })} />
            <TextRow label="Metric" path={at("metric")} name="metric" issues={issues} value={w.metric} list="editor-metrics" onChange={(metric) => set({ metric: metric ?? "" })} />
            <TextRow label="Unit" path={at("unit")} name="unit" issues={issues} value={w.unit} optional onChange={(unit) => set({ unit })} />
            <NumberRow label="Decimals" path={at("decimals")} name="decimals" issues={issues} value={w.decimals} optional min={0} max={6} onChange={(decimals) => set({ decimals })} />
            {w.type === "gauge" && (
              <>
                <NumberRow label="Minimum" path={at("min")} name="min" issues={issues} value={w.min} step="any" onChange={(min) => set({ min: min ?? Number.NaN })} />
                <NumberRow label="Maximum" path={at("max")} name="max" issues={issues} value={w.max} step="any" onChange={(max) => set({ max: max ?? Number.NaN })} />
              </>
            )}
          </div>
          <ThresholdList thresholds={w.thresholds} at={at} issues={issues} onChange={(change) => set((now) => ({ thresholds: change(thresholdsOf(now)) }))} />
        </>
      );
    case "map":
    case "table":
    case "events":
      return (
        <>
          <OwnFilter filter={w.filter} devices={devices} onChange={(filter) => set({ filter })} />
          {w.type === "table" && (
            <fieldset class="checks">
              <legend>Columns</legend>
              {TABLE_COLUMNS.map((c) => (
                <label class="check" key={c}>
                  <input
                    type="checkbox"
                    name="columns"
                    value={c}
                    checked={w.columns.includes(c)}
                    onChange={(e) => {
                      const on = (e.currentTarget as HTMLInputElement).checked;
                      set((now) => {
                        const cols = now.type === "table" ? now.columns : [];
                        return { columns: on ? TABLE_COLUMNS.filter((x) => x === c || cols.includes(x)) : cols.filter((x) => x !== c) };
                      });
                    }}
                  />
                  {COLUMN_LABELS[c]}
                </label>
              ))}
              <label class="check">
                <input type="checkbox" name="allMetrics" checked={w.metrics === "all"} onChange={(e) => set({ metrics: (e.currentTarget as HTMLInputElement).checked ? "all" : [] })} />
                Every metric the devices report
              </label>
            </fieldset>
          )}
          {w.type === "table" && w.metrics !== "all" && (
            <TextRow
              label="Metrics (comma-separated)"
              path={at("metrics")}
              name="metrics"
              issues={issues}
              value={w.metrics.join(", ")}
              onChange={(v) =>
                set({
                  metrics: (v ?? "")
                    .split(",")
                    .map((m) => m.trim())
                    .filter(Boolean),
                })
              }
            />
          )}
          {w.type === "events" && (
            <div class="grid-form">
              <SelectRow
                label="Source"
                path={at("source")}
                name="source"
                issues={issues}
                value={w.source}
                options={
                  [
                    ["rejected", "rejected messages"],
                    ["events", "device events (live)"],
                  ] as const
                }
                onChange={(source) => set({ source })}
              />
              <NumberRow label="Show at most" path={at("limit")} name="limit" issues={issues} value={w.limit} min={1} max={200} onChange={(limit) => set({ limit: limit ?? Number.NaN })} />
            </div>
          )}
        </>
      );
  }
}

function OwnFilter({ filter, devices, onChange }: { filter: DeviceFilter | undefined; devices: Device[] | null; onChange: (f: DeviceFilter | undefined) => void }) {
  return (
    <fieldset class="checks">
      <legend>Devices</legend>
      <label class="check">
        <input type="checkbox" name="ownFilter" checked={filter !== undefined} onChange={(e) => onChange((e.currentTarget as HTMLInputElement).checked ? {} : undefined)} />
        Choose this widget's own devices (instead of the dashboard's filter)
      </label>
      {filter !== undefined && <DeviceFilterPicker value={filter} devices={devices} onChange={onChange} idPrefix="widget-filter" />}
    </fieldset>
  );
}

function ThresholdList({ thresholds, at, issues, onChange }: { thresholds: Thresholds; at: (f: string) => string; issues: Issues; onChange: (change: (t: Thresholds) => Thresholds) => void }) {
  return (
    <fieldset class="threshold-list">
      <legend>Thresholds (colour from each value upward)</legend>
      {thresholds.map((t, i) => (
        <div class="grid-form" key={i}>
          <NumberRow
            label={`Threshold ${i + 1} from`}
            path={at(`thresholds.${i}.value`)}
            name="thresholdValue"
            issues={issues}
            value={t.value}
            step="any"
            onChange={(value) => onChange((list) => list.map((x, j) => (j === i ? { ...x, value: value ?? Number.NaN } : x)))}
          />
          <TextRow
            label={`Threshold ${i + 1} colour`}
            path={at(`thresholds.${i}.color`)}
            name="thresholdColor"
            issues={issues}
            value={t.color}
            onChange={(color) => onChange((list) => list.map((x, j) => (j === i ? { ...x, color: color ?? "" } : x)))}
          />
          <div class="form-actions">
            <button type="button" class="small" onClick={() => onChange((list) => list.filter((_, j) => j !== i))}>
              Remove threshold {i + 1}
            </button>
          </div>
        </div>
      ))}
      <button type="button" class="small" disabled={thresholds.length >= 10} onClick={() => onChange((list) => [...list, { value: (list.at(-1)?.value ?? 0) + 10, color: "#d0021b" }])}>
        Add threshold
      </button>
    </fieldset>
  );
}
