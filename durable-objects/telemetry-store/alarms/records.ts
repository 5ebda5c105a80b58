/**
 * Alarm rows: opening, clearing, acknowledging, listing, counting, and the outbox of events each
 * change leaves for the notifications queue. Every function runs inside the caller's transaction.
 */
import { sortableId } from "../../../domain/ids";
import type { Alarm, AlarmCounts, AlarmEvent, AlarmEventType, AlarmQuery, AlarmRule, AlarmSeverity } from "../../../domain/schemas/alarms";
import type { TelemetryValue } from "../../../domain/telemetry/points";

type AlarmRow = {
  id: string;
  rule_id: string;
  rule_name: string;
  device: string;
  metric: string | null;
  severity: string;
  status: string;
  acknowledged: number;
  ack_by: string | null;
  ack_at: number | null;
  raised_at: number;
  value: string | null;
  details: string;
  cleared_at: number | null;
  cleared_by: string | null;
};

const toAlarm = (r: AlarmRow): Alarm => ({
  id: r.id,
  ruleId: r.rule_id,
  ruleName: r.rule_name,
  deviceId: r.device,
  metric: r.metric,
  severity: r.severity as AlarmSeverity,
  status: r.status as Alarm["status"],
  acknowledged: r.acknowledged === 1,
  acknowledgedBy: r.ack_by,
  acknowledgedAt: r.ack_at,
  raisedAt: r.raised_at,
  value: r.value === null ? null : (JSON.parse(r.value) as TelemetryValue),
  details: JSON.parse(r.details) as Record<string, unknown>,
  clearedAt: r.cleared_at,
  clearedBy: r.cleared_by,
});

function alarmById(sql: SqlStorage, id: string): Alarm | null {
  const row = sql.exec<AlarmRow>("SELECT * FROM alarms WHERE id = ?", id).toArray()[0];
  return row ? toAlarm(row) : null;
}

function enqueueEvent(sql: SqlStorage, tenant: string, type: AlarmEventType, alarm: Alarm, at: number) {
  const event: AlarmEvent = { id: `${alarm.id}.${type}`, type, tenant, at, alarm };
  sql.exec("INSERT INTO alarm_outbox (event) VALUES (?)", JSON.stringify(event));
}

const metricOf = (rule: AlarmRule) => ("metric" in rule.condition ? (rule.condition.metric ?? null) : null);

/** Opens the rule's alarm for the device; none if one is already active (the unique index decides). */
export function openAlarm(sql: SqlStorage, tenant: string, rule: AlarmRule, device: string, at: number, value: TelemetryValue | null, details: Record<string, unknown>): void {
  const id = sortableId(at);
  const inserted = sql.exec(
    `INSERT INTO alarms (id, rule_id, rule_name, device, metric, severity, status, raised_at, value, details)
     VALUES (?, ?, ?, ?, ?, ?, 'active', ?, ?, ?) ON CONFLICT DO NOTHING`,
    id,
    rule.id,
    rule.name,
    device,
    metricOf(rule),
    rule.severity,
    at,
    value === null ? null : JSON.stringify(value),
    JSON.stringify(details),
  ).rowsWritten;
  if (inserted > 0) enqueueEvent(sql, tenant, "raised", alarmById(sql, id)!, at);
}

/** Clears the rule's active alarm for the device, if there is one. */
export function closeAlarm(sql: SqlStorage, tenant: string, ruleId: string, device: string, at: number, by: string): Alarm | null {
  const row = sql.exec<AlarmRow>("UPDATE alarms SET status = 'cleared', cleared_at = ?, cleared_by = ? WHERE rule_id = ? AND device = ? AND status = 'active' RETURNING *", at, by, ruleId, device).toArray()[0];
  if (!row) return null;
  const alarm = toAlarm(row);
  enqueueEvent(sql, tenant, "cleared", alarm, at);
  return alarm;
}

export type AlarmAction = { ok: Alarm } | { error: "not_found" | "already_cleared" };

export function clearById(sql: SqlStorage, tenant: string, id: string, by: string, at: number): AlarmAction & { ruleId?: string; device?: string } {
  const alarm = alarmById(sql, id);
  if (!alarm) return { error: "not_found" };
  if (alarm.status === "cleared") return { error: "already_cleared" };
  return { ok: closeAlarm(sql, tenant, alarm.ruleId, alarm.deviceId, at, by)!, ruleId: alarm.ruleId, device: alarm.deviceId };
}

/** Acknowledging twice keeps the first who and when. */
export function acknowledge(sql: SqlStorage, tenant: string, id: string, by: string, at: number): AlarmAction {
  const row = sql.exec<AlarmRow>("UPDATE alarms SET acknowledged = 1, ack_by = ?, ack_at = ? WHERE id = ? AND acknowledged = 0 RETURNING *", by, at, id).toArray()[0];
  if (row) {
    const alarm = toAlarm(row);
    enqueueEvent(sql, tenant, "acknowledged", alarm, at);
    return { ok: alarm };
  }
  const existing = alarmById(sql, id);
  return existing ? { ok: existing } : { error: "not_found" };
}

export function getAlarm(sql: SqlStorage, id: string): Alarm | null {
  return alarmById(sql, id);
}

const STATUS_WHERE: Record<NonNullable<AlarmQuery["status"]>, string> = {
  active: "status = 'active'",
  cleared: "status = 'cleared'",
  active_unack: "status = 'active' AND acknowledged = 0",
  active_ack: "status = 'active' AND acknowledged = 1",
  cleared_unack: "status = 'cleared' AND acknowledged = 0",
  cleared_ack: "status = 'cleared' AND acknowledged = 1",
};

/** Newest first; the cursor is the last id of the previous page (ids sort by time). */
export function listAlarms(sql: SqlStorage, q: AlarmQuery): { items: Alarm[]; nextCursor: string | null } {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (q.status) where.push(STATUS_WHERE[q.status]);
  if (q.severity) (where.push("severity = ?"), args.push(q.severity));
  if (q.device) (where.push("device = ?"), args.push(q.device));
  if (q.cursor) (where.push("id < ?"), args.push(q.cursor));
  const rows = sql.exec<AlarmRow>(`SELECT * FROM alarms ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`, ...args, q.limit + 1).toArray();
  const items = rows.slice(0, q.limit).map(toAlarm);
  return { items, nextCursor: rows.length > q.limit ? items[items.length - 1]!.id : null };
}

export function countAlarms(sql: SqlStorage): AlarmCounts {
  const bySeverity: AlarmCounts["bySeverity"] = { critical: 0, major: 0, minor: 0, warning: 0 };
  let active = 0;
  let unacknowledged = 0;
  for (const r of sql.exec<{ severity: AlarmSeverity; n: number; unack: number }>("SELECT severity, count(*) AS n, sum(acknowledged = 0) AS unack FROM alarms WHERE status = 'active' GROUP BY severity")) {
    bySeverity[r.severity] = r.n;
    active += r.n;
    unacknowledged += r.unack;
  }
  return { active, unacknowledged, bySeverity };
}

/** Events not yet handed to the queue, oldest first. */
export function pendingEvents(sql: SqlStorage, limit = 100): { id: number; event: AlarmEvent }[] {
  return sql
    .exec<{ id: number; event: string }>("SELECT id, event FROM alarm_outbox ORDER BY id LIMIT ?", limit)
    .toArray()
    .map((r) => ({ id: r.id, event: JSON.parse(r.event) as AlarmEvent }));
}

export function forgetEvents(sql: SqlStorage, upToId: number): void {
  sql.exec("DELETE FROM alarm_outbox WHERE id <= ?", upToId);
}
