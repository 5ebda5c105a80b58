/** A time-series widget: its series over the dashboard's range (or its own), history plus live. */
import { useMemo } from "preact/hooks";
import { resolveBucket, type Widget } from "../../../../domain/schemas/dashboards";
import { TimeSeriesChart, type ChartSeries } from "../../charts/TimeSeriesChart";
import { describe } from "../../components/Field";
import { seriesKey, useSeries } from "../useSeries";
import { deviceAllowed, rangeAt, rangeKey, reachesNow, type WidgetEnv } from "./env";

type Props = { widget: Extract<Widget, { type: "timeseries" }>; env: WidgetEnv; height: number };

export function TimeseriesView({ widget, env, height }: Props) {
  const timeRange = widget.timeRange ?? env.timeRange;
  const { from, to } = rangeAt(timeRange, env.now);
  const bucket = resolveBucket(widget.bucket, to - from);
  const shown = widget.series.filter((s) => deviceAllowed(env, s.deviceId));
  const { data, loading, error } = useSeries({
    series: shown,
    range: () => rangeAt(timeRange, Date.now()),
    rangeKey: rangeKey(timeRange),
    bucket,
    agg: widget.aggregate,
    live: reachesNow(timeRange, env.now),
  });
  const chartSeries = useMemo<ChartSeries[]>(
    () => shown.map((s) => ({ label: s.label ?? `${env.devices?.find((d) => d.id === s.deviceId)?.name ?? s.deviceId} ${s.metric}`, points: data[seriesKey(s.deviceId, s.metric)] ?? [] })),
    [data, shown.map((s) => `${s.deviceId}/${s.metric}/${s.label ?? ""}`).join(","), env.devices],
  );
  const title = widget.title ?? "Time series";
  return (
    <>
      {error && (
        <p class="error" role="alert">
          {describe(error)}
        </p>
      )}
      {shown.length === 0 ? <p class="muted">No series of this chart match the device filter.</p> : <TimeSeriesChart id={`chart-${widget.id}`} series={chartSeries} from={from} to={to} height={height} title={title} showTitle={false} />}
      <p class="widget-foot muted">{loading ? "Loading…" : `${bucket === "raw" ? "raw points" : `${widget.aggregate} per ${bucket}`}`}</p>
    </>
  );
}
