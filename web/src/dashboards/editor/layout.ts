/**
 * Placing widgets on the 12-column grid from form controls: new widgets go to the first free
 * spot, and a move or resize is offered only when the widget stays on the grid without covering
 * another (the schema's own layout rule, checked again before saving).
 */
import { GRID_COLUMNS, GRID_MAX_Y, WIDGET_MAX_HEIGHT, type Widget, type WidgetType } from "../../../../domain/schemas/dashboards";

type Rect = { x: number; y: number; w: number; h: number };
const overlaps = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

const DEFAULT_SIZE: Record<WidgetType, { w: number; h: number }> = {
  timeseries: { w: 6, h: 4 },
  value: { w: 3, h: 2 },
  gauge: { w: 3, h: 3 },
  map: { w: 6, h: 5 },
  table: { w: 6, h: 4 },
  events: { w: 6, h: 4 },
};

/** Whether `rect` fits on the grid without covering any widget but `self`. */
function fits(widgets: Widget[], rect: Rect, self?: string): boolean {
  if (rect.x < 0 || rect.y < 0 || rect.w < 1 || rect.h < 1 || rect.x + rect.w > GRID_COLUMNS || rect.y > GRID_MAX_Y || rect.h > WIDGET_MAX_HEIGHT) return false;
  return widgets.every((o) => o.id === self || !overlaps(o, rect));
}

/** The first free spot (top to bottom, left to right) for a w × h widget. */
function freeSpot(widgets: Widget[], w: number, h: number): { x: number; y: number } {
  const bottom = Math.max(0, ...widgets.map((o) => o.y + o.h));
  for (let y = 0; y <= bottom; y++) for (let x = 0; x + w <= GRID_COLUMNS; x++) if (fits(widgets, { x, y, w, h })) return { x, y };
  return { x: 0, y: bottom };
}

/** A widget id not yet used on the dashboard: `{type}-{n}`. */
function freshId(widgets: Widget[], type: WidgetType): string {
  const used = new Set(widgets.map((w) => w.id));
  for (let n = 1; ; n++) if (!used.has(`${type}-${n}`)) return `${type}-${n}`;
}

export type Nudge = "left" | "right" | "up" | "down" | "narrower" | "wider" | "shorter" | "taller";
const NUDGES: Record<Nudge, (r: Rect) => Rect> = {
  left: (r) => ({ ...r, x: r.x - 1 }),
  right: (r) => ({ ...r, x: r.x + 1 }),
  up: (r) => ({ ...r, y: r.y - 1 }),
  down: (r) => ({ ...r, y: r.y + 1 }),
  narrower: (r) => ({ ...r, w: r.w - 1 }),
  wider: (r) => ({ ...r, w: r.w + 1 }),
  shorter: (r) => ({ ...r, h: r.h - 1 }),
  taller: (r) => ({ ...r, h: r.h + 1 }),
};

/** The widget moved or resized one step, or null when that step would leave the grid or cover another widget. */
export function nudged(widgets: Widget[], widget: Widget, how: Nudge): Widget | null {
  const next = NUDGES[how]({ x: widget.x, y: widget.y, w: widget.w, h: widget.h });
  return fits(widgets, next, widget.id) ? { ...widget, ...next } : null;
}

/** A new widget of `type` with settings a form can start from (`deviceId` the first device, when there is one). */
export function newWidget(type: WidgetType, widgets: Widget[], firstDevice: string): Widget {
  const { w, h } = DEFAULT_SIZE[type];
  const base = { id: freshId(widgets, type), ...freeSpot(widgets, w, h), w, h };
  switch (type) {
    case "timeseries":
      return { type, ...base, series: [{ deviceId: firstDevice, metric: "" }], bucket: "auto", aggregate: "avg" };
    case "value":
      return { type, ...base, deviceId: firstDevice, metric: "", thresholds: [] };
    case "gauge":
      return { type, ...base, deviceId: firstDevice, metric: "", min: 0, max: 100, thresholds: [] };
    case "map":
      return { type, ...base };
    case "table":
      return { type, ...base, columns: ["status", "lastSeen"], metrics: "all" };
    case "events":
      return { type, ...base, source: "rejected", limit: 20 };
  }
}
