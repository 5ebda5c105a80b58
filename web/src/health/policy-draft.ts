/**
 * The health policy editor's draft: what the form holds (text as typed) and the policy it means.
 * Empty means "inherit": the field is left out, and the profile's value (or the default) applies;
 * a draft with nothing set clears the device's own policy (null).
 */
import type { HealthPolicy } from "../../../domain/schemas/health";

export type HeartbeatMode = "inherit" | "none" | "every";
export type VitalRow = { key: number; name: string; min: string; max: string };
export type PolicyDraft = { heartbeat: HeartbeatMode; heartbeatSeconds: string; inactivitySeconds: string; ownVitals: boolean; vitals: VitalRow[] };

let rowKeys = 0;
export const newRow = (name = "", min = "", max = ""): VitalRow => ({ key: ++rowKeys, name, min, max });

export function draftOf(p: HealthPolicy | null): PolicyDraft {
  const hb = p?.heartbeatIntervalSeconds;
  return {
    heartbeat: hb === undefined ? "inherit" : hb === null ? "none" : "every",
    heartbeatSeconds: typeof hb === "number" ? String(hb) : "",
    inactivitySeconds: p?.inactivityTimeoutSeconds !== undefined ? String(p.inactivityTimeoutSeconds) : "",
    ownVitals: p?.vitals !== undefined,
    vitals: p?.vitals ? Object.entries(p.vitals).map(([name, b]) => newRow(name, b.min !== undefined ? String(b.min) : "", b.max !== undefined ? String(b.max) : "")) : [newRow()],
  };
}

/** Typed text as a number: empty or not a number becomes NaN, which the shared schema names. */
const num = (text: string) => (text.trim() === "" ? Number.NaN : Number(text));

/**
 * Where a row's errors are reported: under its name, or its position while it has none. `prefix`
 * is the policy's place in the request body: a device's `healthPolicy`, a profile's `health`.
 */
export const rowField = (row: VitalRow, index: number, prefix = "healthPolicy") => `${prefix}.vitals.${row.name.trim() || `row ${index + 1}`}`;

/**
 * The policy the draft means. Mistakes the schema cannot see (a nameless or repeated vital) come
 * back as problems shaped like the API's (`body.`-prefixed paths); the rest is left to the schema.
 */
export type DraftProblem = { path: string; message: string };
export function policyOf(d: PolicyDraft, prefix = "healthPolicy"): { policy: HealthPolicy | null } | { problems: DraftProblem[] } {
  const policy: HealthPolicy = {};
  if (d.heartbeat === "none") policy.heartbeatIntervalSeconds = null;
  if (d.heartbeat === "every") policy.heartbeatIntervalSeconds = num(d.heartbeatSeconds);
  if (d.inactivitySeconds.trim() !== "") policy.inactivityTimeoutSeconds = num(d.inactivitySeconds);
  if (d.ownVitals) {
    const vitals: NonNullable<HealthPolicy["vitals"]> = {};
    const problems: DraftProblem[] = [];
    d.vitals.forEach((row, i) => {
      const name = row.name.trim();
      if (!name && !row.min.trim() && !row.max.trim()) return;
      if (!name) return problems.push({ path: `body.${rowField(row, i, prefix)}`, message: "give the vital a name" });
      if (name in vitals) return problems.push({ path: `body.${rowField(row, i, prefix)}`, message: "named twice" });
      vitals[name] = { ...(row.min.trim() ? { min: num(row.min) } : {}), ...(row.max.trim() ? { max: num(row.max) } : {}) };
    });
    if (problems.length) return { problems };
    policy.vitals = vitals;
  }
  return { policy: Object.keys(policy).length ? policy : null };
}
