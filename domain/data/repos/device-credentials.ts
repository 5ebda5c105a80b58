import { and, asc, count, desc, eq, lt, sql } from "drizzle-orm";
import type { DevicePublicJwk } from "../../auth/device-jwt";
import { AppError, notFound } from "../../errors";
import { sortableId } from "../../ids";
import { MAX_ACTIVE_DEVICE_CREDENTIALS, type DeviceCredential, type NewDeviceCredential } from "../../schemas/device-credentials";
import { isForeignKeyViolation, isUniqueViolation, type Db } from "../db";
import { deviceCredentials, devices } from "../schema";

type Row = typeof deviceCredentials.$inferSelect;

/** What the hub needs to check a device's key or certificate. */
export type DeviceCredentialRecord = { id: string; deviceId: string; type: "jwk" | "certificate"; jwk: DevicePublicJwk | null; active: boolean; notBefore: number | null; notAfter: number | null; replacesId: string | null };

function toDeviceCredential(row: Row): DeviceCredential {
  return {
    id: row.id,
    deviceId: row.deviceId,
    type: row.type,
    algorithm: row.algorithm,
    fingerprint: row.fingerprint,
    jwk: row.type === "jwk" ? (JSON.parse(row.material) as DevicePublicJwk) : null,
    subject: row.subject,
    issuer: row.issuer,
    serial: row.serial,
    notBefore: row.notBefore,
    notAfter: row.notAfter,
    status: row.status,
    replacesId: row.replacesId,
    createdAt: row.createdAt,
    revokedAt: row.revokedAt,
    lastUsedAt: row.lastUsedAt,
  };
}

const toRecord = (row: Row): DeviceCredentialRecord => ({
  id: row.id,
  deviceId: row.deviceId,
  type: row.type,
  jwk: row.type === "jwk" ? (JSON.parse(row.material) as DevicePublicJwk) : null,
  active: row.status === "active",
  notBefore: row.notBefore,
  notAfter: row.notAfter,
  replacesId: row.replacesId,
});

/** For device lists: the device has an active certificate that expires before `before` (ms). */
export const hasCertificateExpiringBefore = (before: number) =>
  sql`exists (select 1 from ${deviceCredentials} where ${deviceCredentials.tenantId} = ${devices.tenantId} and ${deviceCredentials.deviceId} = ${devices.id} and ${deviceCredentials.type} = 'certificate' and ${deviceCredentials.status} = 'active' and ${deviceCredentials.notAfter} < ${before})`;

export function deviceCredentialRepo(db: Db, tenantId: string) {
  const mine = eq(deviceCredentials.tenantId, tenantId);
  const ofDevice = (deviceId: string) => and(mine, eq(deviceCredentials.deviceId, deviceId));

  return {
    /** A device's credentials, active and revoked, oldest first. */
    async list(deviceId: string): Promise<DeviceCredential[]> {
      const rows = await db.select().from(deviceCredentials).where(ofDevice(deviceId)).orderBy(asc(deviceCredentials.id)).all();
      return rows.map(toDeviceCredential);
    },

    /** Adds an active credential unless the device already has the maximum (checked in the same statement, so two requests cannot both slip under it). */
    async create(input: NewDeviceCredential, now = Date.now()): Promise<DeviceCredential> {
      const id = `dc_${sortableId(now)}`;
      const c = deviceCredentials;
      try {
        const result = await db.run(sql`
          INSERT INTO ${c} (${sql.raw("tenant_id, id, device_id, type, algorithm, fingerprint, material, subject, issuer, serial, not_before, not_after, status, replaces_id, created_at")})
          SELECT ${tenantId}, ${id}, ${input.deviceId}, ${input.type}, ${input.algorithm}, ${input.fingerprint}, ${input.material}, ${input.subject ?? null}, ${input.issuer ?? null}, ${input.serial ?? null}, ${input.notBefore ?? null}, ${input.notAfter ?? null}, 'active', ${input.replacesId ?? null}, ${now}
          WHERE (SELECT COUNT(*) FROM ${c} WHERE ${c.tenantId} = ${tenantId} AND ${c.deviceId} = ${input.deviceId} AND ${c.status} = 'active') < ${MAX_ACTIVE_DEVICE_CREDENTIALS}`);
        if (!result.meta.changes) throw new AppError("conflict", `a device has at most ${MAX_ACTIVE_DEVICE_CREDENTIALS} active credentials: revoke one first`);
      } catch (err) {
        if (isUniqueViolation(err)) throw new AppError("already_exists", "this key or certificate is already active on a device of this tenant");
        if (isForeignKeyViolation(err)) throw notFound("device");
        throw err;
      }
      const row = await db
        .select()
        .from(c)
        .where(and(mine, eq(c.id, id)))
        .get();
      return toDeviceCredential(row!);
    },

    /** Revokes a credential (idempotent); null when the device has no such credential. */
    async revoke(deviceId: string, credentialId: string, now = Date.now()): Promise<DeviceCredential | null> {
      const where = and(ofDevice(deviceId), eq(deviceCredentials.id, credentialId));
      await db
        .update(deviceCredentials)
        .set({ status: "revoked", revokedAt: now })
        .where(and(where, eq(deviceCredentials.status, "active")));
      const row = await db.select().from(deviceCredentials).where(where).get();
      return row ? toDeviceCredential(row) : null;
    },

    /** An active credential of the device, or null. */
    async active(deviceId: string, credentialId: string): Promise<DeviceCredential | null> {
      const row = await db
        .select()
        .from(deviceCredentials)
        .where(and(ofDevice(deviceId), eq(deviceCredentials.id, credentialId), eq(deviceCredentials.status, "active")))
        .get();
      return row ? toDeviceCredential(row) : null;
    },

    /**
     * The device connected with `credentialId`: revoke the credential it replaces (if still active)
     * and clear the link, in one batch. Returns the revoked credential's id, or null.
     */
    async completeRotation(deviceId: string, credentialId: string, now = Date.now()): Promise<string | null> {
      const c = deviceCredentials;
      const [revoked] = await db.batch([
        db
          .update(c)
          .set({ status: "revoked", revokedAt: now })
          .where(and(ofDevice(deviceId), eq(c.status, "active"), sql`${c.id} = (select ${c.replacesId} from ${c} where ${c.tenantId} = ${tenantId} and ${c.id} = ${credentialId})`))
          .returning({ id: c.id }),
        db
          .update(c)
          .set({ replacesId: null })
          .where(and(ofDevice(deviceId), eq(c.id, credentialId))),
      ]);
      return revoked[0]?.id ?? null;
    },

    /** A device's registered public keys, revoked ones included (so a revoked key is refused as such). */
    async keysOf(deviceId: string): Promise<DeviceCredentialRecord[]> {
      const rows = await db
        .select()
        .from(deviceCredentials)
        .where(and(ofDevice(deviceId), eq(deviceCredentials.type, "jwk")))
        .all();
      return rows.map(toRecord);
    },

    /** The certificate with this fingerprint: the active one if any, else the latest revoked one. */
    async certificateByFingerprint(fingerprint: string): Promise<DeviceCredentialRecord | null> {
      const row = await db
        .select()
        .from(deviceCredentials)
        .where(and(mine, eq(deviceCredentials.type, "certificate"), eq(deviceCredentials.fingerprint, fingerprint)))
        .orderBy(asc(deviceCredentials.status), desc(deviceCredentials.id))
        .get();
      return row ? toRecord(row) : null;
    },

    async touch(id: string, now = Date.now()): Promise<void> {
      await db
        .update(deviceCredentials)
        .set({ lastUsedAt: now })
        .where(and(mine, eq(deviceCredentials.id, id)));
    },

    /** How many active certificates expire before `before` (fleet health). */
    async countExpiringCertificates(before: number): Promise<number> {
      const row = await db
        .select({ n: count() })
        .from(deviceCredentials)
        .where(and(mine, eq(deviceCredentials.type, "certificate"), eq(deviceCredentials.status, "active"), lt(deviceCredentials.notAfter, before)))
        .get();
      return row?.n ?? 0;
    },
  };
}
