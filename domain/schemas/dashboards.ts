/**
 * Dashboards: a named, versioned document of widgets on a 12-column grid, a dashboard-wide time
 * range and device filter. The document is what the registry stores, what `GET
 * /dashboards/:id/export` downloads and what `POST /dashboards/import` reads back; its
 * `schemaVersion` says which shape it has, and `parseDashboard` upgrades older shapes.
 *
 * Widget settings are the telemetry API's own vocabulary, so a UI can pass them straight through:
 * `aggregate` is `GET /telemetry`'s `agg`, `bucket` its `bucket` (plus `auto`: resolve it with
 * `resolveBucket` for the range on screen), metrics follow the telemetry metric rule (a metric,
 * or `{asset}/{sensor}`), and the device filter is `GET /devices`' `tag` plus explicit ids.
 */
import { z } from "zod";
import { DeviceId, RESOURCE_ID_PATTERN, ResourceId } from "../ids";
import { Aggregate, BUCKETS, BUCKET_MS, MAX_QUERY_DEVICES, MAX_QUERY_METRICS, type Bucket } from "../telemetry/query";
import { SeriesMetric } from "../telemetry/points";
import { Tags, Timestamp } from "./common";

export const DASHBOARD_SCHEMA_VERSION = 1;
export const GRID_COLUMNS = 12;
/** Rows are unbounded in principle; these bounds keep a document (and its overlap check) small. */
export const GRID_MAX_Y = 1_000;
export const WIDGET_MAX_HEIGHT = 100;
export const MAX_WIDGETS = 50;
const MAX_SERIES = 10;
const MAX_THRESHOLDS = 10;
/** `GET /telemetry/rejected` pages at most 200 rows. */
const MAX_EVENTS = 200;

const Name = z.string().trim().min(1).max(100);
const Title = z.string().trim().min(1).max(100);
const Description = z.string().max(1000);
/** Widget ids are chosen by the editor (the UI), unique within one dashboard. */
const WidgetId = z.string().regex(RESOURCE_ID_PATTERN, "letters, digits and . _ : -, up to 64 characters");
const Unit = z.string().trim().max(32);
const Decimals = z.number().int().min(0).max(6);
const Color = z.string().regex(/^#[0-9a-fA-F]{6}$/, "a colour as #rrggbb");
const Tag = Tags.element;

// ── Time ranges ──────────────────────────────────────────────────────────────────────────────

export const RELATIVE_RANGES = { "15m": 15 * 60_000, "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000 } as const;
const RelativeRange = z.strictObject({ relative: z.enum(["15m", "1h", "24h", "7d"]) });
const Instant = z.iso.datetime({ offset: true, error: "an ISO 8601 instant with a time zone, e.g. 2026-01-31T08:00:00Z" });
export const AbsoluteRange = z.strictObject({ from: Instant, to: Instant }).refine(({ from, to }) => !(Date.parse(from) >= Date.parse(to)), { message: "from must be before to", path: ["from"] });
export const TimeRange = z.union([RelativeRange, AbsoluteRange], { error: 'a time range is {"relative": "15m"|"1h"|"24h"|"7d"} or {"from", "to"} (ISO 8601 instants)' });
export type TimeRange = z.infer<typeof TimeRange>;

/** The range in milliseconds since the epoch, as `GET /telemetry` takes it (`from` inclusive, `to` exclusive). */
export function resolveTimeRange(range: TimeRange, now = Date.now()): { from: number; to: number } {
  if ("relative" in range) return { from: now - RELATIVE_RANGES[range.relative], to: now };
  return { from: Date.parse(range.from), to: Date.parse(range.to) };
}

// ── Devices ──────────────────────────────────────────────────────────────────────────────────

/** Which devices a widget shows: the listed ids and/or the devices with the tag (both: devices matching both). Empty: every device. */
export const DeviceFilter = z
  .strictObject({
    deviceIds: z.array(DeviceId).min(1).max(MAX_QUERY_DEVICES).optional(),
    tag: Tag.optional(),
  })
  .superRefine((f, ctx) => flagDuplicates(f.deviceIds ?? [], (d) => d, ctx, ["deviceIds"], "listed twice"));
export type DeviceFilter = z.infer<typeof DeviceFilter>;

// ── Widgets ──────────────────────────────────────────────────────────────────────────────────

/** Position on the grid: columns 0–11, rows from 0 down; `x + w` ≤ 12 is checked on the dashboard. */
const Placement = {
  id: WidgetId,
  title: Title.optional(),
  x: z
    .number()
    .int()
    .min(0)
    .max(GRID_COLUMNS - 1),
  y: z.number().int().min(0).max(GRID_MAX_Y),
  w: z.number().int().min(1).max(GRID_COLUMNS),
  h: z.number().int().min(1).max(WIDGET_MAX_HEIGHT),
};

/** Colour bands: from each `value` upward, until the next one. Strictly ascending. */
export const Thresholds = z
  .array(z.strictObject({ value: z.number(), color: Color }))
  .max(MAX_THRESHOLDS)
  .superRefine((list, ctx) => {
    list.forEach((t, i) => {
      const before = list[i - 1];
      if (before && !(t.value > before.value)) ctx.addIssue({ code: "custom", path: [i, "value"], message: `thresholds must ascend: ${t.value} is not above ${before.value}` });
    });
  });
export type Thresholds = z.infer<typeof Thresholds>;

const SeriesRef = z.strictObject({ deviceId: DeviceId, metric: SeriesMetric, label: Title.optional() });

/** `auto` lets the viewer pick a bucket for the range on screen (`resolveBucket`). */
export const WidgetBucket = z.enum([...BUCKETS, "auto"]);
export type WidgetBucket = z.infer<typeof WidgetBucket>;

export const TimeseriesWidget = z.strictObject({
  type: z.literal("timeseries"),
  ...Placement,
  series: z
    .array(SeriesRef)
    .min(1)
    .max(MAX_SERIES)
    .superRefine((s, ctx) => flagDuplicates(s, (r) => `${r.deviceId} ${r.metric}`, ctx, [], "the same device and metric twice")),
  bucket: WidgetBucket.default("auto"),
  aggregate: Aggregate.default("avg"),
  /** Overrides the dashboard's range for this widget. */
  timeRange: TimeRange.optional(),
});

/** The newest value of one metric (`GET /devices/:id/telemetry/latest`). */
const ValueWidget = z.strictObject({
  type: z.literal("value"),
  ...Placement,
  deviceId: DeviceId,
  metric: SeriesMetric,
  unit: Unit.optional(),
  decimals: Decimals.optional(),
  thresholds: Thresholds.default([]),
});

const GaugeWidget = z
  .strictObject({
    type: z.literal("gauge"),
    ...Placement,
    deviceId: DeviceId,
    metric: SeriesMetric,
    min: z.number(),
    max: z.number(),
    unit: Unit.optional(),
    decimals: Decimals.optional(),
    thresholds: Thresholds.default([]),
  })
  .superRefine((g, ctx) => {
    if (!(g.min < g.max)) ctx.addIssue({ code: "custom", path: ["max"], message: `max must be above min (${g.min})` });
    else
      g.thresholds.forEach((t, i) => {
        if (t.value < g.min || t.value > g.max) ctx.addIssue({ code: "custom", path: ["thresholds", i, "value"], message: `must lie within the gauge's range ${g.min}…${g.max}` });
      });
  });

/** Devices with a location (`Device.location`) as markers. */
const MapWidget = z.strictObject({
  type: z.literal("map"),
  ...Placement,
  /** Replaces the dashboard's filter for this widget. */
  filter: DeviceFilter.optional(),
});

export const TABLE_COLUMNS = ["status", "lastSeen"] as const;
/** One row per device: its name, the chosen columns, then the chosen metrics' latest values (`"all"`: every metric the device reports). */
const TableWidget = z.strictObject({
  type: z.literal("table"),
  ...Placement,
  filter: DeviceFilter.optional(),
  columns: z
    .array(z.enum(TABLE_COLUMNS))
    .max(TABLE_COLUMNS.length)
    .default([...TABLE_COLUMNS])
    .superRefine((cols, ctx) => flagDuplicates(cols, (c) => c, ctx, [], "listed twice")),
  metrics: z
    .union(
      [
        z.literal("all"),
        z
          .array(SeriesMetric)
          .max(MAX_QUERY_METRICS)
          .superRefine((m, ctx) => flagDuplicates(m, (x) => x, ctx, [], "listed twice")),
      ],
      { error: 'a list of metric names, or "all"' },
    )
    .default([]),
});

/** Device events, or the rejected-messages log (`GET /telemetry/rejected`), newest first. */
const EventsWidget = z.strictObject({
  type: z.literal("events"),
  ...Placement,
  source: z.enum(["events", "rejected"]),
  filter: DeviceFilter.optional(),
  limit: z.number().int().min(1).max(MAX_EVENTS).default(50),
});

export const WIDGET_TYPES = ["timeseries", "value", "gauge", "map", "table", "events"] as const;
export const Widget = z.discriminatedUnion("type", [TimeseriesWidget, ValueWidget, GaugeWidget, MapWidget, TableWidget, EventsWidget]);
export type Widget = z.infer<typeof Widget>;
type WidgetInput = z.input<typeof Widget>;
export type WidgetType = Widget["type"];

// ── The dashboard document ───────────────────────────────────────────────────────────────────

const documentShape = {
  schemaVersion: z.literal(DASHBOARD_SCHEMA_VERSION, { error: `this server reads dashboard schemaVersion ${DASHBOARD_SCHEMA_VERSION} (and upgrades older documents on import)` }),
  name: Name,
  description: Description.default(""),
  timeRange: TimeRange.default({ relative: "1h" }),
  /** Applies to the widgets that choose devices by filter (map, table, events) unless they have their own. */
  filter: DeviceFilter.default({}),
  widgets: z.array(Widget).max(MAX_WIDGETS).default([]),
};

type Rect = { x: number; y: number; w: number; h: number };
const overlaps = (a: Rect, b: Rect) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** Grid rules across widgets: inside the 12 columns, no two overlapping, ids unique. The later widget is the one reported. */
function checkLayout(doc: { widgets: Widget[] }, ctx: z.RefinementCtx) {
  // Refinements also run beside other (non-fatal) issues: judge only widgets whose placement parsed.
  const placed = (w: unknown): w is Widget => typeof w === "object" && w !== null && ["x", "y", "w", "h"].every((k) => Number.isInteger((w as Record<string, unknown>)[k]));
  flagDuplicates(doc.widgets, (w) => String(w?.id), ctx, ["widgets"], "another widget has this id", "id");
  doc.widgets.forEach((w, i) => {
    if (!placed(w)) return;
    if (w.x < GRID_COLUMNS && w.x + w.w > GRID_COLUMNS) ctx.addIssue({ code: "custom", path: ["widgets", i, "w"], message: `the widget leaves the ${GRID_COLUMNS}-column grid: x ${w.x} + w ${w.w} > ${GRID_COLUMNS}` });
    const hit = doc.widgets.findIndex((other, j) => j < i && placed(other) && overlaps(other, w));
    if (hit >= 0) ctx.addIssue({ code: "custom", path: ["widgets", i], message: `overlaps widget '${doc.widgets[hit]!.id}' (widgets.${hit})` });
  });
}

/** A dashboard document of the current schema version, as stored and exported. */
export const DashboardDocument = z.strictObject(documentShape).superRefine(checkLayout);
export type DashboardDocument = z.infer<typeof DashboardDocument>;
export type DashboardDocumentInput = z.input<typeof DashboardDocument>;

/** Create and full replace: a document, `schemaVersion` optional. */
export const DashboardInput = z.strictObject({ ...documentShape, schemaVersion: documentShape.schemaVersion.default(DASHBOARD_SCHEMA_VERSION) }).superRefine(checkLayout);
export type DashboardInput = z.input<typeof DashboardInput>;

/** What the API returns: the document with the registry's id, version (the ETag) and times. */
export const Dashboard = z.object({ id: ResourceId, version: z.number().int().min(1), ...documentShape, createdAt: Timestamp, updatedAt: Timestamp });
export type Dashboard = z.infer<typeof Dashboard>;

/** The document of a dashboard, without the registry's id, version and times: what an export holds. */
export function documentOf(d: Dashboard): DashboardDocument {
  return { schemaVersion: d.schemaVersion, name: d.name, description: d.description, timeRange: d.timeRange, filter: d.filter, widgets: d.widgets };
}

export const DashboardSummary = z.object({ id: ResourceId, version: z.number().int().min(1), name: z.string(), description: z.string(), widgetCount: z.number().int(), createdAt: Timestamp, updatedAt: Timestamp });
export type DashboardSummary = z.infer<typeof DashboardSummary>;

// ── Older versions ───────────────────────────────────────────────────────────────────────────

/**
 * Version 0: what onboarding stored before dashboards had an API, `{name, layout}` with the
 * layout as `[{widget, title, x, y, w, h}]` (the registry's migration 0006 wrapped those rows
 * so). Only onboarding ever wrote it, with three widget kinds; `message-rate` has no v1
 * counterpart (message rates are tenant usage, `GET /usage`, not a device series) and is dropped.
 */
const V0Document = z.object({
  name: z.string(),
  layout: z.array(z.object({ widget: z.string(), title: z.string().optional(), x: z.number(), y: z.number(), w: z.number(), h: z.number() })),
});

function v0ToV1(input: unknown): unknown {
  const parsed = V0Document.safeParse(input);
  if (!parsed.success) return input; // left for the v1 schema to report
  const doc = parsed.data;
  const widgets: WidgetInput[] = [];
  doc.layout.forEach((old, i) => {
    const placement = { id: `${old.widget}-${i + 1}`.slice(0, 64), ...(old.title ? { title: old.title.slice(0, 100) } : {}), x: old.x, y: old.y, w: old.w, h: old.h };
    if (old.widget === "device-status") widgets.push({ type: "table", ...placement, columns: ["status", "lastSeen"], metrics: [] });
    else if (old.widget === "latest-telemetry") widgets.push({ type: "table", ...placement, columns: ["status", "lastSeen"], metrics: "all" });
  });
  return { schemaVersion: 1, name: doc.name.slice(0, 100) || "Dashboard", description: "", timeRange: { relative: "1h" }, filter: {}, widgets } satisfies DashboardDocumentInput;
}

/** Upgrades, by the version they read. Each returns the next version's document. */
const UPGRADES: Record<number, (doc: unknown) => unknown> = { 0: v0ToV1 };

/** A document's schema version: its `schemaVersion`, or 0 for the v0 `{name, layout}` shape. */
function schemaVersionOf(doc: unknown): number | null {
  if (typeof doc !== "object" || doc === null) return null;
  const v = (doc as { schemaVersion?: unknown }).schemaVersion;
  if (typeof v === "number") return v;
  if (v === undefined && Array.isArray((doc as { layout?: unknown }).layout)) return 0;
  return null;
}

/** Runs the upgrades from the document's version to the current one; anything else is passed on untouched for validation to judge. */
export function upgradeDashboard(doc: unknown): unknown {
  let current = doc;
  for (let v = schemaVersionOf(current); v !== null && v < DASHBOARD_SCHEMA_VERSION && UPGRADES[v]; v = schemaVersionOf(current)) {
    const next = UPGRADES[v]!(current);
    if (next === current) break;
    current = next;
  }
  return current;
}

/** A stored or exported document of any known version, upgraded and validated as the current one. */
export const StoredDashboard = z.preprocess(upgradeDashboard, DashboardDocument);

/** Parses a stored or exported dashboard document (any known version) into the current one; throws a ZodError when invalid. */
export function parseDashboard(doc: unknown): DashboardDocument {
  return StoredDashboard.parse(doc);
}

// ── Helpers for viewers ──────────────────────────────────────────────────────────────────────

/** At most this many points per series for `auto`: a chart a few hundred pixels wide. */
const AUTO_MAX_POINTS = 500;

/** The concrete `GET /telemetry` bucket for a widget's bucket over a range: `auto` takes the finest that keeps a series under 500 points. */
export function resolveBucket(bucket: WidgetBucket, rangeMs: number): Bucket {
  if (bucket !== "auto") return bucket;
  for (const b of ["1m", "1h", "1d"] as const) if (rangeMs / BUCKET_MS[b] <= AUTO_MAX_POINTS) return b;
  return "1d";
}

// ── Shared checks ────────────────────────────────────────────────────────────────────────────

function flagDuplicates<T>(items: T[], key: (item: T) => string, ctx: z.RefinementCtx, at: (string | number)[], message: string, field?: string) {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const k = key(item);
    if (seen.has(k)) ctx.addIssue({ code: "custom", path: [...at, i, ...(field ? [field] : [])], message: `${message} ('${k}')` });
    seen.add(k);
  });
}
