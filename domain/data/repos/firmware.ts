/** Firmware artifacts' metadata; the bytes are R2's (workers/ota/artifacts.ts). */
import { and, count, eq, sql, sum } from "drizzle-orm";
import { AppError, notFound } from "../../errors";
import { sortableId } from "../../ids";
import type { CreateFirmware, Firmware, FirmwareListQuery, FirmwareSigning } from "../../schemas/firmware";
import { afterCursor, isUniqueViolation, toPage, type Db } from "../db";
import { firmware, firmwareSigning } from "../schema";

type Row = typeof firmware.$inferSelect;

const toFirmware = ({ tenantId: _t, objectKey: _k, ...r }: Row): Firmware => r;

/** Where an artifact's bytes live: under the tenant's prefix, which offboarding exports and deletes whole. */
export const firmwareObjectKey = (tenantId: string, id: string) => `tenants/${tenantId}/firmware/${id}`;

export function firmwareRepo(db: Db, tenantId: string) {
  const mine = eq(firmware.tenantId, tenantId);
  const byId = (id: string) => and(mine, eq(firmware.id, id));
  return {
    async get(id: string): Promise<Firmware> {
      const row = await db.select().from(firmware).where(byId(id)).get();
      if (!row) throw notFound("firmware");
      return toFirmware(row);
    },

    /** The artifact of a version (a version names one artifact per tenant), or null. */
    async byVersion(version: string): Promise<Firmware | null> {
      const row = await db
        .select()
        .from(firmware)
        .where(and(mine, eq(firmware.version, version)))
        .get();
      return row ? toFirmware(row) : null;
    },

    /** The artifact with where its bytes are (for the upload and download paths only). */
    async stored(id: string): Promise<Firmware & { objectKey: string }> {
      const row = await db.select().from(firmware).where(byId(id)).get();
      if (!row) throw notFound("firmware");
      return { ...toFirmware(row), objectKey: row.objectKey };
    },

    async list(q: FirmwareListQuery) {
      const where = and(mine, q.status ? eq(firmware.status, q.status) : undefined);
      const rows = await db
        .select()
        .from(firmware)
        .where(afterCursor(firmware.id, q.cursor, where))
        .orderBy(firmware.id)
        .limit(q.limit + 1)
        .all();
      return toPage(rows, q.limit, (r) => r.id, toFirmware);
    },

    async create(input: CreateFirmware, now = Date.now()): Promise<Firmware> {
      const id = input.id ?? `fw-${sortableId(now)}`;
      try {
        const row = await db
          .insert(firmware)
          .values({
            tenantId,
            id,
            title: input.title,
            version: input.version,
            targets: input.targets,
            deltaBaseVersion: input.deltaBaseVersion ?? null,
            releaseNotes: input.releaseNotes,
            signature: input.signature ?? null,
            status: "pending_upload",
            objectKey: firmwareObjectKey(tenantId, id),
            createdAt: now,
            updatedAt: now,
          })
          .returning()
          .get();
        return toFirmware(row);
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        const clash = await db
          .select({ id: firmware.id })
          .from(firmware)
          .where(and(mine, eq(firmware.version, input.version)))
          .get();
        throw new AppError("already_exists", clash ? `version ${input.version} is already firmware '${clash.id}'` : `firmware '${id}' already exists`);
      }
    },

    /**
     * Records the uploaded bytes; only once, and only while still pending (the conditional
     * update decides: two uploads racing cannot both win).
     */
    async uploaded(id: string, size: number, sha256: string, now = Date.now()): Promise<Firmware | null> {
      const row = await db
        .update(firmware)
        .set({ status: "ready", size, sha256, uploadedAt: now, updatedAt: now })
        .where(and(byId(id), eq(firmware.status, "pending_upload")))
        .returning()
        .get();
      return row ? toFirmware(row) : null;
    },

    async deprecate(id: string): Promise<Firmware> {
      const row = await db
        .update(firmware)
        .set({ status: "deprecated", updatedAt: Date.now() })
        .where(and(byId(id), sql`${firmware.status} != 'pending_upload'`))
        .returning()
        .get();
      if (row) return toFirmware(row);
      await this.get(id);
      throw new AppError("conflict", `firmware '${id}' has no uploaded artifact yet; delete it instead`);
    },

    /** Deletes the row and answers the object key, for the caller to delete the bytes. */
    async delete(id: string): Promise<string> {
      const row = await db.delete(firmware).where(byId(id)).returning({ objectKey: firmware.objectKey }).get();
      if (!row) throw notFound("firmware");
      return row.objectKey;
    },

    async signing(): Promise<FirmwareSigning> {
      const row = await db.select().from(firmwareSigning).where(eq(firmwareSigning.tenantId, tenantId)).get();
      return { publicKey: row?.publicKey ?? null, requireSigned: row?.requireSigned ?? false };
    },

    async setSigning(settings: FirmwareSigning): Promise<FirmwareSigning> {
      await db
        .insert(firmwareSigning)
        .values({ tenantId, ...settings, updatedAt: Date.now() })
        .onConflictDoUpdate({ target: firmwareSigning.tenantId, set: { ...settings, updatedAt: Date.now() } });
      return settings;
    },

    /** Artifacts and their bytes together (pending ones count as nothing yet). */
    async storage(): Promise<{ artifacts: number; storedBytes: number }> {
      const row = await db
        .select({ n: count(), bytes: sum(firmware.size) })
        .from(firmware)
        .where(mine)
        .get();
      return { artifacts: row?.n ?? 0, storedBytes: Number(row?.bytes ?? 0) };
    },
  };
}
