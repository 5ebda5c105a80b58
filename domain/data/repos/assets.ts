import { and, eq, inArray, like, or } from "drizzle-orm";
import { AppError, notFound } from "../../errors";
import type { Asset, AssetListQuery, CreateAsset, CreateSensor, Sensor, UpdateAsset, UpdateSensor } from "../../schemas/assets";
import type { PageQuery } from "../../schemas/common";
import { afterCursor, isUniqueViolation, toPage, type Db } from "../db";
import { assets, sensors } from "../schema";
import { chunks, escapeLike } from "./devices";

type AssetRow = typeof assets.$inferSelect;
type SensorRow = typeof sensors.$inferSelect;

const toAsset = (r: AssetRow): Asset => ({
  id: r.id,
  name: r.name,
  type: r.type,
  description: r.description,
  location: r.lat !== null && r.lon !== null ? { lat: r.lat, lon: r.lon } : null,
  attributes: r.attributes,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

const toSensor = ({ tenantId: _t, ...r }: SensorRow): Sensor => r;

function locationColumns(location: { lat: number; lon: number } | null | undefined) {
  return location === undefined ? {} : { lat: location?.lat ?? null, lon: location?.lon ?? null };
}

export function assetRepo(db: Db, tenantId: string) {
  const mine = eq(assets.tenantId, tenantId);
  const byId = (id: string) => and(mine, eq(assets.id, id));
  return {
    async get(id: string): Promise<Asset> {
      const row = await db.select().from(assets).where(byId(id)).get();
      if (!row) throw notFound("asset");
      return toAsset(row);
    },
    async list(q: AssetListQuery) {
      const where = and(mine, q.type ? eq(assets.type, q.type) : undefined, q.q ? or(like(assets.id, `%${escapeLike(q.q)}%`), like(assets.name, `%${escapeLike(q.q)}%`)) : undefined);
      const rows = await db
        .select()
        .from(assets)
        .where(afterCursor(assets.id, q.cursor, where))
        .orderBy(assets.id)
        .limit(q.limit + 1)
        .all();
      return toPage(rows, q.limit, (r) => r.id, toAsset);
    },
    async create(input: CreateAsset): Promise<Asset> {
      const now = Date.now();
      const { location, ...rest } = input;
      try {
        const row = await db
          .insert(assets)
          .values({ ...rest, name: input.name ?? input.id, ...locationColumns(location), tenantId, createdAt: now, updatedAt: now })
          .returning()
          .get();
        return toAsset(row);
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError("already_exists", `asset '${input.id}' already exists`);
        throw err;
      }
    },
    async update(id: string, patch: UpdateAsset): Promise<Asset> {
      const { location, ...rest } = patch;
      const row = await db
        .update(assets)
        .set({ ...rest, ...locationColumns(location), updatedAt: Date.now() })
        .where(byId(id))
        .returning()
        .get();
      if (!row) throw notFound("asset");
      return toAsset(row);
    },
    /** Deleting an asset deletes its sensors (FK cascade). */
    async delete(id: string): Promise<void> {
      const rows = await db.delete(assets).where(byId(id)).returning({ id: assets.id }).all();
      if (rows.length === 0) throw notFound("asset");
    },
  };
}

export function sensorRepo(db: Db, tenantId: string) {
  const ofAsset = (assetId: string) => and(eq(sensors.tenantId, tenantId), eq(sensors.assetId, assetId));
  const byId = (assetId: string, id: string) => and(ofAsset(assetId), eq(sensors.id, id));
  const assetExists = async (assetId: string) => {
    const row = await db
      .select({ id: assets.id })
      .from(assets)
      .where(and(eq(assets.tenantId, tenantId), eq(assets.id, assetId)))
      .get();
    if (!row) throw notFound("asset");
  };
  return {
    async get(assetId: string, id: string): Promise<Sensor> {
      const row = await db.select().from(sensors).where(byId(assetId, id)).get();
      if (!row) throw notFound("sensor");
      return toSensor(row);
    },
    /** Every sensor of the given assets (for checking readings on the asset/sensor topic form). */
    async ofAssets(assetIds: string[]): Promise<Sensor[]> {
      const out: Sensor[] = [];
      for (const part of chunks([...new Set(assetIds)])) {
        const rows = await db
          .select()
          .from(sensors)
          .where(and(eq(sensors.tenantId, tenantId), inArray(sensors.assetId, part)))
          .all();
        out.push(...rows.map(toSensor));
      }
      return out;
    },
    async list(assetId: string, q: PageQuery) {
      await assetExists(assetId);
      const rows = await db
        .select()
        .from(sensors)
        .where(afterCursor(sensors.id, q.cursor, ofAsset(assetId)))
        .orderBy(sensors.id)
        .limit(q.limit + 1)
        .all();
      return toPage(rows, q.limit, (r) => r.id, toSensor);
    },
    async create(assetId: string, input: CreateSensor): Promise<Sensor> {
      await assetExists(assetId);
      const now = Date.now();
      try {
        const row = await db
          .insert(sensors)
          .values({ ...input, name: input.name ?? input.id, tenantId, assetId, createdAt: now, updatedAt: now })
          .returning()
          .get();
        return toSensor(row);
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError("already_exists", `sensor '${input.id}' already exists on asset '${assetId}'`);
        throw err;
      }
    },
    async update(assetId: string, id: string, patch: UpdateSensor): Promise<Sensor> {
      const row = await db
        .update(sensors)
        .set({ ...patch, updatedAt: Date.now() })
        .where(byId(assetId, id))
        .returning()
        .get();
      if (!row) throw notFound("sensor");
      return toSensor(row);
    },
    async delete(assetId: string, id: string): Promise<void> {
      const rows = await db.delete(sensors).where(byId(assetId, id)).returning({ id: sensors.id }).all();
      if (rows.length === 0) throw notFound("sensor");
    },
  };
}
