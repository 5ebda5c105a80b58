// The demo tenant `npm run dev` seeds and `npm run simulate` drives: who owns it, and where the
// seeded device credentials are kept between runs (next to the local platform's state, never committed).
import { dirname, join } from "node:path";
import { ROOT } from "./platform.mjs";

export const DEMO = { email: "owner@acme.example", password: "skylark-demo-password", tenant: { id: "acme", name: "Acme Industries" } };

/** SKYLARK_STATE_DIR, when set, is where the local platform keeps its data (wrangler's default otherwise). */
export const stateDir = () => process.env.SKYLARK_STATE_DIR || undefined;

/** The seeded devices' credentials ({devices: [{username, password, …}]}), beside the state directory. */
export const seedFilePath = () => join(stateDir() ? dirname(stateDir()) : join(ROOT, ".wrangler"), "demo-seed.json");

/**
 * The demo devices' profile. Heartbeat vitals are stored as telemetry and checked against the
 * profile like any reading, so they are declared here beside the climate: otherwise every
 * heartbeat would land among the rejected messages as `metric_not_allowed`.
 */
export const DEMO_PROFILE = {
  id: "environment",
  name: "Environment sensor",
  isDefault: true,
  metrics: {
    temp: { type: "number", unit: "C", min: -40, max: 85 },
    hum: { type: "number", unit: "%", min: 0, max: 100 },
    uptime: { type: "number", unit: "s", min: 0 },
    battery: { type: "number", unit: "%", min: 0, max: 100 },
    rssi: { type: "number", unit: "dBm", min: -150, max: 0 },
  },
};
