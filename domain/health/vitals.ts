/**
 * A heartbeat's payload (`{"uptime": 3600, "battery": 81, "rssi": -67, "freeMem": 20480, "errors": 0}`)
 * read as vitals: the numbers at its top level. Anything else (an empty payload, plain text, a
 * nested object) is still a heartbeat; it just reports no vitals.
 */
import { VitalName } from "./policy";

const MAX_VITALS = 32;
const MAX_HEARTBEAT_BYTES = 4096;

export type Vitals = Record<string, number>;

export function readVitals(payload: Uint8Array): Vitals {
  if (payload.byteLength === 0 || payload.byteLength > MAX_HEARTBEAT_BYTES || payload[0] !== 0x7b /* { */) return {};
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(payload));
  } catch {
    return {};
  }
  if (!json || typeof json !== "object" || Array.isArray(json)) return {};
  const vitals: Vitals = {};
  let n = 0;
  for (const [key, value] of Object.entries(json)) {
    // `ts` is when, not a vital.
    if (key === "ts" || typeof value !== "number" || !Number.isFinite(value) || !VitalName.safeParse(key).success) continue;
    vitals[key] = value;
    if (++n >= MAX_VITALS) break;
  }
  return vitals;
}
