/** The dashboard document model (domain/schemas/dashboards.ts): pure, no platform needed. */
import { describe, expect, it } from "vitest";
import {
  DASHBOARD_SCHEMA_VERSION,
  DashboardDocument,
  DashboardInput,
  parseDashboard,
  resolveBucket,
  resolveTimeRange,
  TimeseriesWidget,
  upgradeDashboard,
  WidgetBucket,
  type DashboardInput as DashboardInputType,
} from "../../domain/schemas/dashboards";
import { Aggregate, AGGREGATES, BUCKETS } from "../../domain/telemetry/query";
// @ts-expect-error: plain ESM shared with scripts/dev.mjs
import { demoDashboard } from "../../scripts/demo-dashboard.mjs";
import { everyWidget } from "./dashboards-fixtures";

const map = (over: Record<string, unknown> = {}) => ({ id: "m", type: "map", x: 0, y: 0, w: 4, h: 3, ...over });

/** Field paths of the failures, or [] when the input is valid. */
function failures(input: unknown): string[] {
  const r = DashboardInput.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => i.path.join("."));
}
const withWidgets = (...widgets: Record<string, unknown>[]): DashboardInputType => ({ name: "Plant", widgets }) as DashboardInputType;

describe("dashboard document", () => {
  it("the demo tenant's dashboard (npm run dev) is a valid document", () => {
    const parsed = DashboardInput.safeParse(demoDashboard);
    expect(parsed.error?.issues ?? []).toEqual([]);
    expect(parsed.data?.widgets.map((w) => w.type)).toEqual(["timeseries", "value", "value", "timeseries", "value", "value", "table", "map"]);
  });

  it("accepts every widget type and fills in the defaults", () => {
    const doc = DashboardInput.parse(everyWidget);
    expect(doc.schemaVersion).toBe(DASHBOARD_SCHEMA_VERSION);
    expect(doc.widgets.map((w) => w.type)).toEqual(["timeseries", "value", "gauge", "map", "table", "events"]);
    const minimal = DashboardInput.parse({ name: "Empty" });
    expect(minimal).toEqual({ schemaVersion: 1, name: "Empty", description: "", timeRange: { relative: "1h" }, filter: {}, widgets: [] });
    const ts = TimeseriesWidget.parse({ id: "t", type: "timeseries", x: 0, y: 0, w: 6, h: 3, series: [{ deviceId: "d", metric: "temp" }] });
    expect([ts.bucket, ts.aggregate]).toEqual(["auto", "avg"]);
    // The stored/exported document requires its version; create and replace may leave it out.
    expect(DashboardDocument.safeParse({ name: "x" }).success).toBe(false);
  });

  it("keeps widgets inside the 12-column grid and names the failing widget", () => {
    expect(failures(withWidgets(map({ x: 9, w: 4 })))).toEqual(["widgets.0.w"]);
    expect(failures(withWidgets(map({ x: -1 })))).toEqual(["widgets.0.x"]);
    expect(failures(withWidgets(map({ x: 12, w: 1 })))).toEqual(["widgets.0.x"]);
    expect(failures(withWidgets(map({ w: 0 })))).toEqual(["widgets.0.w"]);
    expect(failures(withWidgets(map({ h: 0 })))).toEqual(["widgets.0.h"]);
    expect(failures(withWidgets(map({ y: 1.5 })))).toEqual(["widgets.0.y"]);
    expect(failures(withWidgets(map({ x: 0, w: 12 })))).toEqual([]);
  });

  it("refuses overlapping widgets, reporting the later one, and accepts edge-to-edge ones", () => {
    expect(failures(withWidgets(map(), map({ id: "n", x: 3, y: 2 })))).toEqual(["widgets.1"]);
    expect(failures(withWidgets(map(), map({ id: "n", x: 8, y: 0 }), map({ id: "o", x: 2, y: 1, w: 8, h: 1 })))).toEqual(["widgets.2"]);
    expect(failures(withWidgets(map(), map({ id: "n", x: 4 }), map({ id: "o", y: 3 })))).toEqual([]);
    const r = DashboardInput.safeParse(withWidgets(map(), map({ id: "n", x: 3, y: 2 })));
    expect(r.error?.issues[0]?.message).toBe("overlaps widget 'm' (widgets.0)");
  });

  it("requires unique widget ids, at most 50 widgets and names of at most 100 characters", () => {
    expect(failures(withWidgets(map(), map({ y: 3 })))).toEqual(["widgets.1.id"]);
    const many = Array.from({ length: 51 }, (_, i) => map({ id: `w${i}`, x: 0, y: i, w: 1, h: 1 }));
    expect(failures(withWidgets(...many))).toEqual(["widgets"]);
    expect(failures(withWidgets(...many.slice(0, 50)))).toEqual([]);
    expect(failures({ name: "x".repeat(101) })).toEqual(["name"]);
    expect(failures({ name: "  " })).toEqual(["name"]);
    expect(failures(withWidgets(map({ title: "t".repeat(101) })))).toEqual(["widgets.0.title"]);
  });

  it("refuses unknown widget types and unknown fields", () => {
    expect(failures(withWidgets(map({ type: "pie" })))).toEqual(["widgets.0.type"]);
    expect(failures(withWidgets(map({ colour: "red" })))).toEqual(["widgets.0"]);
    expect(failures({ name: "x", owner: "me" })).toEqual([""]);
  });

  it("checks thresholds ascend, and lie inside a gauge's range", () => {
    const value = (thresholds: unknown) => ({ id: "v", type: "value", x: 0, y: 0, w: 2, h: 2, deviceId: "d", metric: "temp", thresholds });
    expect(
      failures(
        withWidgets(
          value([
            { value: 5, color: "#ff0000" },
            { value: 3, color: "#00ff00" },
          ]),
        ),
      ),
    ).toEqual(["widgets.0.thresholds.1.value"]);
    expect(
      failures(
        withWidgets(
          value([
            { value: 5, color: "#ff0000" },
            { value: 5, color: "#00ff00" },
          ]),
        ),
      ),
    ).toEqual(["widgets.0.thresholds.1.value"]);
    expect(failures(withWidgets(value([{ value: 5, color: "red" }])))).toEqual(["widgets.0.thresholds.0.color"]);
    const gauge = (o: Record<string, unknown>) => ({ id: "g", type: "gauge", x: 0, y: 0, w: 2, h: 2, deviceId: "d", metric: "hum", min: 0, max: 100, ...o });
    expect(failures(withWidgets(gauge({ min: 10, max: 10 })))).toEqual(["widgets.0.max"]);
    expect(
      failures(
        withWidgets(
          gauge({
            thresholds: [
              { value: 50, color: "#ff0000" },
              { value: 120, color: "#00ff00" },
            ],
          }),
        ),
      ),
    ).toEqual(["widgets.0.thresholds.1.value"]);
  });

  it("takes relative ranges or absolute ones whose from is before to", () => {
    for (const relative of ["15m", "1h", "24h", "7d"]) expect(failures({ name: "x", timeRange: { relative } })).toEqual([]);
    expect(failures({ name: "x", timeRange: { relative: "2h" } })).toEqual(["timeRange"]);
    expect(failures({ name: "x", timeRange: { from: "2026-01-02T00:00:00Z", to: "2026-01-01T00:00:00Z" } })).toEqual(["timeRange.from"]);
    expect(failures({ name: "x", timeRange: { from: "2026-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z" } })).toEqual(["timeRange.from"]);
    expect(failures({ name: "x", timeRange: { from: "yesterday", to: "2026-01-01T00:00:00Z" } })).toEqual(["timeRange.from"]);
    // An instant names its zone: a local date-time is ambiguous.
    expect(failures({ name: "x", timeRange: { from: "2026-01-01T00:00:00", to: "2026-01-02T00:00:00Z" } })).toEqual(["timeRange.from"]);
    const ts = { id: "t", type: "timeseries", x: 0, y: 0, w: 6, h: 3, series: [{ deviceId: "d", metric: "temp" }], timeRange: { from: "2026-01-02T00:00:00Z", to: "2026-01-01T00:00:00Z" } };
    expect(failures(withWidgets(ts))).toEqual(["widgets.0.timeRange.from"]);
    expect(resolveTimeRange({ relative: "15m" }, 1_000_000_000)).toEqual({ from: 1_000_000_000 - 900_000, to: 1_000_000_000 });
    expect(resolveTimeRange({ from: "2026-01-01T00:00:00Z", to: "2026-01-01T02:00:00+01:00" })).toEqual({ from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 0, 1, 1) });
  });

  it("bounds timeseries to 1–10 distinct series of valid metric names", () => {
    const ts = (series: unknown[]) => ({ id: "t", type: "timeseries", x: 0, y: 0, w: 6, h: 3, series });
    expect(failures(withWidgets(ts([])))).toEqual(["widgets.0.series"]);
    expect(failures(withWidgets(ts(Array.from({ length: 11 }, (_, i) => ({ deviceId: `d${i}`, metric: "temp" })))))).toEqual(["widgets.0.series"]);
    expect(
      failures(
        withWidgets(
          ts([
            { deviceId: "d", metric: "temp" },
            { deviceId: "d", metric: "temp" },
          ]),
        ),
      ),
    ).toEqual(["widgets.0.series.1"]);
    // The telemetry metric rule: a metric, or {asset}/{sensor}.
    expect(
      failures(
        withWidgets(
          ts([
            { deviceId: "d", metric: "battery.level" },
            { deviceId: "d", metric: "truck-1/temp-1" },
          ]),
        ),
      ),
    ).toEqual([]);
    expect(failures(withWidgets(ts([{ deviceId: "d", metric: "temp c" }])))).toEqual(["widgets.0.series.0.metric"]);
    expect(failures(withWidgets(ts([{ deviceId: "d", metric: "m".repeat(65) }])))).toEqual(["widgets.0.series.0.metric"]);
    expect(failures(withWidgets(ts([{ deviceId: "d/1", metric: "temp" }])))).toEqual(["widgets.0.series.0.deviceId"]);
  });

  it("offers exactly the buckets and aggregates GET /telemetry accepts (plus auto)", () => {
    expect(WidgetBucket.options.filter((b) => b !== "auto")).toEqual([...BUCKETS]);
    expect(Aggregate.options).toEqual([...AGGREGATES]);
    const ts = (o: Record<string, unknown>) => ({ id: "t", type: "timeseries", x: 0, y: 0, w: 6, h: 3, series: [{ deviceId: "d", metric: "temp" }], ...o });
    expect(failures(withWidgets(ts({ bucket: "5m" })))).toEqual(["widgets.0.bucket"]);
    expect(failures(withWidgets(ts({ aggregate: "median" })))).toEqual(["widgets.0.aggregate"]);
    expect(resolveBucket("1h", 60_000)).toBe("1h");
    expect(resolveBucket("auto", 3_600_000)).toBe("1m");
    expect(resolveBucket("auto", 7 * 86_400_000)).toBe("1h");
    expect(resolveBucket("auto", 400 * 86_400_000)).toBe("1d");
  });

  it("bounds events and table widgets and checks device filters", () => {
    const events = (o: Record<string, unknown>) => ({ id: "e", type: "events", x: 0, y: 0, w: 6, h: 3, source: "rejected", ...o });
    expect(failures(withWidgets(events({ limit: 201 })))).toEqual(["widgets.0.limit"]);
    expect(failures(withWidgets(events({ source: "audit" })))).toEqual(["widgets.0.source"]);
    expect(failures(withWidgets(events({ filter: { deviceIds: ["a", "a"] } })))).toEqual(["widgets.0.filter.deviceIds.1"]);
    expect(failures(withWidgets(events({ filter: { deviceIds: [] } })))).toEqual(["widgets.0.filter.deviceIds"]);
    const table = (o: Record<string, unknown>) => ({ id: "t", type: "table", x: 0, y: 0, w: 6, h: 3, ...o });
    expect(failures(withWidgets(table({ columns: ["status", "firmware"] })))).toEqual(["widgets.0.columns.1"]);
    expect(failures(withWidgets(table({ metrics: "everything" })))).toEqual(["widgets.0.metrics"]);
    expect(failures(withWidgets(table({ metrics: ["temp", "temp"] })))).toEqual(["widgets.0.metrics.1"]);
    expect(failures({ name: "x", filter: { tag: "" } })).toEqual(["filter.tag"]);
  });
});

describe("parseDashboard", () => {
  it("reads a current document as it is", () => {
    const doc = DashboardInput.parse(everyWidget);
    expect(parseDashboard(doc)).toEqual(doc);
    expect(upgradeDashboard(doc)).toBe(doc);
  });

  it("upgrades the v0 layout onboarding stored before dashboards had an API", () => {
    // Exactly what ensureStarter wrote until schema version 1, as migration 0006 wrapped it.
    const v0 = {
      name: "Overview",
      layout: [
        { widget: "device-status", title: "Devices online", x: 0, y: 0, w: 4, h: 2 },
        { widget: "message-rate", title: "Messages per second", x: 4, y: 0, w: 8, h: 2 },
        { widget: "latest-telemetry", title: "Latest readings", x: 0, y: 2, w: 12, h: 4 },
      ],
    };
    const doc = parseDashboard(v0);
    expect(doc).toMatchObject({ schemaVersion: 1, name: "Overview", timeRange: { relative: "1h" }, filter: {} });
    expect(doc.widgets).toEqual([
      { id: "device-status-1", type: "table", title: "Devices online", x: 0, y: 0, w: 4, h: 2, columns: ["status", "lastSeen"], metrics: [] },
      // message-rate has no v1 counterpart (a tenant usage figure, not a device series): dropped.
      { id: "latest-telemetry-3", type: "table", title: "Latest readings", x: 0, y: 2, w: 12, h: 4, columns: ["status", "lastSeen"], metrics: "all" },
    ]);
  });

  it("refuses versions it does not know, naming schemaVersion", () => {
    for (const doc of [{ schemaVersion: 2, name: "x" }, { schemaVersion: "1", name: "x" }, { name: "x" }]) {
      const r = DashboardDocument.safeParse(upgradeDashboard(doc));
      expect(r.success).toBe(false);
      expect(r.error!.issues.map((i) => i.path.join("."))).toContain("schemaVersion");
    }
    expect(() => parseDashboard(null)).toThrow();
  });
});
