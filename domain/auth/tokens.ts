/**
 * Short-lived access tokens (JWT, jose). The signing key comes from configuration as a string:
 * an EC P-256 private JWK means ES256 (the public half is published as a JWKS); any other JWK is
 * refused; a non-JSON string of 32+ characters is an HS256 secret (signing-key.ts). Claims are
 * validated with zod after the signature. Every token names its key in `kid`; verification uses
 * the key of that kid from the key ring (current and previous key, key-ring.ts), so a key rotation
 * logs nobody out.
 */
import { SignJWT, decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWK, type JWTPayload, type JWTVerifyOptions } from "jose";
import { z } from "zod";
import { TenantId } from "../ids";
import { Role } from "../roles";
import { keyRing, keysForKid, ringJwks, type KeyMaterial } from "./key-ring";
import { buildSigningKey } from "./signing-key";

export { buildSigningKey, type KeyMaterial };

const ISSUER = "skylark";
const AUDIENCE = "skylark";
const ACCESS_TOKEN_TTL_SECONDS = 3600;
export const VENDED_TOKEN_TTL_SECONDS = 900;

export const AccessClaims = z.object({
  sub: z.string().min(1),
  tid: TenantId,
  role: Role,
  /** Who the token speaks for: a user, or an API key (token vending). */
  act: z.enum(["user", "api_key"]),
  /** Topic mountpoint carried over from the API key, if any. */
  mp: z.string().optional(),
  exp: z.number(),
  iat: z.number(),
  jti: z.string(),
});
export type AccessClaims = z.infer<typeof AccessClaims>;

/** The key everything is signed with: the ring's current key. */
async function signingKey(material: KeyMaterial) {
  return (await keyRing(material)).current;
}

/**
 * The verified payload and header, or null when the token is malformed, names no key of the ring,
 * or fails the checks with the key it names.
 */
async function verifyWithRing(material: KeyMaterial, token: string, options: JWTVerifyOptions): Promise<{ payload: JWTPayload; typ?: string } | null> {
  const ring = await keyRing(material);
  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch {
    return null;
  }
  for (const key of keysForKid(ring, kid)) {
    try {
      const { payload, protectedHeader } = await jwtVerify(token, key.verify, { ...options, algorithms: [key.alg] });
      return { payload, ...(protectedHeader.typ !== undefined ? { typ: protectedHeader.typ } : {}) };
    } catch (err) {
      if (!(err instanceof joseErrors.JOSEError || err instanceof TypeError)) throw err;
    }
  }
  return null;
}

export type TokenSubject = Pick<AccessClaims, "sub" | "tid" | "role" | "act" | "mp">;

export async function issueAccessToken(keyMaterial: KeyMaterial, subject: TokenSubject, ttlSeconds = ACCESS_TOKEN_TTL_SECONDS) {
  const key = await signingKey(keyMaterial);
  const { sub, ...claims } = subject;
  const token = await new SignJWT({ ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT" })
    .setSubject(sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setJti(crypto.randomUUID())
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key.sign);
  return { token, expiresIn: ttlSeconds };
}

/** Returns the verified claims, or null for any invalid, expired or malformed token. */
export async function verifyAccessToken(keyMaterial: KeyMaterial, token: string): Promise<AccessClaims | null> {
  const verified = await verifyWithRing(keyMaterial, token, { issuer: ISSUER, audience: AUDIENCE });
  const claims = verified ? AccessClaims.safeParse(verified.payload) : null;
  return claims?.success ? claims.data : null;
}

/** The public JWKS (current and previous key), empty when tokens are HS256-signed. */
export async function publicJwks(keyMaterial: KeyMaterial): Promise<{ keys: JWK[] }> {
  return ringJwks(await keyRing(keyMaterial));
}

export function looksLikeJwt(value: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(value);
}

const STATEMENT_AUDIENCE = "skylark-statements";

/**
 * Signs a platform statement (a deletion certificate, for one) with the platform key: a JWT
 * with no expiry whose `typ` header names the kind of statement, verifiable by anyone with the
 * JWKS. Its audience differs from access tokens', so a statement is never accepted as one.
 */
export async function signStatement(keyMaterial: KeyMaterial, type: string, claims: Record<string, unknown>): Promise<string> {
  const key = await signingKey(keyMaterial);
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: type }).setIssuer(ISSUER).setAudience(STATEMENT_AUDIENCE).setIssuedAt().setJti(crypto.randomUUID()).sign(key.sign);
}

/** The statement's claims when its signature, issuer, audience and type check out; otherwise null. */
export async function verifyStatement(keyMaterial: KeyMaterial, type: string, jws: string): Promise<Record<string, unknown> | null> {
  const verified = await verifyWithRing(keyMaterial, jws, { issuer: ISSUER, audience: STATEMENT_AUDIENCE, typ: type });
  return verified?.typ === type ? verified.payload : null;
}

const DOWNLOAD_TYPE = "skylark-ota-download+jwt";
const DOWNLOAD_AUDIENCE = "skylark-ota-download";

/** What a firmware download URL is bound to: one device of one tenant, one artifact with its exact bytes. */
export const DownloadClaims = z.object({ tid: z.string(), sub: z.string(), fw: z.string(), sha256: z.string(), exp: z.number() });
export type DownloadClaims = z.infer<typeof DownloadClaims>;

/** A short-lived token for a firmware download URL, signed with the platform key. */
export async function issueDownloadToken(keyMaterial: KeyMaterial, claims: Omit<DownloadClaims, "exp">, ttlSeconds: number): Promise<{ token: string; expiresAt: number }> {
  const key = await signingKey(keyMaterial);
  const exp = Math.floor(Date.now() / 1000) + ttlSeconds;
  const token = await new SignJWT({ ...claims }).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: DOWNLOAD_TYPE }).setIssuer(ISSUER).setAudience(DOWNLOAD_AUDIENCE).setExpirationTime(exp).sign(key.sign);
  return { token, expiresAt: exp * 1000 };
}

/** The claims when the signature, issuer, audience, type and expiry check out; otherwise null. */
export async function verifyDownloadToken(keyMaterial: KeyMaterial, token: string): Promise<DownloadClaims | null> {
  const verified = await verifyWithRing(keyMaterial, token, { issuer: ISSUER, audience: DOWNLOAD_AUDIENCE, typ: DOWNLOAD_TYPE });
  const claims = verified ? DownloadClaims.safeParse(verified.payload) : null;
  return claims?.success ? claims.data : null;
}
