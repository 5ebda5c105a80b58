/**
 * The platform signing key, built from the `JWT_SIGNING_KEY` secret (a string):
 *   - JSON (it starts with `{`): a JWK, which must be a usable EC P-256 *private* key → ES256, and
 *     its public half is published as the JWKS;
 *   - anything else of 32+ characters: an HS256 secret.
 * A JWK that is not a usable P-256 private key (a public key, RSA, another curve, parts that do
 * not belong together) is refused with an error naming what is wrong. It is never used as an
 * HS256 secret: a public JWK's text is public, so tokens signed with it could be forged by anyone.
 * The error surfaces on the first use of the key in an isolate and on every one after it (the
 * failed build is cached), so a misconfigured platform issues and accepts no token at all.
 */
import { importJWK, type JWK } from "jose";

export type SigningKey = { alg: "ES256" | "HS256"; kid: string; sign: CryptoKey | Uint8Array; verify: CryptoKey | Uint8Array; publicJwk?: JWK };

const MIN_HS256_SECRET_LENGTH = 32;

/** A signing key the platform refuses to use; the message names what is wrong, never the key. */
export class SigningKeyError extends Error {
  constructor(problem: string, setting = "JWT_SIGNING_KEY") {
    super(`${setting} ${problem}`);
    this.name = "SigningKeyError";
  }
}

function parseJwk(material: string): JWK {
  let parsed: unknown;
  try {
    parsed = JSON.parse(material);
  } catch {
    throw new SigningKeyError("starts with '{' but is not valid JSON; give an EC P-256 private JWK, or a secret that is not JSON");
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new SigningKeyError("is JSON but not a JWK object");
  return parsed as JWK;
}

/** The reasons a parsed JWK cannot sign ES256, checked in the order a reader would fix them. */
function refuseUnusableJwk(jwk: JWK): void {
  if (jwk.kty !== "EC") throw new SigningKeyError(`is a JWK with kty '${String(jwk.kty)}'; only EC P-256 private keys (kty 'EC', crv 'P-256', with 'd') are supported`);
  if (jwk.crv !== "P-256") throw new SigningKeyError(`is an EC JWK with crv '${String(jwk.crv)}'; only P-256 (ES256) is supported`);
  if (typeof jwk.d !== "string" || jwk.d === "") throw new SigningKeyError("is a public key: the JWK has no private part 'd'. Give the private JWK; its public half is published at /.well-known/jwks.json");
  if (typeof jwk.x !== "string" || typeof jwk.y !== "string") throw new SigningKeyError("is an EC JWK without its public coordinates 'x' and 'y'");
  if (jwk.alg !== undefined && jwk.alg !== "ES256") throw new SigningKeyError(`is a P-256 JWK with alg '${jwk.alg}'; a P-256 key signs ES256 only`);
}

async function importEs256(jwk: JWK, publicJwk: JWK): Promise<{ sign: CryptoKey; verify: CryptoKey }> {
  let sign: CryptoKey;
  let verify: CryptoKey;
  try {
    sign = (await importJWK({ ...jwk, alg: "ES256" }, "ES256")) as CryptoKey;
    verify = (await importJWK({ ...publicJwk, alg: "ES256" }, "ES256")) as CryptoKey;
  } catch (err) {
    throw new SigningKeyError(`is not a usable EC P-256 private key (${(err as Error).message})`);
  }
  // WebCrypto does not check that 'd' belongs to 'x'/'y'; a key that signs what its public half
  // cannot verify would issue tokens nobody accepts. One signature at build time proves the pair.
  const probe = new TextEncoder().encode("skylark signing key check");
  const algorithm = { name: "ECDSA", hash: "SHA-256" };
  const signature = await crypto.subtle.sign(algorithm, sign, probe).catch(() => null);
  if (!signature || !(await crypto.subtle.verify(algorithm, verify, signature, probe))) throw new SigningKeyError("is an EC JWK whose private part 'd' does not belong to its public 'x'/'y'");
  return { sign, verify };
}

export async function buildSigningKey(material: string): Promise<SigningKey> {
  if (!material.trimStart().startsWith("{")) {
    if (material.length < MIN_HS256_SECRET_LENGTH) throw new SigningKeyError(`must be an EC P-256 private JWK or a secret of ${MIN_HS256_SECRET_LENGTH}+ characters`);
    const secret = new TextEncoder().encode(material);
    return { alg: "HS256", kid: "hs256", sign: secret, verify: secret };
  }
  const jwk = parseJwk(material);
  refuseUnusableJwk(jwk);
  // The public half: no private scalar, and no usages or flags carried over from the private key.
  const { d: _private, key_ops: _ops, ext: _ext, ...publicJwk } = jwk;
  const kid = jwk.kid ?? "es256";
  const { sign, verify } = await importEs256(jwk, publicJwk);
  return { alg: "ES256", kid, sign, verify, publicJwk: { ...publicJwk, kid, alg: "ES256", use: "sig" } };
}
