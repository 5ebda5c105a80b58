/**
 * The authority resolver's edges that the API cannot produce on its own: keys created by the
 * platform operator, creators that are neither members nor keys, chains of keys created by keys.
 * Rows are written through the tenant repositories into the real D1; the resolver is the one the
 * HTTP middleware and the hub use.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { authorityOf, OPERATOR_CREATOR } from "../../domain/auth/authority";
import { issueApiKey, hashSecret } from "../../domain/auth/credentials";
import { openRegistry } from "../../domain/data/db";
import { MAX_KEY_CHAIN } from "../../domain/data/repos/api-keys";
import { forTenant, type TenantData } from "../../domain/data/tenant-scope";
import type { Role } from "../../domain/roles";
import { signup, type TenantFixture } from "./helpers";

let t: TenantFixture;
let data: TenantData;
beforeAll(async () => {
  t = await signup();
  data = forTenant(openRegistry(env.REGISTRY), t.tenantId);
});

async function key(role: Role, createdBy: string, expiresAt: number | null = null): Promise<string> {
  const issued = issueApiKey(t.tenantId);
  await data.apiKeys.create({ id: issued.id, name: "k", prefix: issued.prefix, secretHash: await hashSecret(issued.secret), role, mountpoint: null, createdBy, expiresAt });
  return issued.id;
}

describe("API key authority", () => {
  it("a key created by the platform operator keeps its own role (no member caps it)", async () => {
    const id = await key("OWNER", OPERATOR_CREATOR);
    expect(await authorityOf(data, { kind: "api_key", id })).toMatchObject({ ok: true, role: "OWNER" });
  });

  it("a key whose creator is neither a member nor a key has no authority", async () => {
    const id = await key("VIEWER", "usr_somebody-who-left");
    expect(await authorityOf(data, { kind: "api_key", id })).toEqual({ ok: false, reason: "creator_lost_authority" });
  });

  it("a chain of keys is capped by its weakest link and carries the earliest expiry", async () => {
    const soon = Date.now() + 60_000;
    const root = await key("MEMBER", t.ownerId, soon);
    const child = await key("ADMIN", root); // stored stronger than its creator: still capped at read time
    expect(await authorityOf(data, { kind: "api_key", id: child })).toMatchObject({ ok: true, role: "MEMBER", expiresAt: soon });
    const expiredRoot = await key("ADMIN", t.ownerId, Date.now() - 1);
    expect(await authorityOf(data, { kind: "api_key", id: await key("VIEWER", expiredRoot) })).toEqual({ ok: false, reason: "creator_lost_authority" });
  });

  it(`refuses a chain longer than ${MAX_KEY_CHAIN} keys rather than walking it`, async () => {
    let id = await key("ADMIN", t.ownerId);
    for (let i = 1; i < MAX_KEY_CHAIN; i++) id = await key("ADMIN", id);
    expect((await authorityOf(data, { kind: "api_key", id })).ok).toBe(true);
    expect(await authorityOf(data, { kind: "api_key", id: await key("ADMIN", id) })).toEqual({ ok: false, reason: "creator_lost_authority" });
  });
});
