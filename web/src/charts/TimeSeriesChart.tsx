/**
 * A time-series chart on uPlot (canvas; built for large series): one line per series over the
 * range `from`–`to` (ms). The plot is made once per set of series (labels, units) and height; new
 * points only go through `setData`, coalesced to one redraw per tick, so a chart with 10 series ×
 * 10 000 points stays responsive while live points stream in. Width follows the container
 * (ResizeObserver); colours follow the console's light/dark custom properties. The canvas is
 * hidden from assistive technology; a visually hidden table says what it shows (count, min, max,
 * latest per series).
 */
import { useEffect, useId, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { alignSeries, appendAligned, summarize, type AlignedColumns, type ChartSeries } from "./align";
import { formatValue } from "./format";
import "./charts.css";

export type { ChartSeries } from "./align";

export type TimeSeriesChartProps = {
  series: ChartSeries[];
  from: number;
  to: number;
  height?: number;
  title: string;
  id?: string;
  /** Shows the title as a visible caption (default); widgets with their own heading turn it off. */
  showTitle?: boolean;
};

/** Distinguishable on both the light and the dark background. */
const PALETTE = ["#2f7ed8", "#e8890c", "#1f9d6b", "#d6453d", "#8e5cd9", "#0e9fb5", "#d94e9a", "#7a9a1e", "#b5651d", "#7f8c99"];

type Theme = { text: string; grid: string };
function readTheme(el: Element): Theme {
  const css = getComputedStyle(el);
  return { text: css.getPropertyValue("--muted").trim() || "#57606a", grid: css.getPropertyValue("--border").trim() || "#d0d7de" };
}

const seriesLabel = (s: ChartSeries) => (s.unit ? `${s.label} (${s.unit})` : s.label);

export function TimeSeriesChart({ series, from, to, height = 240, title, id, showTitle = true }: TimeSeriesChartProps) {
  const hostRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const latest = useRef({ series, from, to });
  latest.current = { series, from, to };
  const pendingTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  // The series last handed to the plot and their aligned columns: a moving range alone needs no
  // new data, and live points are appended to the columns rather than merged again from scratch.
  const drawn = useRef<{ series: ChartSeries[]; columns: AlignedColumns } | null>(null);
  const captionId = `chart-title-${useId()}`;
  // The plot's structure: a change here rebuilds it; anything else is only data.
  const shape = series.map(seriesLabel).join("\u0000");

  useEffect(() => {
    const host = hostRef.current!;
    const theme = { current: readTheme(host) };
    const axis = (): uPlot.Axis => ({ stroke: () => theme.current.text, grid: { stroke: () => theme.current.grid, width: 1 }, ticks: { stroke: () => theme.current.grid, width: 1 } });
    const { series: initial, from: f, to: t } = latest.current;
    const columns = alignSeries(initial);
    const plot = new uPlot(
      {
        width: Math.max(120, host.clientWidth),
        height,
        ms: 1,
        pxAlign: false,
        cursor: { drag: { x: false, y: false } },
        legend: { live: true },
        scales: { x: { time: true } },
        series: [{ label: "Time" }, ...initial.map((s, i) => ({ label: seriesLabel(s), stroke: PALETTE[i % PALETTE.length]!, width: 1.5, spanGaps: true, points: { show: false } }))],
        axes: [axis(), { ...axis(), size: 56 }],
      },
      columns as uPlot.AlignedData,
      host,
    );
    plot.setScale("x", { min: f, max: t });
    plotRef.current = plot;
    drawn.current = { series: initial, columns };

    const resize = new ResizeObserver(() => {
      const width = Math.max(120, host.clientWidth);
      if (width !== plot.width) plot.setSize({ width, height });
    });
    resize.observe(host);
    const scheme = matchMedia("(prefers-color-scheme: dark)");
    const recolour = () => {
      theme.current = readTheme(host);
      plot.redraw(false, true);
    };
    scheme.addEventListener("change", recolour);
    return () => {
      resize.disconnect();
      scheme.removeEventListener("change", recolour);
      plot.destroy();
      plotRef.current = null;
    };
  }, [shape, height]);

  // New data or range: one setData per tick however many updates arrived in it.
  useEffect(() => {
    if (pendingTimer.current !== null) return;
    pendingTimer.current = setTimeout(() => {
      pendingTimer.current = null;
      const plot = plotRef.current;
      if (!plot) return;
      const { series: now, from: f, to: t } = latest.current;
      plot.batch(() => {
        const last = drawn.current;
        if (last?.series !== now) {
          const columns = last && appendAligned(last.columns, last.series, now) ? last.columns : alignSeries(now);
          plot.setData(columns as uPlot.AlignedData, true);
          drawn.current = { series: now, columns };
        }
        plot.setScale("x", { min: f, max: t });
      });
    }, 0);
  }, [series, from, to]);
  useEffect(() => () => void (pendingTimer.current !== null && clearTimeout(pendingTimer.current)), []);

  const summary = summarize(series, from, to);
  const total = summary.reduce((n, s) => n + s.count, 0);
  return (
    <figure class="ts-chart" id={id} aria-labelledby={captionId} data-points={total}>
      <figcaption id={captionId} class={showTitle ? "ts-chart-title" : "visually-hidden"}>
        {title}
      </figcaption>
      <div class="ts-chart-plot" ref={hostRef} aria-hidden="true" />
      {total === 0 && <p class="ts-chart-empty muted">No data in this time range.</p>}
      <table class="visually-hidden ts-chart-summary">
        <caption>
          {title}: {new Date(from).toLocaleString()} to {new Date(to).toLocaleString()}
        </caption>
        <thead>
          <tr>
            <th scope="col">Series</th>
            <th scope="col">Points</th>
            <th scope="col">Minimum</th>
            <th scope="col">Maximum</th>
            <th scope="col">Latest</th>
          </tr>
        </thead>
        <tbody>
          {summary.map((s, i) => (
            <tr key={i} data-series={s.label}>
              <th scope="row">{s.label}</th>
              <td>{s.count}</td>
              <td>{s.min === null ? "—" : formatValue(s.min, s.unit)}</td>
              <td>{s.max === null ? "—" : formatValue(s.max, s.unit)}</td>
              <td class="ts-chart-latest">{s.latest ? `${formatValue(s.latest.value, s.unit)} at ${new Date(s.latest.ts).toLocaleTimeString()}` : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
