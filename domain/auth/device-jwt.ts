/**
 * Device-signed JWTs: a device proves possession of a private key whose public half is
 * registered with the platform, by signing a short-lived token it sends as its MQTT password.
 * Nothing secret is stored on the platform side. A token may be replayed until it expires, which
 * is why its lifetime is capped (MAX_LIFETIME_SECONDS).
 */
import { calculateJwkThumbprint, compactVerify, decodeProtectedHeader, importJWK, type JWK } from "jose";
import { z } from "zod";

/** ES256 (P-256) and EdDSA (Ed25519) only: small keys, fast to verify, no RSA padding choices. */
const DEVICE_KEY_ALGORITHMS = ["ES256", "EdDSA"] as const;
export type DeviceKeyAlgorithm = (typeof DEVICE_KEY_ALGORITHMS)[number];

/** A token may live at most 24 h (`exp - iat`), bounding how long a stolen token is useful. */
const MAX_LIFETIME_SECONDS = 24 * 3600;
/** Clock skew tolerated between a device and the platform. */
const CLOCK_SKEW_SECONDS = 60;

const Coordinate = z.string().regex(/^[A-Za-z0-9_-]{43}$/, "32 bytes, base64url");
/** Refuses a private key outright rather than silently dropping its private part. */
const NoPrivatePart = z.never({ error: "this is a private key: register only the public part" }).optional();

/**
 * A public key as a device registers it: P-256 (ES256) or Ed25519 (EdDSA). Other members a JWK
 * export carries (`kid`, `use`, `key_ops`, `ext`, `alg`) are accepted and dropped.
 */
export const DevicePublicJwk = z.union([
  z.object({ kty: z.literal("EC"), crv: z.literal("P-256"), x: Coordinate, y: Coordinate, d: NoPrivatePart }),
  z.object({ kty: z.literal("OKP"), crv: z.literal("Ed25519"), x: Coordinate, d: NoPrivatePart }),
]);
export type DevicePublicJwk = z.infer<typeof DevicePublicJwk>;

export const algorithmOf = (jwk: DevicePublicJwk): DeviceKeyAlgorithm => (jwk.kty === "EC" ? "ES256" : "EdDSA");

/** RFC 7638 thumbprint (SHA-256, base64url): the key's stable fingerprint. */
export const jwkFingerprint = (jwk: DevicePublicJwk): Promise<string> => calculateJwkThumbprint(jwk as JWK, "sha256");

/** Checks the key is a real point on its curve (importing fails otherwise). */
export async function isUsablePublicKey(jwk: DevicePublicJwk): Promise<boolean> {
  try {
    await importJWK(jwk as JWK, algorithmOf(jwk));
    return true;
  } catch {
    return false;
  }
}

/**
 * The audience a device token must name: the tenant's MQTT endpoint, the same string whichever
 * host or path the device actually connects through (tenant host, platform path, custom domain).
 */
export const deviceTokenAudience = (tenantId: string, platformDomain: string) => `mqtt://${tenantId}.${platformDomain}`;

const Claims = z.object({
  sub: z.string(),
  iss: z.string().optional(),
  aud: z.union([z.string(), z.array(z.string())]),
  iat: z.number().int(),
  exp: z.number().int(),
  nbf: z.number().int().optional(),
});

export type RegisteredKey = { id: string; jwk: DevicePublicJwk; active: boolean };

export type DeviceJwtRefusal = "malformed" | "unsupported_algorithm" | "bad_signature" | "revoked_key" | "wrong_subject" | "wrong_audience" | "expired" | "not_yet_valid" | "lifetime_too_long";
export type DeviceJwtResult = { ok: true; keyId: string } | { ok: false; reason: DeviceJwtRefusal };

const utf8 = new TextDecoder();

/** Imported keys, per JWK object: a caller that keeps its key list (the hub's cache) imports each key once. */
const imported = new WeakMap<DevicePublicJwk, Promise<CryptoKey | Uint8Array>>();
function importOnce(jwk: DevicePublicJwk, alg: DeviceKeyAlgorithm) {
  let key = imported.get(jwk);
  if (!key) {
    key = importJWK(jwk as JWK, alg);
    key.catch(() => imported.delete(jwk));
    imported.set(jwk, key);
  }
  return key;
}

/**
 * Verifies `token` as signed by one of `keys` for device `deviceId` and `audience`. The signature
 * is checked first (against active keys, then revoked ones, so a revoked key is reported as such
 * rather than as a bad signature); the claims only once the signature holds.
 */
export async function verifyDeviceJwt(token: string, o: { deviceId: string; audience: string; keys: RegisteredKey[]; nowMs: number }): Promise<DeviceJwtResult> {
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (!DEVICE_KEY_ALGORITHMS.includes(alg as DeviceKeyAlgorithm)) return { ok: false, reason: "unsupported_algorithm" };
  const candidates = o.keys.filter((k) => algorithmOf(k.jwk) === alg).sort((a, b) => Number(b.active) - Number(a.active));
  let verified: { key: RegisteredKey; payload: Uint8Array } | null = null;
  for (const key of candidates) {
    try {
      const { payload } = await compactVerify(token, await importOnce(key.jwk, alg as DeviceKeyAlgorithm), { algorithms: [alg as string] });
      verified = { key, payload };
      break;
    } catch {
      // not this key
    }
  }
  if (!verified) return { ok: false, reason: "bad_signature" };
  if (!verified.key.active) return { ok: false, reason: "revoked_key" };

  let claims: z.infer<typeof Claims>;
  try {
    const parsed = Claims.safeParse(JSON.parse(utf8.decode(verified.payload)));
    if (!parsed.success) return { ok: false, reason: "malformed" };
    claims = parsed.data;
  } catch {
    return { ok: false, reason: "malformed" };
  }
  // `sub` must name this device; `iss` is optional but, when present, must too.
  if (claims.sub !== o.deviceId || (claims.iss ?? o.deviceId) !== o.deviceId) return { ok: false, reason: "wrong_subject" };
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(o.audience)) return { ok: false, reason: "wrong_audience" };
  const now = Math.floor(o.nowMs / 1000);
  if (claims.exp - claims.iat > MAX_LIFETIME_SECONDS) return { ok: false, reason: "lifetime_too_long" };
  if (claims.exp <= now - CLOCK_SKEW_SECONDS) return { ok: false, reason: "expired" };
  if (claims.iat > now + CLOCK_SKEW_SECONDS || (claims.nbf !== undefined && claims.nbf > now + CLOCK_SKEW_SECONDS)) return { ok: false, reason: "not_yet_valid" };
  return { ok: true, keyId: verified.key.id };
}
