/**
 * The dashboard's 12-column grid: each widget at its x/y/w/h (set as CSS custom properties through
 * the DOM, which the console's CSP allows), folded to one column on a phone. In edit mode each
 * widget carries its own controls (editor/WidgetControls.tsx).
 */
import type { ComponentChildren } from "preact";
import type { Widget } from "../../../domain/schemas/dashboards";
import { DeviceMapView } from "./widgets/DeviceMapView";
import { DeviceTableView } from "./widgets/DeviceTableView";
import type { WidgetEnv } from "./widgets/env";
import { EventsView } from "./widgets/EventsView";
import { TimeseriesView } from "./widgets/TimeseriesView";
import { GaugeView, ValueView } from "./widgets/ValueView";

/** Height of one grid row in pixels (a widget of h rows is h × this, plus the gaps). */
const ROW_PX = 64;
const GAP_PX = 12;
const HEADER_PX = 44;

export const TYPE_LABELS: Record<Widget["type"], string> = {
  timeseries: "Time series",
  value: "Latest value",
  gauge: "Gauge",
  map: "Device map",
  table: "Device table",
  events: "Events",
};

/** The height a widget's body has to draw in. */
const bodyHeight = (w: Widget) => Math.max(80, w.h * ROW_PX + (w.h - 1) * GAP_PX - HEADER_PX - 24);
/** A chart leaves room for its legend and the line under it. */
const chartHeight = (w: Widget) => Math.max(80, bodyHeight(w) - 64);
/** The map's drawing is 800 units wide and scales to the widget; its height in those units keeps it inside the widget. */
const mapHeight = (w: Widget) => Math.round((800 * (bodyHeight(w) - 36)) / (w.w * 88));

function WidgetBody({ widget, env }: { widget: Widget; env: WidgetEnv }) {
  switch (widget.type) {
    case "timeseries":
      return <TimeseriesView widget={widget} env={env} height={chartHeight(widget)} />;
    case "value":
      return <ValueView widget={widget} env={env} />;
    case "gauge":
      return <GaugeView widget={widget} env={env} />;
    case "map":
      return <DeviceMapView widget={widget} env={env} height={mapHeight(widget)} />;
    case "table":
      return <DeviceTableView widget={widget} env={env} />;
    case "events":
      return <EventsView widget={widget} env={env} />;
  }
}

type Props = { widgets: Widget[]; env: WidgetEnv; controls?: (w: Widget, index: number) => ComponentChildren; selected?: string | null };

export function Grid({ widgets, env, controls, selected }: Props) {
  const rows = Math.max(1, ...widgets.map((w) => w.y + w.h));
  const ordered = [...widgets].sort((a, b) => a.y - b.y || a.x - b.x);
  return (
    <div class={`dash-grid${controls ? " editing" : ""}`} id="dashboard-grid" style={{ "--rows": rows, "--row": `${ROW_PX}px` }}>
      {ordered.length === 0 && <p class="muted dash-empty">This dashboard has no widgets yet.</p>}
      {ordered.map((w) => (
        <section
          key={w.id}
          id={`widget-${w.id}`}
          class={`dash-widget widget-${w.type}${selected === w.id ? " selected" : ""}`}
          data-widget={w.id}
          data-type={w.type}
          aria-labelledby={`widget-title-${w.id}`}
          style={{ "--x": w.x + 1, "--y": w.y + 1, "--w": w.w, "--h": w.h }}
        >
          <header class="widget-header">
            <h2 id={`widget-title-${w.id}`} class="widget-title">
              {w.title ?? TYPE_LABELS[w.type]}
            </h2>
            {controls?.(w, widgets.indexOf(w))}
          </header>
          <div class="widget-body">
            <WidgetBody widget={w} env={env} />
          </div>
        </section>
      ))}
    </div>
  );
}
