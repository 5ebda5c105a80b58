import { and, count, eq, inArray, ne } from "drizzle-orm";
import { AppError, notFound } from "../../errors";
import type { CreateDeviceProfile, DeviceProfile, UpdateDeviceProfile } from "../../schemas/assets";
import type { PageQuery } from "../../schemas/common";
import { afterCursor, isUniqueViolation, toPage, type Db } from "../db";
import { chunks } from "./devices";
import { deviceProfiles, devices } from "../schema";

const toProfile = ({ tenantId: _t, ...r }: typeof deviceProfiles.$inferSelect): DeviceProfile => r;

export function profileRepo(db: Db, tenantId: string) {
  const mine = eq(deviceProfiles.tenantId, tenantId);
  const byId = (id: string) => and(mine, eq(deviceProfiles.id, id));
  /** Only one profile is the default: setting one clears the others in the same batch. */
  const clearOtherDefaults = (id: string) =>
    db
      .update(deviceProfiles)
      .set({ isDefault: false })
      .where(and(mine, ne(deviceProfiles.id, id)));

  return {
    async get(id: string): Promise<DeviceProfile> {
      const row = await db.select().from(deviceProfiles).where(byId(id)).get();
      if (!row) throw notFound("device profile");
      return toProfile(row);
    },
    async find(id: string): Promise<DeviceProfile | null> {
      const row = await db.select().from(deviceProfiles).where(byId(id)).get();
      return row ? toProfile(row) : null;
    },
    async findDefault(): Promise<DeviceProfile | null> {
      const row = await db
        .select()
        .from(deviceProfiles)
        .where(and(mine, eq(deviceProfiles.isDefault, true)))
        .get();
      return row ? toProfile(row) : null;
    },
    /** Metric rules of the given profiles, by profile id. */
    async metricRules(ids: string[]): Promise<Map<string, DeviceProfile["metrics"]>> {
      const out = new Map<string, DeviceProfile["metrics"]>();
      for (const part of chunks([...new Set(ids)])) {
        const rows = await db
          .select({ id: deviceProfiles.id, metrics: deviceProfiles.metrics })
          .from(deviceProfiles)
          .where(and(mine, inArray(deviceProfiles.id, part)))
          .all();
        for (const r of rows) out.set(r.id, r.metrics);
      }
      return out;
    },
    async list(q: PageQuery) {
      const rows = await db
        .select()
        .from(deviceProfiles)
        .where(afterCursor(deviceProfiles.id, q.cursor, mine))
        .orderBy(deviceProfiles.id)
        .limit(q.limit + 1)
        .all();
      return toPage(rows, q.limit, (r) => r.id, toProfile);
    },
    async create(input: CreateDeviceProfile): Promise<DeviceProfile> {
      const now = Date.now();
      const insert = db
        .insert(deviceProfiles)
        .values({ ...input, name: input.name ?? input.id, mountpoint: input.mountpoint ?? null, tenantId, createdAt: now, updatedAt: now })
        .returning();
      try {
        if (input.isDefault) {
          const [, rows] = await db.batch([clearOtherDefaults(input.id), insert]);
          return toProfile(rows[0]!);
        }
        return toProfile(await insert.get());
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError("already_exists", `device profile '${input.id}' already exists`);
        throw err;
      }
    },
    async update(id: string, patch: UpdateDeviceProfile): Promise<DeviceProfile> {
      const update = db
        .update(deviceProfiles)
        .set({ ...patch, updatedAt: Date.now() })
        .where(byId(id))
        .returning();
      const rows = patch.isDefault ? (await db.batch([clearOtherDefaults(id), update]))[1] : await update.all();
      if (!rows[0]) throw notFound("device profile");
      return toProfile(rows[0]);
    },
    async delete(id: string): Promise<void> {
      const inUse = await db
        .select({ n: count() })
        .from(devices)
        .where(and(eq(devices.tenantId, tenantId), eq(devices.profileId, id)))
        .get();
      if (inUse && inUse.n > 0) throw new AppError("conflict", `device profile '${id}' is used by ${inUse.n} device(s)`);
      const rows = await db.delete(deviceProfiles).where(byId(id)).returning({ id: deviceProfiles.id }).all();
      if (rows.length === 0) throw notFound("device profile");
    },
  };
}
