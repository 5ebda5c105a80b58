/**
 * Machine credentials: API keys, device secrets and invitation tokens. All are high-entropy
 * random strings, so a plain SHA-256 is a sufficient at-rest hash (no stretching needed), and
 * verification is cheap enough for every MQTT CONNECT.
 *
 * API keys and invitation tokens name their tenant and row id in clear, so a lookup needs no
 * global index: `sky_{tenant}_{keyId}_{secret}`, `inv_{tenant}_{id}_{secret}`.
 */
import { randomBase32 } from "../ids";
import { sha256Hex, timingSafeEqual } from "./hashing";

const SECRET_LENGTH = 32; // 160 bits

export type ParsedToken = { tenantId: string; id: string; secret: string };

function issue(kind: "sky" | "inv", tenantId: string) {
  const id = randomBase32(12);
  const secret = randomBase32(SECRET_LENGTH);
  return { id, secret, token: `${kind}_${tenantId}_${id}_${secret}`, prefix: `${kind}_${tenantId}_${id}` };
}

function parse(kind: "sky" | "inv", token: string): ParsedToken | null {
  const m = new RegExp(`^${kind}_([a-z0-9][a-z0-9-]{1,31})_([0-9a-z]{12})_([0-9a-z]{${SECRET_LENGTH}})$`).exec(token);
  return m ? { tenantId: m[1]!, id: m[2]!, secret: m[3]! } : null;
}

export const issueApiKey = (tenantId: string) => issue("sky", tenantId);
export const parseApiKey = (token: string) => parse("sky", token);
export const issueInvitationToken = (tenantId: string) => issue("inv", tenantId);
export const parseInvitationToken = (token: string) => parse("inv", token);

/** Email-proof tokens are platform-wide (an address is not a tenant's): `ver_{id}_{secret}`. */
export function issueEmailToken() {
  const id = randomBase32(12);
  const secret = randomBase32(SECRET_LENGTH);
  return { id, secret, token: `ver_${id}_${secret}` };
}

export function parseEmailToken(token: string): { id: string; secret: string } | null {
  const m = new RegExp(`^ver_([0-9a-z]{12})_([0-9a-z]{${SECRET_LENGTH}})$`).exec(token);
  return m ? { id: m[1]!, secret: m[2]! } : null;
}

export function newDeviceSecret(): string {
  return randomBase32(SECRET_LENGTH);
}

export const hashSecret = (secret: string) => sha256Hex(`skylark:v1:${secret}`);

export async function secretMatches(secret: string, storedHash: string): Promise<boolean> {
  return timingSafeEqual(await hashSecret(secret), storedHash);
}
