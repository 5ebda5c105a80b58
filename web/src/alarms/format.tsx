/** How alarms read in the console, shared by the Alarms page and the device panel. */
import type { Alarm, AlarmStatusFilter } from "../../../domain/schemas/alarms";

export const when = (ms: number | null | undefined) => (ms ? new Date(ms).toLocaleString() : "—");

export function SeverityBadge({ severity }: { severity: Alarm["severity"] }) {
  return <span class={`status severity severity-${severity}`}>{severity}</span>;
}

export const stateOf = (a: Alarm) => `${a.status}${a.acknowledged ? ", acknowledged" : ", unacknowledged"}`;

/** Acknowledging and clearing only ever move forward, so the view further along is the newer one. */
const progress = (a: Alarm) => (a.status === "cleared" ? 2 : 0) + (a.acknowledged ? 1 : 0);
export const newer = (a: Alarm, b: Alarm) => (progress(b) >= progress(a) ? b : a);

/** `list` with `a` in its place (newest raised first), keeping whichever view of it is further along. */
export function merged(list: Alarm[], a: Alarm): Alarm[] {
  const i = list.findIndex((x) => x.id === a.id);
  if (i >= 0) {
    const next = newer(list[i]!, a);
    return next === list[i] ? list : list.map((x, j) => (j === i ? next : x));
  }
  return [...list, a].sort((x, y) => y.raisedAt - x.raisedAt);
}

/** Whether the API would list `a` under this status filter (live arrivals show only if so). */
export function matchesStatus(a: Alarm, status: AlarmStatusFilter | ""): boolean {
  if (!status) return true;
  const [state, ack] = status.split("_");
  if (state !== a.status) return false;
  return ack === undefined || (ack === "ack") === a.acknowledged;
}
