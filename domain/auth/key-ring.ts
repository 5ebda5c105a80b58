/**
 * The platform's key ring: the current signing key (`JWT_SIGNING_KEY`) and, during a rotation, the
 * previous one (`JWT_SIGNING_KEY_PREVIOUS`). Everything is signed with the current key; a token is
 * verified with the key its `kid` header names, so tokens signed before a rotation keep working
 * until they expire, as long as the previous key stays configured. A kid the ring does not hold is
 * refused. Both public keys are published in the JWKS.
 *
 * The previous key may be given as the old private JWK (a local rotation moves it over as it is),
 * as its public JWK only (a remote rotation reads it from the live JWKS: Cloudflare never hands a
 * secret back), or as the old HS256 secret.
 */
import { importJWK, type JWK } from "jose";
import { buildSigningKey, SigningKeyError, type SigningKey } from "./signing-key";

/** How the key settings reach the domain: the plain strings, whatever the runtime keeps them in. */
type KeySettings = { JWT_SIGNING_KEY: string; JWT_SIGNING_KEY_PREVIOUS?: string | undefined };
export type KeyMaterial = string | KeySettings;

/** A key that only verifies: the previous key may be public. */
export type VerificationKey = Pick<SigningKey, "alg" | "kid" | "verify" | "publicJwk">;
export type KeyRing = { current: SigningKey; previous: VerificationKey | null };

const PREVIOUS = "JWT_SIGNING_KEY_PREVIOUS";

async function publicOnlyKey(material: string): Promise<VerificationKey | null> {
  let jwk: JWK;
  try {
    jwk = JSON.parse(material) as JWK;
  } catch {
    return null; // not JSON: buildSigningKey names the problem
  }
  if (!jwk || typeof jwk !== "object" || jwk.kty !== "EC" || jwk.d !== undefined) return null;
  if (jwk.crv !== "P-256" || typeof jwk.x !== "string" || typeof jwk.y !== "string") throw new SigningKeyError("is a public EC JWK that is not a P-256 key with 'x' and 'y'", PREVIOUS);
  const { key_ops: _ops, ext: _ext, ...publicJwk } = jwk;
  const kid = jwk.kid ?? "es256";
  try {
    const verify = (await importJWK({ ...publicJwk, alg: "ES256" }, "ES256")) as CryptoKey;
    return { alg: "ES256", kid, verify, publicJwk: { ...publicJwk, kid, alg: "ES256", use: "sig" } };
  } catch (err) {
    throw new SigningKeyError(`is not a usable EC P-256 public key (${(err as Error).message})`, PREVIOUS);
  }
}

async function previousKey(material: string): Promise<VerificationKey> {
  const publicOnly = await publicOnlyKey(material);
  if (publicOnly) return publicOnly;
  try {
    return await buildSigningKey(material);
  } catch (err) {
    if (err instanceof SigningKeyError) throw new SigningKeyError(err.message.replace(/^JWT_SIGNING_KEY /, ""), PREVIOUS);
    throw err;
  }
}

async function buildRing(current: string, previous: string | undefined): Promise<KeyRing> {
  return { current: await buildSigningKey(current), previous: previous ? await previousKey(previous) : null };
}

// Keys are imported once per isolate and settings; a failed build stays cached, so a misconfigured
// platform keeps failing (signing-key.ts explains why).
const rings = new Map<string, Promise<KeyRing>>();

export function keyRing(material: KeyMaterial): Promise<KeyRing> {
  const { JWT_SIGNING_KEY: current, JWT_SIGNING_KEY_PREVIOUS: previous } = typeof material === "string" ? { JWT_SIGNING_KEY: material } : material;
  const cacheKey = JSON.stringify([current, previous ?? ""]);
  let ring = rings.get(cacheKey);
  if (!ring) {
    ring = buildRing(current, previous || undefined);
    rings.set(cacheKey, ring);
  }
  return ring;
}

/**
 * The keys that may have signed a token with this `kid`. Usually one; two when both keys share a
 * kid (two HS256 secrets are both "hs256", and a JWK without a kid is "es256"), and then each is tried.
 */
export function keysForKid(ring: KeyRing, kid: string | undefined): VerificationKey[] {
  if (kid === undefined) return [];
  return [ring.current, ring.previous].filter((k): k is VerificationKey => k !== null && k.kid === kid);
}

/** The public JWKS: the current key and the previous one, each once; empty for HS256 keys. */
export function ringJwks(ring: KeyRing): { keys: JWK[] } {
  const keys = [ring.current.publicJwk, ring.previous?.publicJwk].filter((k): k is JWK => k !== undefined);
  const unique = keys.filter((k, i) => keys.findIndex((o) => o.kid === k.kid && o.x === k.x && o.y === k.y) === i);
  return { keys: unique };
}
