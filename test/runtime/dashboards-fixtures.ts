/** Dashboard documents shared by the dashboard suites. */
import type { DashboardInput } from "../../domain/schemas/dashboards";

/** One of every widget type, laid out without gaps or overlaps. */
export const everyWidget: DashboardInput = {
  name: "Cold chain",
  description: "Cold rooms and trucks",
  timeRange: { relative: "24h" },
  filter: { tag: "cold-room" },
  widgets: [
    {
      id: "temps",
      type: "timeseries",
      title: "Temperatures",
      x: 0,
      y: 0,
      w: 8,
      h: 4,
      series: [
        { deviceId: "thermo-1", metric: "temp", label: "Cold room" },
        { deviceId: "thermo-2", metric: "truck-1/temp-1" },
      ],
      bucket: "1h",
      aggregate: "max",
      timeRange: { from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00+01:00" },
    },
    {
      id: "now",
      type: "value",
      x: 8,
      y: 0,
      w: 2,
      h: 2,
      deviceId: "thermo-1",
      metric: "temp",
      unit: "°C",
      decimals: 1,
      thresholds: [
        { value: 4, color: "#f5a623" },
        { value: 8, color: "#d0021b" },
      ],
    },
    {
      id: "hum",
      type: "gauge",
      x: 10,
      y: 0,
      w: 2,
      h: 2,
      deviceId: "thermo-1",
      metric: "hum",
      min: 0,
      max: 100,
      unit: "%",
      thresholds: [
        { value: 0, color: "#4a90e2" },
        { value: 70, color: "#d0021b" },
      ],
    },
    { id: "where", type: "map", x: 8, y: 2, w: 4, h: 2, filter: { deviceIds: ["thermo-1", "thermo-2"] } },
    { id: "fleet", type: "table", x: 0, y: 4, w: 12, h: 4, columns: ["status", "lastSeen"], metrics: ["temp", "hum"] },
    { id: "log", type: "events", x: 0, y: 8, w: 12, h: 3, source: "rejected", limit: 200 },
  ],
};
