/**
 * What a credential may do right now. One resolver for the HTTP middleware and the MQTT hub, so
 * "an API key is never stronger than the member who created it" and "role changes take effect
 * immediately" hold the same way everywhere:
 *
 *   user             → the member's current role; none when no longer a member.
 *   API key          → min(key's role, its creator's authority now), re-read on every use;
 *                      none when the key is revoked or expired, or its creator has no authority.
 *   creator of a key → a user id (that member), another key id (that key's authority, recursively:
 *                      a key made by a key dies with it), or `operator` (the platform, no cap).
 *   vended token     → the authority of the key it was vended from, never above the role it
 *                      was issued with: it dies with the key (revocation, expiry, creator).
 */
import { MAX_KEY_CHAIN, type ApiKeyRecord } from "../data/repos/api-keys";
import type { TenantData } from "../data/tenant-scope";
import { roleAtLeast, type Role } from "../roles";
import { parseApiKey, secretMatches } from "./credentials";
import type { AccessClaims } from "./tokens";

export type CredentialRef = { kind: "user" | "api_key"; id: string };

/** Why a credential has no authority: a closed set, mapped to 401 over HTTP and a CONNACK code in the hub. */
export type AuthorityLoss = "not_an_api_key" | "unknown_key" | "wrong_secret" | "key_expired" | "not_a_member" | "creator_lost_authority";

export type Authority =
  | {
      ok: true;
      credential: CredentialRef;
      role: Role;
      mountpoint: string | null;
      /** When this authority ends by itself (the earliest expiry along the key's chain), if ever. */
      expiresAt: number | null;
      /** API keys only: when the key was last used, so callers can throttle `touch`. */
      lastUsedAt: number | null;
    }
  | { ok: false; reason: AuthorityLoss };

/** `createdBy` of a key made by the platform operator rather than a member or a key. */
export const OPERATOR_CREATOR = "operator";
/** Key ids are 12 base32 characters (`issueApiKey`); user ids are `usr_…`, so the two never collide. */
const KEY_ID = /^[0-9a-z]{12}$/;

/** What the resolver reads: a tenant's keys and memberships (TenantData, or a memo of it). */
type AuthorityData = {
  tenantId: string;
  apiKeys: Pick<TenantData["apiKeys"], "record">;
  members: Pick<TenantData["members"], "roleOf">;
};

const lost = (reason: AuthorityLoss) => ({ ok: false as const, reason });
const weaker = (a: Role, b: Role): Role => (roleAtLeast(a, b) ? b : a);
const earlier = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.min(a, b));

/** The authority of a user or of an API key (by id, no secret: the caller verified it or a token names it). */
export async function authorityOf(data: AuthorityData, credential: CredentialRef, now = Date.now()): Promise<Authority> {
  if (credential.kind === "user") {
    const role = await data.members.roleOf(credential.id);
    return role ? { ok: true, credential, role, mountpoint: null, expiresAt: null, lastUsedAt: null } : lost("not_a_member");
  }
  return keyAuthority(data, await data.apiKeys.record(credential.id), now, 0);
}

/** An API key as presented (`sky_{tenant}_{id}_{secret}`): its secret is checked before anything else. */
export async function presentedKeyAuthority(data: AuthorityData, presented: string, now = Date.now()): Promise<Authority> {
  const parsed = parseApiKey(presented);
  if (!parsed || parsed.tenantId !== data.tenantId) return lost("not_an_api_key");
  const record = await data.apiKeys.record(parsed.id);
  if (!record) return lost("unknown_key");
  if (!(await secretMatches(parsed.secret, record.secretHash))) return lost("wrong_secret");
  return keyAuthority(data, record, now, 0);
}

/** A verified access token: a user's (current membership) or one vended from a key (dies with the key). */
export async function tokenAuthority(data: AuthorityData, claims: AccessClaims, now = Date.now()): Promise<Authority> {
  if (claims.act === "user") return authorityOf(data, { kind: "user", id: claims.sub }, now);
  const key = await authorityOf(data, { kind: "api_key", id: claims.sub }, now);
  return key.ok ? { ...key, role: weaker(key.role, claims.role) } : key;
}

export const credentialKey = (c: CredentialRef) => `${c.kind}:${c.id}`;

/**
 * Many credentials at once (the hub re-resolving its sessions after a change): the keys are read
 * in one query, every creator (member or key) once, and the resolutions run concurrently.
 * Keyed by `credentialKey`.
 */
export async function authoritiesOf(data: AuthorityData & { apiKeys: Pick<TenantData["apiKeys"], "records"> }, credentials: CredentialRef[], now = Date.now()): Promise<Map<string, Authority>> {
  const keys = new Map<string, Promise<ApiKeyRecord | null>>();
  const roles = new Map<string, Promise<Role | null>>();
  const keyIds = [...new Set(credentials.filter((c) => c.kind === "api_key").map((c) => c.id))];
  const found = new Map((await data.apiKeys.records(keyIds)).map((r) => [r.id, r]));
  for (const id of keyIds) keys.set(id, Promise.resolve(found.get(id) ?? null));
  const once = <T>(memo: Map<string, Promise<T>>, id: string, read: () => Promise<T>) => {
    let pending = memo.get(id);
    if (!pending) memo.set(id, (pending = read()));
    return pending;
  };
  const memo: AuthorityData = {
    tenantId: data.tenantId,
    apiKeys: { record: (id) => once(keys, id, () => data.apiKeys.record(id)) },
    members: { roleOf: (id) => once(roles, id, () => data.members.roleOf(id)) },
  };
  const unique = [...new Map(credentials.map((c) => [credentialKey(c), c])).values()];
  const resolved = await Promise.all(unique.map(async (c) => [credentialKey(c), await authorityOf(memo, c, now)] as const));
  return new Map(resolved);
}

async function keyAuthority(data: AuthorityData, record: ApiKeyRecord | null, now: number, depth: number): Promise<Authority> {
  if (!record) return lost("unknown_key");
  if (record.expiresAt !== null && record.expiresAt <= now) return lost("key_expired");
  const creator = await creatorAuthority(data, record.createdBy, now, depth);
  if (!creator.ok) return lost("creator_lost_authority");
  return {
    ok: true,
    credential: { kind: "api_key", id: record.id },
    role: weaker(record.role, creator.role),
    mountpoint: record.mountpoint,
    expiresAt: earlier(record.expiresAt, creator.expiresAt),
    lastUsedAt: record.lastUsedAt,
  };
}

async function creatorAuthority(data: AuthorityData, createdBy: string, now: number, depth: number): Promise<Authority | { ok: true; role: Role; expiresAt: null }> {
  if (createdBy === OPERATOR_CREATOR) return { ok: true, role: "OWNER", expiresAt: null };
  if (!KEY_ID.test(createdBy)) return authorityOf(data, { kind: "user", id: createdBy }, now);
  if (depth + 1 >= MAX_KEY_CHAIN) return lost("creator_lost_authority");
  return keyAuthority(data, await data.apiKeys.record(createdBy), now, depth + 1);
}
