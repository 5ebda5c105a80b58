/**
 * The latest value card and the gauge: one device's one metric, kept current live, coloured by
 * the widget's thresholds (the band is also named in text, never by colour alone).
 */
import type { Widget } from "../../../../domain/schemas/dashboards";
import { formatValue } from "../../charts/format";
import { describe } from "../../components/Field";
import { useLatest } from "../useLatest";
import { band, deviceAllowed, type WidgetEnv } from "./env";

type ValueWidget = Extract<Widget, { type: "value" }>;
type GaugeWidget = Extract<Widget, { type: "gauge" }>;

function useValue(widget: ValueWidget | GaugeWidget) {
  const { latest, loading, error } = useLatest([widget.deviceId], [widget.metric]);
  const v = latest[widget.deviceId]?.[widget.metric];
  const numeric = typeof v?.value === "number" ? v.value : typeof v?.value === "boolean" ? Number(v.value) : null;
  return { v, numeric, loading, error };
}

const text = (widget: ValueWidget | GaugeWidget, v: { value: unknown } | undefined, numeric: number | null) => (numeric !== null ? formatValue(numeric, widget.unit, widget.decimals) : v ? String(v.value) : "—");

export function ValueView({ widget, env }: { widget: ValueWidget; env: WidgetEnv }) {
  const { v, numeric, loading, error } = useValue(widget);
  const hit = numeric !== null ? band(widget.thresholds, numeric) : null;
  return (
    <div class={`value-card${hit ? " value-banded" : ""}`} style={hit ? { "--band": hit.color } : undefined} data-device={widget.deviceId} data-metric={widget.metric}>
      <p class="value-number" aria-live="polite">
        <span class="value-text">{text(widget, v, numeric)}</span>
      </p>
      <p class="muted value-meta">
        {widget.deviceId} · {widget.metric}
        {v && (
          <>
            {" · "}
            <time dateTime={new Date(v.ts).toISOString()} title={new Date(v.ts).toLocaleString()}>
              {new Date(v.ts).toLocaleTimeString()}
            </time>
          </>
        )}
        {hit && <BandText value={hit.value} unit={widget.unit} />}
        {!deviceAllowed(env, widget.deviceId) && " · outside the device filter"}
      </p>
      {!v && !loading && !error && <p class="muted">No value yet.</p>}
      {error && <p class="error">{describe(error)}</p>}
    </div>
  );
}

/** The band in words as well as colour: "≥ 8 °C", read out as "at or above". */
function BandText({ value, unit }: { value: number; unit: string | undefined }) {
  return (
    <span class="value-band">
      {" · "}
      <span aria-hidden="true">≥</span>
      <span class="visually-hidden">at or above</span> {formatValue(value, unit)}
    </span>
  );
}

/** Degrees of the 240° dial for a value between min and max. */
const START = -210;
const SWEEP = 240;
const polar = (deg: number, r: number) => [60 + r * Math.cos((deg * Math.PI) / 180), 60 + r * Math.sin((deg * Math.PI) / 180)] as const;
function arc(fromDeg: number, toDeg: number, r: number): string {
  const [x1, y1] = polar(fromDeg, r);
  const [x2, y2] = polar(toDeg, r);
  return `M ${x1.toFixed(2)} ${y1.toFixed(2)} A ${r} ${r} 0 ${toDeg - fromDeg > 180 ? 1 : 0} 1 ${x2.toFixed(2)} ${y2.toFixed(2)}`;
}

export function GaugeView({ widget }: { widget: GaugeWidget; env: WidgetEnv }) {
  const { v, numeric, error } = useValue(widget);
  const fraction = numeric === null ? 0 : Math.min(1, Math.max(0, (numeric - widget.min) / (widget.max - widget.min)));
  const hit = numeric !== null ? band(widget.thresholds, numeric) : null;
  const at = (value: number) => START + SWEEP * ((value - widget.min) / (widget.max - widget.min));
  const label = `${widget.title ?? widget.metric}: ${text(widget, v, numeric)} on a scale from ${widget.min} to ${widget.max}`;
  return (
    <div class="gauge" style={hit ? { "--band": hit.color } : undefined} data-device={widget.deviceId} data-metric={widget.metric}>
      <svg viewBox="0 0 120 100" role="img" aria-label={label} class="gauge-svg">
        <path d={arc(START, START + SWEEP, 48)} class="gauge-track" />
        {widget.thresholds.map((t, i) => (
          <path key={i} d={arc(at(t.value), i + 1 < widget.thresholds.length ? at(widget.thresholds[i + 1]!.value) : START + SWEEP, 54)} class="gauge-band" stroke={t.color} />
        ))}
        {fraction > 0 && <path d={arc(START, START + SWEEP * fraction, 48)} class="gauge-fill" />}
        <text x="60" y="64" class="gauge-value">
          {text(widget, v, numeric)}
        </text>
        <text x="14" y="96" class="gauge-limit">
          {widget.min}
        </text>
        <text x="106" y="96" class="gauge-limit gauge-limit-end">
          {widget.max}
        </text>
      </svg>
      <p class="muted value-meta">
        {widget.deviceId} · {widget.metric}
        {hit && <BandText value={hit.value} unit={widget.unit} />}
      </p>
      {error && <p class="error">{describe(error)}</p>}
    </div>
  );
}
