/**
 * Rollouts' rows: creation with their executions, reads with counts per state and wave, and the
 * status changes the API and the FirmwareRollout Workflow make. Every statement is pinned to the
 * tenant. Executions' own transitions are in rollout-executions.ts.
 */
import { and, count, eq, inArray, sql } from "drizzle-orm";
import { AppError, notFound } from "../../errors";
import { EXECUTION_STATES, type ExecutionState } from "../../ota/rollout";
import { emptyCounts, type GateRecord, type PausedReason, type Rollout, type RolloutListQuery, type RolloutStatus, type RolloutSummary, type RolloutTarget, type StateCounts } from "../../schemas/rollouts";
import { afterCursor, isUniqueViolation, toPage, type Db } from "../db";
import { rolloutExecutions, rollouts } from "../schema";

type Row = typeof rollouts.$inferSelect;
export type RolloutRow = Row;

/** Rows per INSERT … SELECT FROM json_each(?): one bound JSON parameter carries them all. */
const INSERT_CHUNK = 500;

export type NewRollout = Pick<Row, "id" | "firmwareId" | "version" | "kind" | "rollbackOf" | "target" | "strategy" | "waves" | "createdBy">;
export type NewExecution = { deviceId: string; wave: number; position: number; fromVersion: string | null };

const toSummary = (r: Row, counts: StateCounts, devices: number): RolloutSummary =>
  ({
    id: r.id,
    firmwareId: r.firmwareId,
    version: r.version,
    kind: r.kind,
    rollbackOf: r.rollbackOf,
    target: r.target,
    strategy: r.strategy,
    status: r.status,
    wave: r.wave,
    waves: r.waves,
    pausedReason: (r.pausedReason as PausedReason | null) ?? null,
    devices,
    counts,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    finishedAt: r.finishedAt,
  }) as RolloutSummary;

export function rolloutRepo(db: Db, tenantId: string) {
  const mine = eq(rollouts.tenantId, tenantId);
  const byId = (id: string) => and(mine, eq(rollouts.id, id));

  async function countsOf(ids: string[]): Promise<Map<string, { counts: StateCounts; devices: number; waves: Map<number, StateCounts> }>> {
    const out = new Map<string, { counts: StateCounts; devices: number; waves: Map<number, StateCounts> }>();
    if (ids.length === 0) return out;
    const rows = await db
      .select({ rolloutId: rolloutExecutions.rolloutId, wave: rolloutExecutions.wave, state: rolloutExecutions.state, n: count() })
      .from(rolloutExecutions)
      .where(and(eq(rolloutExecutions.tenantId, tenantId), inArray(rolloutExecutions.rolloutId, ids)))
      .groupBy(rolloutExecutions.rolloutId, rolloutExecutions.wave, rolloutExecutions.state)
      .all();
    for (const r of rows) {
      const entry = out.get(r.rolloutId) ?? { counts: emptyCounts(), devices: 0, waves: new Map() };
      const state = r.state as ExecutionState;
      entry.counts[state] += r.n;
      entry.devices += r.n;
      const wave = entry.waves.get(r.wave) ?? emptyCounts();
      wave[state] += r.n;
      entry.waves.set(r.wave, wave);
      out.set(r.rolloutId, entry);
    }
    return out;
  }

  return {
    /** The rollout and every execution, in one batch: a rollout never exists without its devices. */
    async create(input: NewRollout, executions: NewExecution[], now = Date.now()): Promise<void> {
      // One D1 batch (atomic); the executions ride in one JSON parameter per chunk (D1 binds at most 100 per statement).
      const statements = [db.insert(rollouts).values({ tenantId, ...input, status: "running", wave: 0, gates: [], createdAt: now, updatedAt: now })];
      for (let i = 0; i < executions.length; i += INSERT_CHUNK) {
        const rows = JSON.stringify(executions.slice(i, i + INSERT_CHUNK).map((e) => [e.deviceId, e.wave, e.position, e.fromVersion]));
        statements.push(
          db.insert(rolloutExecutions).select(
            sql`SELECT ${tenantId}, ${input.id}, json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), 'pending', 0, json_extract(value, '$[3]'), NULL, NULL, NULL,
                       json_array(json_object('state', 'pending', 'at', ${now}, 'attempt', 0)), ${now}
                FROM json_each(${rows})`,
          ) as never,
        );
      }
      try {
        await db.batch(statements as [(typeof statements)[number], ...typeof statements]);
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError("already_exists", `rollout '${input.id}' already exists`);
        throw err;
      }
    },

    async row(id: string): Promise<Row> {
      const row = await db.select().from(rollouts).where(byId(id)).get();
      if (!row) throw notFound("rollout");
      return row;
    },

    async get(id: string): Promise<Rollout> {
      const row = await this.row(id);
      const c = (await countsOf([id])).get(id);
      const waveCounts = [...(c?.waves ?? new Map<number, StateCounts>()).entries()].sort(([a], [b]) => a - b).map(([wave, counts]) => ({ wave, devices: Object.values(counts).reduce((s, n) => s + n, 0), counts }));
      return { ...toSummary(row, c?.counts ?? emptyCounts(), c?.devices ?? 0), waveCounts, gates: row.gates as GateRecord[] } as Rollout;
    },

    async list(q: RolloutListQuery) {
      const where = and(mine, q.status ? eq(rollouts.status, q.status) : undefined);
      const rows = await db
        .select()
        .from(rollouts)
        .where(afterCursor(rollouts.id, q.cursor, where))
        .orderBy(rollouts.id)
        .limit(q.limit + 1)
        .all();
      const counts = await countsOf(rows.slice(0, q.limit).map((r) => r.id));
      return toPage(
        rows,
        q.limit,
        (r) => r.id,
        (r) => toSummary(r, counts.get(r.id)?.counts ?? emptyCounts(), counts.get(r.id)?.devices ?? 0),
      );
    },

    /** Rollouts still running or paused, for the plan's limit. */
    async activeCount(): Promise<number> {
      const row = await db
        .select({ n: count() })
        .from(rollouts)
        .where(and(mine, inArray(rollouts.status, ["running", "paused"])))
        .get();
      return row?.n ?? 0;
    },

    /** Whether an unfinished rollout installs this artifact (it may then not be deleted). */
    async usingFirmware(firmwareId: string): Promise<string | null> {
      const row = await db
        .select({ id: rollouts.id })
        .from(rollouts)
        .where(and(mine, eq(rollouts.firmwareId, firmwareId), inArray(rollouts.status, ["running", "paused"])))
        .get();
      return row?.id ?? null;
    },

    /**
     * Changes the status only from one of `from` (the conditional update decides when the API
     * and the Workflow race); null when the rollout was not in one of them.
     */
    async transition(id: string, from: RolloutStatus[], to: RolloutStatus, extra: { pausedReason?: PausedReason | null; acknowledged?: { executed: number; failed: number }; now?: number } = {}): Promise<Row | null> {
      const now = extra.now ?? Date.now();
      const finished = to === "completed" || to === "canceled";
      const row = await db
        .update(rollouts)
        .set({ status: to, updatedAt: now, ...(extra.pausedReason !== undefined ? { pausedReason: extra.pausedReason } : {}), ...(extra.acknowledged ? { acknowledged: extra.acknowledged } : {}), ...(finished ? { finishedAt: now } : {}) })
        .where(and(byId(id), inArray(rollouts.status, from)))
        .returning()
        .get();
      return row ?? null;
    },

    /** A running rollout's Workflow looked at it (every tick): a row not touched for a while is a stalled instance. */
    async touch(id: string, now = Date.now()): Promise<void> {
      await db
        .update(rollouts)
        .set({ updatedAt: now })
        .where(and(byId(id), eq(rollouts.status, "running")));
    },

    async setWave(id: string, wave: number): Promise<void> {
      await db.update(rollouts).set({ wave, updatedAt: Date.now() }).where(byId(id));
    },

    /** Appends one gate decision (only the rollout's Workflow writes them). */
    async recordGate(id: string, gate: GateRecord): Promise<void> {
      await db
        .update(rollouts)
        .set({ gates: sql`json_insert(${rollouts.gates}, '$[#]', json(${JSON.stringify(gate)}))`, updatedAt: Date.now() })
        .where(byId(id));
    },

    async counts(id: string): Promise<StateCounts> {
      return (await countsOf([id])).get(id)?.counts ?? emptyCounts();
    },

    /** Devices of the tenant that an unfinished rollout is still updating, among `deviceIds`. */
    async busyDevices(deviceIds: string[]): Promise<{ deviceId: string; rolloutId: string }[]> {
      if (deviceIds.length === 0) return [];
      const terminal = EXECUTION_STATES.filter((s) => !["pending", "notified", "downloading", "downloaded", "verified", "installing"].includes(s));
      return db.all<{ deviceId: string; rolloutId: string }>(sql`
        SELECT e.device_id AS deviceId, e.rollout_id AS rolloutId FROM rollout_executions e
        JOIN rollouts r ON r.tenant_id = e.tenant_id AND r.id = e.rollout_id
        WHERE e.tenant_id = ${tenantId} AND r.status IN ('running', 'paused')
          AND e.state NOT IN (SELECT value FROM json_each(${JSON.stringify(terminal)}))
          AND e.device_id IN (SELECT value FROM json_each(${JSON.stringify(deviceIds)}))
        LIMIT 10`);
    },

    /** The tenant's devices a target names, with what decides whether an artifact fits them. */
    async targetDevices(target: RolloutTarget): Promise<{ id: string; profileId: string | null; tags: string[]; firmwareVersion: string | null }[]> {
      const cond =
        "devices" in target
          ? sql`id IN (SELECT value FROM json_each(${JSON.stringify(target.devices)}))`
          : "tags" in target
            ? sql`NOT EXISTS (SELECT 1 FROM json_each(${JSON.stringify(target.tags)}) t WHERE t.value NOT IN (SELECT value FROM json_each(devices.tags)))`
            : "profile" in target
              ? sql`profile_id = ${target.profile}`
              : sql`1 = 1`;
      const rows = await db.all<{ id: string; profileId: string | null; tags: string; firmwareVersion: string | null }>(
        sql`SELECT id, profile_id AS profileId, tags, firmware_version AS firmwareVersion FROM devices WHERE tenant_id = ${tenantId} AND ${cond} ORDER BY id`,
      );
      return rows.map((r) => ({ ...r, tags: JSON.parse(r.tags) as string[] }));
    },
  };
}
