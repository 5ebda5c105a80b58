/**
 * Short-lived access tokens (JWT, jose). The signing key comes from configuration as a string:
 * an EC P-256 private JWK means ES256 (the public half is published as a JWKS); any other JWK is
 * refused; a non-JSON string of 32+ characters is an HS256 secret (signing-key.ts). Claims are
 * validated with zod after the signature.
 */
import { SignJWT, errors as joseErrors, jwtVerify, type JWK } from "jose";
import { z } from "zod";
import { TenantId } from "../ids";
import { Role } from "../roles";
import { buildSigningKey, type SigningKey } from "./signing-key";

export { buildSigningKey };

const ISSUER = "skylark";
const AUDIENCE = "skylark";
export const ACCESS_TOKEN_TTL_SECONDS = 3600;
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

const keyCache = new Map<string, Promise<SigningKey>>();

function signingKey(material: string): Promise<SigningKey> {
  let key = keyCache.get(material);
  if (!key) {
    key = buildSigningKey(material);
    keyCache.set(material, key);
  }
  return key;
}

export type TokenSubject = Pick<AccessClaims, "sub" | "tid" | "role" | "act" | "mp">;

export async function issueAccessToken(keyMaterial: string, subject: TokenSubject, ttlSeconds = ACCESS_TOKEN_TTL_SECONDS) {
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
export async function verifyAccessToken(keyMaterial: string, token: string): Promise<AccessClaims | null> {
  const key = await signingKey(keyMaterial);
  try {
    const { payload } = await jwtVerify(token, key.verify, { issuer: ISSUER, audience: AUDIENCE, algorithms: [key.alg] });
    const claims = AccessClaims.safeParse(payload);
    return claims.success ? claims.data : null;
  } catch (err) {
    if (err instanceof joseErrors.JOSEError || err instanceof TypeError) return null;
    throw err;
  }
}

/** The public JWKS, empty when tokens are HS256-signed. */
export async function publicJwks(keyMaterial: string): Promise<{ keys: JWK[] }> {
  const key = await signingKey(keyMaterial);
  return { keys: key.publicJwk ? [key.publicJwk] : [] };
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
export async function signStatement(keyMaterial: string, type: string, claims: Record<string, unknown>): Promise<string> {
  const key = await signingKey(keyMaterial);
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: type }).setIssuer(ISSUER).setAudience(STATEMENT_AUDIENCE).setIssuedAt().setJti(crypto.randomUUID()).sign(key.sign);
}

/** The statement's claims when its signature, issuer, audience and type check out; otherwise null. */
export async function verifyStatement(keyMaterial: string, type: string, jws: string): Promise<Record<string, unknown> | null> {
  const key = await signingKey(keyMaterial);
  try {
    const { payload, protectedHeader } = await jwtVerify(jws, key.verify, { issuer: ISSUER, audience: STATEMENT_AUDIENCE, algorithms: [key.alg], typ: type });
    return protectedHeader.typ === type ? payload : null;
  } catch (err) {
    if (err instanceof joseErrors.JOSEError || err instanceof TypeError) return null;
    throw err;
  }
}

const DOWNLOAD_TYPE = "skylark-ota-download+jwt";
const DOWNLOAD_AUDIENCE = "skylark-ota-download";

/** What a firmware download URL is bound to: one device of one tenant, one artifact with its exact bytes. */
export const DownloadClaims = z.object({ tid: z.string(), sub: z.string(), fw: z.string(), sha256: z.string(), exp: z.number() });
export type DownloadClaims = z.infer<typeof DownloadClaims>;

/** A short-lived token for a firmware download URL, signed with the platform key. */
export async function issueDownloadToken(keyMaterial: string, claims: Omit<DownloadClaims, "exp">, ttlSeconds: number): Promise<{ token: string; expiresAt: number }> {
  const key = await signingKey(keyMaterial);
  const exp = Math.floor(Date.now() / 1000) + ttlSeconds;
  const token = await new SignJWT({ ...claims }).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: DOWNLOAD_TYPE }).setIssuer(ISSUER).setAudience(DOWNLOAD_AUDIENCE).setExpirationTime(exp).sign(key.sign);
  return { token, expiresAt: exp * 1000 };
}

/** The claims when the signature, issuer, audience, type and expiry check out; otherwise null. */
export async function verifyDownloadToken(keyMaterial: string, token: string): Promise<DownloadClaims | null> {
  const key = await signingKey(keyMaterial);
  try {
    const { payload } = await jwtVerify(token, key.verify, { issuer: ISSUER, audience: DOWNLOAD_AUDIENCE, algorithms: [key.alg], typ: DOWNLOAD_TYPE });
    const claims = DownloadClaims.safeParse(payload);
    return claims.success ? claims.data : null;
  } catch (err) {
    if (err instanceof joseErrors.JOSEError || err instanceof TypeError) return null;
    throw err;
  }
}
