/**
 * A device's telemetry: its latest values, one chart per metric over the chosen range (bucket and
 * aggregate), and the range's raw points as a CSV or NDJSON download. New readings arrive live.
 */
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { DeviceLatest } from "../../../domain/schemas/fleet";
import type { Series } from "../../../domain/telemetry/query";
import { TimeSeriesChart, type ChartSeries } from "../charts/TimeSeriesChart";
import { describe } from "../components/Field";
import { devicesApi, downloadExport } from "./api";
import { showValue, when } from "./format";
import { presetRange, PRESETS, TelemetryRange, type RangeChoice } from "./TelemetryRange";
import { useLiveReadings, type Reading } from "./live-readings";

/** Numbers chart as they are, booleans as 1/0; strings have no place on a value axis. */
const numeric = (v: unknown): number | null => (typeof v === "number" ? v : typeof v === "boolean" ? (v ? 1 : 0) : null);

/**
 * Charts with live readings added. A reading without its own timestamp carries the browser's
 * receive time, a few ms off the time the platform stored, so one within `tolerance` of a point
 * already there is taken to be that point.
 */
function addReadings(charts: ChartSeries[], readings: Reading[], tolerance = 0): ChartSeries[] {
  const next = charts.map((c) => ({ ...c, points: [...c.points] }));
  for (const r of readings) {
    const value = numeric(r.value);
    if (value === null) continue;
    let chart = next.find((c) => c.label === r.metric);
    if (!chart) next.push((chart = { label: r.metric, points: [] }));
    if (!chart.points.some((p) => Math.abs(p.ts - r.ts) <= tolerance)) chart.points.push({ ts: r.ts, value });
  }
  return next;
}

function toChart(s: Series): ChartSeries {
  const points: { ts: number; value: number }[] = [];
  for (const p of s.points) {
    const value = numeric(p.value);
    if (value !== null) points.push({ ts: p.ts, value });
  }
  return { label: s.metric, points };
}

export function DeviceTelemetry({ deviceId }: { deviceId: string }) {
  const [latest, setLatest] = useState<DeviceLatest["values"] | null>(null);
  const [range, setRange] = useState<RangeChoice>(() => presetRange("1h"));
  const [charts, setCharts] = useState<ChartSeries[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [exportNote, setExportNote] = useState("");
  // A preset range slides forward as live readings arrive, without asking the API again.
  const [liveTo, setLiveTo] = useState(0);
  const shownTo = range.preset === "custom" ? range.to : Math.max(range.to, liveTo);
  const shownFrom = range.preset === "custom" ? range.from : shownTo - PRESETS[range.preset];

  useEffect(() => {
    devicesApi.latest(deviceId).then(
      (l) => setLatest(l.values),
      (err: Error) => setError(err),
    );
  }, [deviceId]);

  // Readings that arrive while a history load is in flight may be missing from its answer.
  const inFlight = useRef<Reading[] | null>(null);
  const loadSeries = useCallback(
    async (r: RangeChoice) => {
      inFlight.current = [];
      try {
        const answer = await devicesApi.series({ device: deviceId, from: r.from, to: r.to, bucket: r.bucket, agg: r.agg });
        const loaded = answer.series.map(toChart).filter((c) => c.points.length > 0);
        const missed = r.bucket === "raw" && r.preset !== "custom" ? (inFlight.current ?? []) : [];
        setCharts(addReadings(loaded, missed, 2000));
        setError(null);
      } catch (err) {
        setError(err as Error);
      } finally {
        inFlight.current = null;
      }
    },
    [deviceId],
  );
  useEffect(() => void loadSeries(range), [range.from, range.to, range.bucket, range.agg, loadSeries]);

  // A live reading updates its latest value and, on a raw view of a recent preset, extends its chart.
  const onReadings = useCallback(
    (readings: Reading[]) => {
      setLatest((prev) => {
        const next = { ...(prev ?? {}) };
        for (const r of readings) if (!next[r.metric] || next[r.metric]!.ts <= r.ts) next[r.metric] = { ts: r.ts, value: r.value };
        return next;
      });
      // The window ends just after the newest reading (a chart's range excludes its end).
      setLiveTo(Math.max(Date.now(), ...readings.map((r) => r.ts)) + 1);
      inFlight.current?.push(...readings);
      setCharts((prev) => (!prev || range.bucket !== "raw" || range.preset === "custom" ? prev : addReadings(prev, readings)));
    },
    [range.bucket, range.preset],
  );
  // After a reconnect, what the connection may have missed is read again from the API.
  const rangeRef = useRef(range);
  rangeRef.current = range;
  const onGap = useCallback(() => {
    devicesApi.latest(deviceId).then(
      (l) => setLatest(l.values),
      () => {},
    );
    const r = rangeRef.current;
    void loadSeries(r.preset === "custom" ? r : { ...r, to: Date.now() + 1, from: Date.now() - PRESETS[r.preset] });
  }, [deviceId, loadSeries]);
  const liveState = useLiveReadings(deviceId, onReadings, onGap);

  /** A preset exports up to this moment; a custom range exactly as chosen. */
  const exportRange = () => (range.preset === "custom" ? { from: range.from, to: range.to } : { from: Date.now() - PRESETS[range.preset], to: Date.now() + 1 });

  async function download(format: "csv" | "ndjson") {
    setExportNote("");
    try {
      setExportNote(`Downloaded ${await downloadExport({ device: deviceId, ...exportRange(), format })}.`);
    } catch (err) {
      setError(err as Error);
    }
  }

  const metrics = Object.entries(latest ?? {}).sort(([a], [b]) => a.localeCompare(b));
  return (
    <>
      <section class="device-section" aria-labelledby="latest-title">
        <h2 id="latest-title">Latest values</h2>
        <p class="muted" id="live-state">
          {liveState}
        </p>
        {error && (
          <p class="error" role="alert">
            {describe(error)}
          </p>
        )}
        {latest !== null && metrics.length === 0 && <p class="muted">No readings yet. Connect the device and publish to its telemetry topic.</p>}
        <dl class="latest" id="latest-values">
          {metrics.map(([metric, v]) => (
            <div key={metric} data-metric={metric}>
              <dt>{metric}</dt>
              <dd>
                {showValue(v.value)}
                <span class="ts">{when(v.ts)}</span>
              </dd>
            </div>
          ))}
        </dl>
      </section>
      <section class="device-section" aria-labelledby="charts-title">
        <h2 id="charts-title">History</h2>
        <TelemetryRange value={range} onChange={setRange} />
        <div class="form-actions">
          <button type="button" id="export-csv" onClick={() => void download("csv")}>
            Export CSV
          </button>
          <button type="button" id="export-ndjson" onClick={() => void download("ndjson")}>
            Export NDJSON
          </button>
        </div>
        <p role="status" class="muted">
          {exportNote}
        </p>
        {charts?.length === 0 && <p class="muted">No numeric readings in this range.</p>}
        <div class="charts" id="device-charts">
          {charts?.map((c) => (
            <div class="chart-card" key={c.label}>
              <TimeSeriesChart series={[c]} from={shownFrom} to={shownTo} title={c.label} id={`chart-${c.label.replace(/[^A-Za-z0-9_-]/g, "_")}`} />
            </div>
          ))}
        </div>
      </section>
    </>
  );
}
