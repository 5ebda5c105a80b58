// Fresh platform secrets, shared by `npm run dev` (.dev.vars), `npm run deploy` (Worker secrets) and
// `npm run rotate-keys`: an EC P-256 private JWK for ES256 (its public half is published at
// /.well-known/jwks.json) and an operator token.
import { webcrypto } from "node:crypto";

/**
 * A new signing key as the JSON text JWT_SIGNING_KEY holds. Its kid carries the moment it was made,
 * so the keys of a rotation never share a kid and a token names the key that signed it.
 */
export async function generateSigningKey(kidPrefix = "key") {
  const pair = await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  const jwk = await webcrypto.subtle.exportKey("jwk", pair.privateKey);
  const kid = `${kidPrefix}-${Date.now().toString(36)}-${Buffer.from(webcrypto.getRandomValues(new Uint8Array(3))).toString("hex")}`;
  return JSON.stringify({ ...jwk, kid });
}

export function generateOperatorToken() {
  return `op_${Buffer.from(webcrypto.getRandomValues(new Uint8Array(24))).toString("base64url")}`;
}

/** The public half of a private JWK given as text (what the JWKS publishes), as text. */
export function publicHalf(privateJwkText) {
  const { d: _private, key_ops: _ops, ext: _ext, ...publicJwk } = JSON.parse(privateJwkText);
  return JSON.stringify(publicJwk);
}
