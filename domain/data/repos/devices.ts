import { and, count, eq, inArray, like, or, sql } from "drizzle-orm";
import { AppError, notFound } from "../../errors";
import type { CreateDevice, Device, DeviceListQuery, UpdateDevice } from "../../schemas/devices";
import { afterCursor, isUniqueViolation, toPage, type Db } from "../db";
import type { HealthPolicy } from "../../health/policy";
import { devices } from "../schema";
import { hasCertificateExpiringBefore } from "./device-credentials";

type Row = typeof devices.$inferSelect;

function toDevice(row: Row): Device {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    type: row.type,
    parentId: row.parentId,
    profileId: row.profileId,
    location: row.lat !== null && row.lon !== null ? { lat: row.lat, lon: row.lon } : null,
    tags: row.tags,
    firmwareVersion: row.firmwareVersion,
    hardwareRevision: row.hardwareRevision,
    status: row.status,
    disabled: row.disabled,
    lastSeenAt: row.lastSeenAt,
    health: row.health,
    healthReason: row.healthReason as Device["healthReason"],
    healthSince: row.healthSince,
    healthPolicy: row.healthPolicy ?? null,
    clientAttributes: row.clientAttributes,
    sharedAttributes: row.sharedAttributes,
    credentialsRotatedAt: row.credentialsRotatedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** Device counts for the fleet summary: online + offline + neverSeen = total; disabled and withLocation overlap them. */
export type FleetDeviceCounts = {
  total: number;
  online: number;
  offline: number;
  neverSeen: number;
  disabled: number;
  withLocation: number;
  byType: Record<"device" | "gateway", number>;
  byKind: Record<"INTERNAL" | "INTEGRATION" | "EXTERNAL", number>;
};

/** What the telemetry consumer checks a reading against. */
export type DeviceTelemetryFacts = { id: string; type: "device" | "gateway"; parentId: string | null; disabled: boolean; profileId: string | null; tags: string[] };

/** D1 binds at most 100 parameters per statement; id lists are queried in chunks below that. */
const ID_CHUNK = 90;
export const chunks = <T>(items: T[], size = ID_CHUNK): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** What the MQTT hub needs to authenticate and authorize a device. */
export type DeviceAuthRecord = { id: string; type: "device" | "gateway"; disabled: boolean; secretHash: string; profileId: string | null; healthPolicy: HealthPolicy | null; children: string[] };

export function deviceRepo(db: Db, tenantId: string) {
  const mine = eq(devices.tenantId, tenantId);
  const byId = (id: string) => and(mine, eq(devices.id, id));

  return {
    async get(id: string): Promise<Device> {
      const row = await db.select().from(devices).where(byId(id)).get();
      if (!row) throw notFound("device");
      return toDevice(row);
    },

    async exists(id: string): Promise<boolean> {
      return !!(await db.select({ id: devices.id }).from(devices).where(byId(id)).get());
    },

    async count(): Promise<number> {
      const row = await db.select({ n: count() }).from(devices).where(mine).get();
      return row?.n ?? 0;
    },

    /**
     * The fleet's device counts, computed by the database: one GROUP BY over the few columns the
     * summary splits by (at most 3 kinds × 2 types × 3 statuses × 2 × 2 rows), folded here.
     */
    async fleetCounts(): Promise<FleetDeviceCounts> {
      const located = sql<number>`(${devices.lat} is not null and ${devices.lon} is not null)`;
      const rows = await db
        .select({ kind: devices.kind, type: devices.type, status: devices.status, disabled: devices.disabled, located, n: count() })
        .from(devices)
        .where(mine)
        .groupBy(devices.kind, devices.type, devices.status, devices.disabled, located)
        .all();
      const out: FleetDeviceCounts = {
        total: 0,
        online: 0,
        offline: 0,
        neverSeen: 0,
        disabled: 0,
        withLocation: 0,
        byType: { device: 0, gateway: 0 },
        byKind: { INTERNAL: 0, INTEGRATION: 0, EXTERNAL: 0 },
      };
      for (const r of rows) {
        out.total += r.n;
        if (r.status === "online") out.online += r.n;
        else if (r.status === "offline") out.offline += r.n;
        else out.neverSeen += r.n;
        if (r.disabled) out.disabled += r.n;
        if (Number(r.located) === 1) out.withLocation += r.n;
        out.byType[r.type] += r.n;
        out.byKind[r.kind] += r.n;
      }
      return out;
    },

    async list(q: DeviceListQuery) {
      const where = and(
        mine,
        q.status ? eq(devices.status, q.status) : undefined,
        q.health ? eq(devices.health, q.health) : undefined,
        q.kind ? eq(devices.kind, q.kind) : undefined,
        q.type ? eq(devices.type, q.type) : undefined,
        q.firmware ? eq(devices.firmwareVersion, q.firmware) : undefined,
        q.profile ? eq(devices.profileId, q.profile) : undefined,
        q.parent ? eq(devices.parentId, q.parent) : undefined,
        q.tag ? sql`exists (select 1 from json_each(${devices.tags}) where json_each.value = ${q.tag})` : undefined,
        q.certExpiresBefore !== undefined ? hasCertificateExpiringBefore(q.certExpiresBefore) : undefined,
        q.q ? or(like(devices.id, `%${escapeLike(q.q)}%`), like(devices.name, `%${escapeLike(q.q)}%`)) : undefined,
      );
      const rows = await db
        .select()
        .from(devices)
        .where(afterCursor(devices.id, q.cursor, where))
        .orderBy(devices.id)
        .limit(q.limit + 1)
        .all();
      return toPage(rows, q.limit, (r) => r.id, toDevice);
    },

    async create(input: CreateDevice, secretHash: string, now = Date.now()): Promise<Device> {
      try {
        const row = await db
          .insert(devices)
          .values({
            tenantId,
            id: input.id,
            name: input.name ?? input.id,
            kind: input.kind,
            type: input.type,
            parentId: input.parentId ?? null,
            profileId: input.profileId ?? null,
            lat: input.location?.lat ?? null,
            lon: input.location?.lon ?? null,
            tags: input.tags,
            firmwareVersion: input.firmwareVersion ?? null,
            hardwareRevision: input.hardwareRevision ?? null,
            sharedAttributes: input.sharedAttributes,
            healthPolicy: input.healthPolicy ?? null,
            secretHash,
            credentialsRotatedAt: now,
            createdAt: now,
            updatedAt: now,
          })
          .returning()
          .get();
        return toDevice(row);
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError("already_exists", `device '${input.id}' already exists`);
        throw err;
      }
    },

    async update(id: string, patch: UpdateDevice): Promise<Device> {
      const { location, ...rest } = patch;
      const values: Partial<Row> = { ...rest, updatedAt: Date.now() };
      if (location !== undefined) {
        values.lat = location?.lat ?? null;
        values.lon = location?.lon ?? null;
      }
      const row = await db.update(devices).set(values).where(byId(id)).returning().get();
      if (!row) throw notFound("device");
      return toDevice(row);
    },

    async rotateSecret(id: string, secretHash: string): Promise<Device> {
      const now = Date.now();
      const row = await db.update(devices).set({ secretHash, credentialsRotatedAt: now, updatedAt: now }).where(byId(id)).returning().get();
      if (!row) throw notFound("device");
      return toDevice(row);
    },

    /** Deletes the device; children of a deleted gateway are detached, not deleted. */
    async delete(id: string): Promise<void> {
      const [, deleted] = await db.batch([
        db
          .update(devices)
          .set({ parentId: null })
          .where(and(mine, eq(devices.parentId, id))),
        db.delete(devices).where(byId(id)).returning({ id: devices.id }),
      ]);
      if (deleted.length === 0) throw notFound("device");
    },

    async authRecord(id: string): Promise<DeviceAuthRecord | null> {
      const row = await db.select({ id: devices.id, type: devices.type, disabled: devices.disabled, secretHash: devices.secretHash, profileId: devices.profileId, healthPolicy: devices.healthPolicy }).from(devices).where(byId(id)).get();
      if (!row) return null;
      const children =
        row.type === "gateway"
          ? (
              await db
                .select({ id: devices.id })
                .from(devices)
                .where(and(mine, eq(devices.parentId, id)))
                .all()
            ).map((c) => c.id)
          : [];
      return { ...row, children };
    },

    /** Registry facts for the given ids (unknown ids are simply absent). */
    async telemetryFacts(ids: string[]): Promise<DeviceTelemetryFacts[]> {
      const out: DeviceTelemetryFacts[] = [];
      for (const part of chunks([...new Set(ids)])) {
        const rows = await db
          .select({ id: devices.id, type: devices.type, parentId: devices.parentId, disabled: devices.disabled, profileId: devices.profileId, tags: devices.tags })
          .from(devices)
          .where(and(mine, inArray(devices.id, part)))
          .all();
        out.push(...rows);
      }
      return out;
    },

    /** Merges reported attributes into client attributes (RFC 7396 merge patch: null removes a key), one batch. */
    async mergeClientAttributes(updates: { id: string; attributes: Record<string, unknown> }[]): Promise<void> {
      if (updates.length === 0) return;
      const statements = updates.map((u) =>
        db
          .update(devices)
          .set({ clientAttributes: sql`json_patch(${devices.clientAttributes}, ${JSON.stringify(u.attributes)})` })
          .where(byId(u.id)),
      );
      await db.batch(statements as [(typeof statements)[number], ...typeof statements]);
    },

    /** Replaces (`replace`) or merge-patches the desired (shared) attributes atomically. */
    async writeSharedAttributes(id: string, attributes: Record<string, unknown>, mode: "replace" | "merge"): Promise<Device> {
      const value = mode === "replace" ? attributes : sql`json_patch(${devices.sharedAttributes}, ${JSON.stringify(attributes)})`;
      const row = await db.update(devices).set({ sharedAttributes: value, updatedAt: Date.now() }).where(byId(id)).returning().get();
      if (!row) throw notFound("device");
      return toDevice(row);
    },

    /** Connectivity updates from the hub, applied in one batch. */
    /**
     * The hub's health reports. A report of an older connection than the one recorded is
     * ignored (`health_seq`), so batches that cross cannot put a reconnected device back offline.
     */
    async recordHealth(updates: { id: string; state: Device["health"]; reason: string; since: number; seq: number }[]): Promise<void> {
      if (updates.length === 0) return;
      const statements = updates.map((u) =>
        db
          .update(devices)
          .set({ health: u.state, healthReason: u.reason, healthSince: u.since, healthSeq: u.seq })
          .where(and(byId(u.id), sql`${devices.healthSeq} <= ${u.seq}`)),
      );
      await db.batch(statements as [(typeof statements)[number], ...typeof statements]);
    },

    async recordPresence(updates: { id: string; status?: "online" | "offline"; lastSeenAt: number }[]): Promise<void> {
      if (updates.length === 0) return;
      const statements = updates.map((u) =>
        db
          .update(devices)
          .set(u.status ? { status: u.status, lastSeenAt: u.lastSeenAt } : { lastSeenAt: u.lastSeenAt })
          .where(byId(u.id)),
      );
      await db.batch(statements as [(typeof statements)[number], ...typeof statements]);
    },
  };
}

export function escapeLike(text: string): string {
  return text.replace(/[%_\\]/g, "");
}
