// The demo tenant's "Thermometers" dashboard, which `npm run dev` creates after the demo devices
// (onboarding's starter dashboard cannot name devices: it is made before any exist). A runtime
// test checks it against the dashboard schema, so it stays valid as the schema evolves.
const card = (id, title, x, y, deviceId, metric, unit, thresholds) => ({ id, type: "value", title, x, y, w: 3, h: 2, deviceId, metric, unit, decimals: 1, thresholds });

export const demoDashboard = {
  name: "Thermometers",
  description: "Temperature and humidity in the cold room (thermo-1) and the warehouse (thermo-2).",
  timeRange: { relative: "24h" },
  widgets: [
    {
      id: "temp",
      type: "timeseries",
      title: "Temperature (°C)",
      x: 0,
      y: 2,
      w: 6,
      h: 4,
      series: [
        { deviceId: "thermo-1", metric: "temp", label: "Cold room" },
        { deviceId: "thermo-2", metric: "temp", label: "Warehouse" },
      ],
    },
    card("cold-room-temp", "Cold room", 0, 0, "thermo-1", "temp", "°C", [
      { value: 5, color: "#f5a623" },
      { value: 8, color: "#d0021b" },
    ]),
    card("warehouse-temp", "Warehouse", 3, 0, "thermo-2", "temp", "°C", [
      { value: 25, color: "#f5a623" },
      { value: 30, color: "#d0021b" },
    ]),
    {
      id: "hum",
      type: "timeseries",
      title: "Humidity (%)",
      x: 6,
      y: 2,
      w: 6,
      h: 4,
      series: [
        { deviceId: "thermo-1", metric: "hum", label: "Cold room" },
        { deviceId: "thermo-2", metric: "hum", label: "Warehouse" },
      ],
    },
    card("cold-room-hum", "Cold room humidity", 6, 0, "thermo-1", "hum", "%", [{ value: 85, color: "#d0021b" }]),
    card("warehouse-hum", "Warehouse humidity", 9, 0, "thermo-2", "hum", "%", [{ value: 70, color: "#d0021b" }]),
    { id: "fleet", type: "table", title: "Fleet", x: 0, y: 6, w: 7, h: 4, columns: ["status", "lastSeen"], metrics: ["temp", "hum"] },
    { id: "map", type: "map", title: "Where they are", x: 7, y: 6, w: 5, h: 4 },
  ],
};
