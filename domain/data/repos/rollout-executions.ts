/**
 * Per-device executions of a rollout: the notices the Workflow sends, the reports devices make
 * on `…/ota/status`, deadlines and retries, and the cohorts the health gate compares. Every
 * transition is a conditional UPDATE on the state it starts from, so a late report, a retry and
 * a cancel racing each other cannot both win, and `history` gains one entry per transition.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import { nextExecutionState, TERMINAL_STATES, type DeviceOtaStatus, type ExecutionState } from "../../ota/rollout";
import type { CohortHealth } from "../../ota/gate";
import type { RolloutDevicesQuery, RolloutExecution } from "../../schemas/rollouts";
import { afterCursor, toPage, type Db } from "../db";
import { devices, rolloutExecutions as ex, rollouts } from "../schema";

const TERMINAL = JSON.stringify([...TERMINAL_STATES]);
const IN_FLIGHT = JSON.stringify(["notified", "downloading", "downloaded", "verified", "installing"]);
/** States a failure rate counts as failed (a device that rebooted into its old image included). */
export const FAILED_STATES: readonly ExecutionState[] = ["failed", "timed_out", "rejected", "rolled_back"];

type Row = typeof ex.$inferSelect;
const toExecution = ({ tenantId: _t, rolloutId: _r, position: _p, ...r }: Row): RolloutExecution => r as RolloutExecution;

export function rolloutExecutionRepo(db: Db, tenantId: string) {
  const of = (rolloutId: string) => and(eq(ex.tenantId, tenantId), eq(ex.rolloutId, rolloutId));
  const historyEntry = (state: string, at: number, attempt: unknown, error?: string | null) =>
    sql`json_insert(${ex.history}, '$[#]', json_object('state', ${state}, 'at', ${at}, 'attempt', ${attempt}${error ? sql`, 'error', ${error}` : sql``}))`;

  return {
    async list(rolloutId: string, q: RolloutDevicesQuery) {
      const where = and(of(rolloutId), q.state ? eq(ex.state, q.state) : undefined, q.wave !== undefined ? eq(ex.wave, q.wave) : undefined);
      const rows = await db
        .select()
        .from(ex)
        .where(afterCursor(ex.deviceId, q.cursor, where))
        .orderBy(asc(ex.deviceId))
        .limit(q.limit + 1)
        .all();
      return toPage(rows, q.limit, (r) => r.deviceId, toExecution);
    },

    async get(rolloutId: string, deviceId: string): Promise<RolloutExecution | null> {
      const row = await db
        .select()
        .from(ex)
        .where(and(of(rolloutId), eq(ex.deviceId, deviceId)))
        .get();
      return row ? toExecution(row) : null;
    },

    /** Executions being updated now (notified and not yet final). */
    async inFlight(rolloutId: string): Promise<number> {
      const row = await db.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM rollout_executions WHERE tenant_id = ${tenantId} AND rollout_id = ${rolloutId} AND state IN (SELECT value FROM json_each(${IN_FLIGHT}))`);
      return row?.n ?? 0;
    },

    /** Executions of waves up to `wave` not final yet (pending included): the wave is done when none are left. */
    async unfinishedUpTo(rolloutId: string, wave: number): Promise<number> {
      const row = await db.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM rollout_executions WHERE tenant_id = ${tenantId} AND rollout_id = ${rolloutId} AND wave <= ${wave} AND state NOT IN (SELECT value FROM json_each(${TERMINAL}))`);
      return row?.n ?? 0;
    },

    /**
     * Executions to notify next: retries first (failed or timed out with attempts left), then
     * pending ones of the waves up to `wave` in the rollout's order.
     */
    async dueForNotice(rolloutId: string, wave: number, retries: number, limit: number): Promise<{ deviceId: string; attempt: number }[]> {
      if (limit <= 0) return [];
      return db.all<{ deviceId: string; attempt: number }>(sql`
        SELECT device_id AS deviceId, attempt FROM rollout_executions
        WHERE tenant_id = ${tenantId} AND rollout_id = ${rolloutId} AND wave <= ${wave}
          AND (state = 'pending' OR (state IN ('failed', 'timed_out') AND attempt <= ${retries}))
        ORDER BY state = 'pending', position LIMIT ${limit}`);
    },

    /** Marks devices notified for their next attempt, each only from the state it was read in. */
    async markNotified(rolloutId: string, notices: { deviceId: string; attempt: number }[], deadlineAt: number, now = Date.now()): Promise<string[]> {
      if (notices.length === 0) return [];
      const rows = await db.all<{ deviceId: string }>(sql`
        UPDATE rollout_executions SET state = 'notified', attempt = attempt + 1, deadline_at = ${deadlineAt}, progress = NULL, error = NULL, updated_at = ${now},
          history = json_insert(history, '$[#]', json_object('state', 'notified', 'at', ${now}, 'attempt', attempt + 1))
        WHERE tenant_id = ${tenantId} AND rollout_id = ${rolloutId}
          AND (state = 'pending' OR state IN ('failed', 'timed_out'))
          AND EXISTS (SELECT 1 FROM json_each(${JSON.stringify(notices.map((n) => [n.deviceId, n.attempt]))}) j
                      WHERE json_extract(j.value, '$[0]') = device_id AND json_extract(j.value, '$[1]') = attempt)
        RETURNING device_id AS deviceId`);
      return rows.map((r) => r.deviceId);
    },

    /** Updates past their deadline without a final report become `timed_out`. */
    async expire(rolloutId: string, now = Date.now()): Promise<string[]> {
      const rows = await db.all<{ deviceId: string }>(sql`
        UPDATE rollout_executions SET state = 'timed_out', updated_at = ${now}, error = 'no final state reported before the deadline',
          history = json_insert(history, '$[#]', json_object('state', 'timed_out', 'at', ${now}, 'attempt', attempt))
        WHERE tenant_id = ${tenantId} AND rollout_id = ${rolloutId} AND deadline_at < ${now} AND state IN (SELECT value FROM json_each(${IN_FLIGHT}))
        RETURNING device_id AS deviceId`);
      return rows.map((r) => r.deviceId);
    },

    /** Executions of devices deleted since the rollout began end as `canceled` (nothing is sent to a device that is gone). */
    async cancelDeleted(rolloutId: string, now = Date.now()): Promise<number> {
      const rows = await db.all<{ deviceId: string }>(sql`
        UPDATE rollout_executions SET state = 'canceled', updated_at = ${now}, error = 'the device was deleted',
          history = json_insert(history, '$[#]', json_object('state', 'canceled', 'at', ${now}, 'attempt', attempt, 'error', 'the device was deleted'))
        WHERE tenant_id = ${tenantId} AND rollout_id = ${rolloutId} AND state NOT IN (SELECT value FROM json_each(${TERMINAL}))
          AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.tenant_id = rollout_executions.tenant_id AND d.id = rollout_executions.device_id)
        RETURNING device_id AS deviceId`);
      return rows.length;
    },

    /** Cancels every execution not final yet; answers the devices that had a notice. */
    async cancelRemaining(rolloutId: string, now = Date.now()): Promise<string[]> {
      const rows = await db.all<{ deviceId: string; attempt: number }>(sql`
        UPDATE rollout_executions SET state = 'canceled', updated_at = ${now},
          history = json_insert(history, '$[#]', json_object('state', 'canceled', 'at', ${now}, 'attempt', attempt))
        WHERE tenant_id = ${tenantId} AND rollout_id = ${rolloutId} AND state NOT IN (SELECT value FROM json_each(${TERMINAL}))
        RETURNING device_id AS deviceId, attempt`);
      return rows.filter((r) => r.attempt > 0).map((r) => r.deviceId);
    },

    /**
     * A device's report on `…/ota/status`. Applies when the execution is the device's for that
     * rollout and the report moves it forward (a late or repeated report changes nothing); a
     * `succeeded` with the target version also records the device's new firmware version.
     */
    async applyReport(deviceId: string, report: DeviceOtaStatus, now = Date.now()): Promise<{ state: ExecutionState; version: string } | null> {
      const current = await db
        .select({ state: ex.state, attempt: ex.attempt, version: rollouts.version })
        .from(ex)
        .innerJoin(rollouts, and(eq(rollouts.tenantId, ex.tenantId), eq(rollouts.id, ex.rolloutId)))
        .where(and(of(report.rolloutId), eq(ex.deviceId, deviceId)))
        .get();
      if (!current) return null;
      const next = nextExecutionState(current.state as ExecutionState, report, current.version);
      if (!next) return null;
      const error = next === "rolled_back" ? `the device reported version ${report.version ?? "(none)"} after installing ${current.version}` : (report.error ?? null);
      const updated = await db
        .update(ex)
        .set({ state: next, progress: report.progress ?? null, error, updatedAt: now, history: historyEntry(next, now, current.attempt, error) })
        .where(and(of(report.rolloutId), eq(ex.deviceId, deviceId), eq(ex.state, current.state), eq(ex.attempt, current.attempt)))
        .returning({ state: ex.state })
        .get();
      if (!updated) return null;
      if (next === "succeeded")
        await db
          .update(devices)
          .set({ firmwareVersion: current.version, updatedAt: now })
          .where(and(eq(devices.tenantId, tenantId), eq(devices.id, deviceId)));
      return { state: next, version: current.version };
    },

    /** Finished updates and failures among them, for the failure-rate gate. */
    async outcomes(rolloutId: string): Promise<{ executed: number; failed: number }> {
      const row = await db.get<{ executed: number; failed: number }>(sql`
        SELECT COUNT(*) AS executed, COALESCE(SUM(state IN (SELECT value FROM json_each(${JSON.stringify(FAILED_STATES)}))), 0) AS failed
        FROM rollout_executions WHERE tenant_id = ${tenantId} AND rollout_id = ${rolloutId} AND state IN (SELECT value FROM json_each(${TERMINAL})) AND state != 'canceled'`);
      return { executed: row?.executed ?? 0, failed: row?.failed ?? 0 };
    },

    /**
     * The two cohorts the health gate compares: devices this rollout updated (`succeeded`) and
     * target devices it has not touched yet (`pending`), with their health as the registry
     * mirrors it and how many of them have an active alarm (`alarmed`: ids from the hot store).
     */
    async cohorts(rolloutId: string, alarmed: readonly string[]): Promise<{ updated: CohortHealth; control: CohortHealth }> {
      const rows = await db.all<{ state: string; devices: number; offline: number; degraded: number; alarmed: number }>(sql`
        SELECT e.state AS state, COUNT(*) AS devices, SUM(d.health = 'offline') AS offline, SUM(d.health = 'degraded') AS degraded,
               SUM(e.device_id IN (SELECT value FROM json_each(${JSON.stringify(alarmed)}))) AS alarmed
        FROM rollout_executions e JOIN devices d ON d.tenant_id = e.tenant_id AND d.id = e.device_id
        WHERE e.tenant_id = ${tenantId} AND e.rollout_id = ${rolloutId} AND e.state IN ('succeeded', 'pending')
        GROUP BY e.state`);
      const of = (state: string): CohortHealth => {
        const r = rows.find((x) => x.state === state);
        return { devices: r?.devices ?? 0, offline: r?.offline ?? 0, degraded: r?.degraded ?? 0, alarmed: r?.alarmed ?? 0 };
      };
      return { updated: of("succeeded"), control: of("pending") };
    },

    /** Some devices of each cohort (updated: `succeeded`; control: `pending`), for a metric's comparison. */
    async cohortSample(rolloutId: string, perCohort: number): Promise<{ updated: string[]; control: string[] }> {
      const pick = (state: "succeeded" | "pending") =>
        db
          .select({ id: ex.deviceId })
          .from(ex)
          .where(and(of(rolloutId), eq(ex.state, state)))
          .orderBy(ex.position)
          .limit(perCohort)
          .all();
      const [updated, control] = await Promise.all([pick("succeeded"), pick("pending")]);
      return { updated: updated.map((r) => r.id), control: control.map((r) => r.id) };
    },

    /** Devices the rollout updated and the version each had before, for a rollback. */
    async updated(rolloutId: string): Promise<{ deviceId: string; fromVersion: string | null }[]> {
      return db
        .select({ deviceId: ex.deviceId, fromVersion: ex.fromVersion })
        .from(ex)
        .where(and(of(rolloutId), eq(ex.state, "succeeded")))
        .orderBy(ex.position)
        .all();
    },
  };
}
