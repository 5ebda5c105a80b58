/**
 * Device identity beyond the shared secret, on CONNECT: a JWT the device signed with a registered
 * key (password), or a client certificate Cloudflare verified at the edge (matched by its SHA-256
 * fingerprint). Registered keys and certificates are cached like device records; the API drops a
 * device's entries when its credentials change (`forget`).
 */
import { verifyDeviceJwt, type DeviceJwtRefusal } from "../../domain/auth/device-jwt";
import type { DeviceCredentialRecord } from "../../domain/data/repos/device-credentials";
import type { TenantData } from "../../domain/data/tenant-scope";
import type { CredentialChange } from "./hub";
import type { CredentialRef } from "./principal";
import { createLogger, errorFields } from "../../domain/log";

const log = createLogger({ component: "hub.device-credentials" });

const CACHE_MS = 5 * 60_000;
/** lastUsedAt is a hint for operators (which credential is still in use), not an audit trail. */
const TOUCH_EVERY_MS = 60_000;

export type CredentialProof = { ok: true; deviceId: string; credentialId: string } | { ok: false; reason: "bad_credentials" | "not_authorized"; detail: string };

const JWT_REFUSALS: Record<DeviceJwtRefusal, { reason: "bad_credentials" | "not_authorized"; detail: string }> = {
  malformed: { reason: "bad_credentials", detail: "the token is malformed" },
  unsupported_algorithm: { reason: "bad_credentials", detail: "device tokens must be signed with ES256 or EdDSA" },
  bad_signature: { reason: "bad_credentials", detail: "the token is not signed by a key registered for this device" },
  revoked_key: { reason: "not_authorized", detail: "the token is signed by a revoked key" },
  wrong_subject: { reason: "bad_credentials", detail: "the token's sub (and iss) must be the device id" },
  wrong_audience: { reason: "bad_credentials", detail: "the token's aud is not this tenant's MQTT endpoint" },
  expired: { reason: "bad_credentials", detail: "the token has expired" },
  not_yet_valid: { reason: "bad_credentials", detail: "the token is not valid yet (iat or nbf in the future)" },
  lifetime_too_long: { reason: "bad_credentials", detail: "the token may live at most 24 h (exp - iat)" },
};

export class DeviceKeyring {
  private readonly keys = new Map<string, { records: DeviceCredentialRecord[]; at: number }>();
  /** Found certificates only: an unknown fingerprint is looked up again next time. */
  private readonly certificates = new Map<string, { record: DeviceCredentialRecord; at: number }>();
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly data: TenantData,
    private readonly audience: string,
  ) {}

  forget(deviceId?: string): void {
    if (!deviceId) {
      this.keys.clear();
      this.certificates.clear();
      return;
    }
    this.keys.delete(deviceId);
    for (const [fp, entry] of this.certificates) if (entry.record.deviceId === deviceId) this.certificates.delete(fp);
  }

  /** Checks a device-signed JWT against the device's registered keys. */
  async verifyToken(deviceId: string, token: string, now = Date.now()): Promise<CredentialProof> {
    let entry = this.keys.get(deviceId);
    if (!entry || now - entry.at >= CACHE_MS) {
      entry = { records: await this.data.deviceCredentials.keysOf(deviceId), at: now };
      this.keys.set(deviceId, entry);
    }
    const keys = entry.records.flatMap((r) => (r.jwk ? [{ id: r.id, jwk: r.jwk, active: r.active }] : []));
    if (!keys.length) return { ok: false, reason: "bad_credentials", detail: "no key is registered for this device" };
    const result = await verifyDeviceJwt(token, { deviceId, audience: this.audience, keys, nowMs: now });
    if (!result.ok) return { ok: false, ...JWT_REFUSALS[result.reason] };
    const record = entry.records.find((r) => r.id === result.keyId)!;
    await this.used(record, now);
    return { ok: true, deviceId, credentialId: result.keyId };
  }

  /** The device whose certificate has this (edge-verified) fingerprint. */
  async certificate(fingerprint: string, now = Date.now()): Promise<CredentialProof | null> {
    let entry = this.certificates.get(fingerprint);
    if (!entry || now - entry.at >= CACHE_MS) {
      const record = await this.data.deviceCredentials.certificateByFingerprint(fingerprint);
      if (!record) return null;
      entry = { record, at: now };
      this.certificates.set(fingerprint, entry);
    }
    const cert = entry.record;
    if (!cert.active) return { ok: false, reason: "not_authorized", detail: "the client certificate is revoked" };
    if (cert.notAfter !== null && cert.notAfter <= now) return { ok: false, reason: "bad_credentials", detail: "the client certificate has expired" };
    if (cert.notBefore !== null && cert.notBefore > now) return { ok: false, reason: "bad_credentials", detail: "the client certificate is not valid yet" };
    await this.used(cert, now);
    return { ok: true, deviceId: cert.deviceId, credentialId: cert.id };
  }

  /**
   * A device proved it holds this credential. If it was registered to replace another, that one
   * is revoked now: the device has shown it can use the new one, so nothing is left that needs
   * the old one (rotation without downtime, without anyone watching for the switch).
   */
  private async used(record: DeviceCredentialRecord, now: number): Promise<void> {
    this.touch(record.id, now);
    if (!record.replacesId) return;
    const revoked = await this.data.deviceCredentials.completeRotation(record.deviceId, record.id, now);
    this.forget(record.deviceId);
    if (!revoked) return;
    await this.data.audit.record({
      actorType: "device",
      actorId: record.deviceId,
      action: "device.credential_revoked",
      targetType: "device",
      targetId: record.deviceId,
      outcome: "success",
      details: { credentialId: revoked, replacedBy: record.id, reason: "rotation completed" },
    });
  }

  private touch(credentialId: string, now: number): void {
    if (now - (this.touched.get(credentialId) ?? 0) < TOUCH_EVERY_MS) return;
    this.touched.set(credentialId, now);
    // Not awaited: CONNECT does not wait for a bookkeeping write.
    this.data.deviceCredentials.touch(credentialId, now).catch((err) => log.warn("credential last-used write failed", { credentialId, ...errorFields(err) }));
  }
}

/**
 * Which connections a credential change closes. A revoked key or certificate closes only the
 * connections that used it (the device's other credential keeps working: that is how rotation
 * avoids downtime); a rotated secret closes only the connections that used the secret.
 */
export function closedByChange(ref: CredentialRef | undefined, c: CredentialChange): boolean {
  if (!ref || ref.kind !== c.kind || ref.id !== c.id) return false;
  if (c.credentialId !== undefined) return ref.credentialId === c.credentialId;
  if (c.kind === "device" && c.change === "rotated") return ref.credentialId === undefined;
  return true;
}
