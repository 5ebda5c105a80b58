/**
 * Credentials never outlive the authority behind them: an API key is capped by its creator's
 * current role (re-read on every request and CONNECT), dies with its creator's membership, and a
 * token vended from a key dies with the key. Over HTTP and over MQTT.
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, expectOk, memberWithRole, signup, type TenantFixture } from "./helpers";
import { bytes, connect, openSocket } from "./hub/mqtt-client";

let t: TenantFixture;
beforeAll(async () => {
  t = await signup();
});

async function createKey(token: string, role: string, extra: Record<string, unknown> = {}) {
  return expectOk<{ apiKey: { id: string; role: string }; key: string }>(api("POST", "/api/v1/api-keys", { token, body: { name: `key-${role}`, role, ...extra } }), 201);
}

async function connackFor(password: string, clientId: string) {
  const c = await openSocket(t.tenantId, 5);
  c.send({ type: "connect", protocolLevel: 5, clientId, keepAlive: 30, cleanStart: true, username: "api", password: bytes(password) });
  const code = (await c.next("connack")).reasonCode;
  c.close();
  return code;
}

/** Publishes to an OTA topic (ADMIN and above only) and returns the PUBACK reason code. */
async function otaPubackCode(client: Awaited<ReturnType<typeof connect>>, packetId: number) {
  client.send({ type: "publish", topic: `t/${t.tenantId}/devices/ota-target/ota`, payload: bytes("{}"), qos: 1, retain: false, dup: false, packetId });
  return (await client.next("puback")).reasonCode;
}

describe("an API key is never stronger than its creator, now", () => {
  it("a key created by an ADMIN who is downgraded to VIEWER has VIEWER power over HTTP", async () => {
    const admin = await memberWithRole(t, "ADMIN");
    const { key } = await createKey(admin.token, "ADMIN");
    expect((await api("GET", "/api/v1/api-keys", { token: key })).status).toBe(200);

    await expectOk(api("PATCH", `/api/v1/members/${admin.userId}`, { token: t.ownerToken, body: { role: "VIEWER" } }));
    const adminOnly = await api("GET", "/api/v1/api-keys", { token: key });
    expect(adminOnly.status).toBe(403);
    expect(adminOnly.body.code).toBe("forbidden");
    expect((await api("GET", "/api/v1/devices", { token: key })).status).toBe(200);

    // Upgraded again, the key is back to its own role (never above it).
    await expectOk(api("PATCH", `/api/v1/members/${admin.userId}`, { token: t.ownerToken, body: { role: "OWNER" } }));
    expect((await api("GET", "/api/v1/api-keys", { token: key })).status).toBe(200);
    expect((await api("PATCH", "/api/v1/tenant", { token: key, body: { plan: "professional" } })).status).toBe(403);
  });

  it("a token vended from such a key carries the capped role", async () => {
    const admin = await memberWithRole(t, "ADMIN");
    const { key } = await createKey(admin.token, "ADMIN");
    await expectOk(api("PATCH", `/api/v1/members/${admin.userId}`, { token: t.ownerToken, body: { role: "MEMBER" } }));
    const vended = await expectOk(api("POST", "/api/v1/auth/token", { body: { apiKey: key } }));
    expect(vended.role).toBe("MEMBER");
    expect((await api("GET", "/api/v1/api-keys", { token: vended.token })).status).toBe(403);
  });

  it("a key created by a key is capped by that key's effective role, and dies with it", async () => {
    const admin = await memberWithRole(t, "ADMIN");
    const parent = await createKey(admin.token, "ADMIN");
    const child = await createKey(parent.key, "ADMIN");
    expect((await api("GET", "/api/v1/api-keys", { token: child.key })).status).toBe(200);

    await expectOk(api("PATCH", `/api/v1/members/${admin.userId}`, { token: t.ownerToken, body: { role: "VIEWER" } }));
    expect((await api("GET", "/api/v1/api-keys", { token: child.key })).status).toBe(403);
    expect((await api("GET", "/api/v1/devices", { token: child.key })).status).toBe(200);

    await expectOk(api("PATCH", `/api/v1/members/${admin.userId}`, { token: t.ownerToken, body: { role: "ADMIN" } }));
    await expectOk(api("DELETE", `/api/v1/api-keys/${parent.apiKey.id}`, { token: t.ownerToken }), 204);
    expect((await api("GET", "/api/v1/devices", { token: child.key })).status).toBe(401);
  });

  it("a key of a downgraded ADMIN has VIEWER power over MQTT: its live connection is dropped, and it reconnects as VIEWER", async () => {
    const admin = await memberWithRole(t, "ADMIN");
    const { key } = await createKey(admin.token, "ADMIN");
    const live = await connect(t.tenantId, { clientId: "downgraded-integration", username: "api", password: key });
    expect(await otaPubackCode(live, 1)).toBe(0);

    await expectOk(api("PATCH", `/api/v1/members/${admin.userId}`, { token: t.ownerToken, body: { role: "VIEWER" } }));
    expect((await live.next("disconnect")).reasonCode).toBe(0x98);

    const again = await connect(t.tenantId, { clientId: "downgraded-integration", username: "api", password: key });
    expect(await otaPubackCode(again, 1)).toBe(0x87);
    again.close();
  });

  it("an unrelated key stays connected when some member's role changes", async () => {
    const { key } = await createKey(t.ownerToken, "MEMBER");
    const bystander = await connect(t.tenantId, { clientId: "bystander", username: "api", password: key });
    const other = await memberWithRole(t, "ADMIN");
    await expectOk(api("PATCH", `/api/v1/members/${other.userId}`, { token: t.ownerToken, body: { role: "VIEWER" } }));
    await bystander.nothing("disconnect", 300);
    bystander.send({ type: "pingreq" });
    await bystander.next("pingresp");
    bystander.close();
  });
});

describe("a removed member's keys stop working", () => {
  it("answers 401 over HTTP, drops the key's MQTT connection with 0x98 and refuses it at CONNECT", async () => {
    const admin = await memberWithRole(t, "ADMIN");
    const { key, apiKey } = await createKey(admin.token, "MEMBER");
    const byKey = await createKey((await createKey(admin.token, "ADMIN")).key, "VIEWER");
    const live = await connect(t.tenantId, { clientId: "removed-integration", username: "api", password: key });

    await expectOk(api("DELETE", `/api/v1/members/${admin.userId}`, { token: t.ownerToken }), 204);
    expect((await live.next("disconnect")).reasonCode).toBe(0x98);
    const r = await api("GET", "/api/v1/devices", { token: key });
    expect(r.status).toBe(401);
    expect(r.body.code).toBe("invalid_credentials");
    expect((await api("GET", "/api/v1/devices", { token: byKey.key })).status).toBe(401);
    expect(await connackFor(key, "removed-integration")).not.toBe(0);

    // Revoked, not merely dormant: re-inviting the person does not bring the key back.
    const keys = await expectOk(api("GET", "/api/v1/api-keys?limit=200", { token: t.ownerToken }));
    expect(keys.items.map((k: { id: string }) => k.id)).not.toContain(apiKey.id);
    expect(keys.items.map((k: { id: string }) => k.id)).not.toContain(byKey.apiKey.id);
  });
});

describe("a token vended from an API key dies with the key", () => {
  it("is refused over HTTP and at MQTT CONNECT once the key's expiry has passed", async () => {
    const { key, apiKey } = await createKey(t.ownerToken, "MEMBER", { expiresInDays: 1 });
    const vended = await expectOk(api("POST", "/api/v1/auth/token", { body: { apiKey: key } }));
    expect((await api("GET", "/api/v1/devices", { token: vended.token })).status).toBe(200);
    expect(await connackFor(vended.token, "vended-before")).toBe(0);

    // The key's expiry passes while the vended token (15 minutes) is still within its own lifetime.
    await env.REGISTRY.prepare("UPDATE api_keys SET expires_at = ? WHERE tenant_id = ? AND id = ?")
      .bind(Date.now() - 1000, t.tenantId, apiKey.id)
      .run();

    expect((await api("GET", "/api/v1/devices", { token: key })).status).toBe(401);
    const r = await api("GET", "/api/v1/devices", { token: vended.token });
    expect(r.status).toBe(401);
    expect(r.body.code).toBe("invalid_credentials");
    expect(await connackFor(vended.token, "vended-after")).toBe(0x87);
    expect((await api("POST", "/api/v1/auth/token", { body: { apiKey: key } })).status).toBe(401);
  });

  it("is vended for no longer than the key has left", async () => {
    const { key, apiKey } = await createKey(t.ownerToken, "MEMBER", { expiresInDays: 1 });
    expect((await expectOk(api("POST", "/api/v1/auth/token", { body: { apiKey: key } }))).expiresIn).toBe(900);
    await env.REGISTRY.prepare("UPDATE api_keys SET expires_at = ? WHERE tenant_id = ? AND id = ?")
      .bind(Date.now() + 120_000, t.tenantId, apiKey.id)
      .run();
    const vended = await expectOk(api("POST", "/api/v1/auth/token", { body: { apiKey: key } }));
    expect(vended.expiresIn).toBeGreaterThan(110);
    expect(vended.expiresIn).toBeLessThanOrEqual(120);
    const claims = JSON.parse(atob(vended.token.split(".")[1].replaceAll("-", "+").replaceAll("_", "/")));
    expect(claims.exp - claims.iat).toBe(vended.expiresIn);
  });
});

describe("an MQTT connection ends when its key expires", () => {
  it("closes a key's connection (0x98) at the key's expiry and ends its session", async () => {
    const { key, apiKey } = await createKey(t.ownerToken, "MEMBER", { expiresInDays: 1 });
    // A key about to expire: its connection must not outlive it.
    await env.REGISTRY.prepare("UPDATE api_keys SET expires_at = ? WHERE tenant_id = ? AND id = ?")
      .bind(Date.now() + 1500, t.tenantId, apiKey.id)
      .run();
    const live = await connect(t.tenantId, { clientId: "expiring-integration", username: "api", password: key, cleanStart: false, properties: { sessionExpiryInterval: 3600 } });
    await live.nothing("disconnect", 200);
    await new Promise((r) => setTimeout(r, 1700));
    await runDurableObjectAlarm(env.TENANT_HUB.getByName(t.tenantId));
    expect((await live.next("disconnect")).reasonCode).toBe(0x98);
    // The session went with it: the replacement credential gets the client id, fresh.
    const replacement = await createKey(t.ownerToken, "MEMBER");
    const c = await openSocket(t.tenantId, 5);
    c.send({ type: "connect", protocolLevel: 5, clientId: "expiring-integration", keepAlive: 30, cleanStart: false, username: "api", password: bytes(replacement.key), properties: { sessionExpiryInterval: 3600 } });
    const connack = await c.next("connack");
    expect(connack.reasonCode).toBe(0);
    expect(connack.sessionPresent).toBe(false);
    c.close();
  });
});
