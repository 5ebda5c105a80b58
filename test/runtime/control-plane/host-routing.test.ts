/**
 * Host → tenant routing for every kind of host: the platform host (and loopback), reserved names,
 * tenant subdomains (existing, unknown, deleted), custom domains (active, pending, failed,
 * unknown), on the API, the MQTT endpoint and the public branding endpoint. Plus the cache.
 */
import { exports } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HostDirectoryCache } from "../../../workers/control-plane/host-cache";
import { api, expectOk, OPERATOR_TOKEN, signup, unique, type TenantFixture } from "../helpers";
import { DnsZone, serveDoh } from "./doh-responder";

let A: TenantFixture;
let B: TenantFixture;
let active: string;
let pending: string;
let failed: string;
const zone = new DnsZone();
let stopDoh: () => void;

beforeAll(async () => {
  [A, B] = [await signup(), await signup()];
  stopDoh = serveDoh(zone);
  const base = unique("route");
  [active, pending, failed] = [`a.${base}.example`, `p.${base}.example`, `f.${base}.example`];
  for (const hostname of [active, pending, failed]) {
    const d = await expectOk(api("POST", "/api/v1/domains", { token: A.ownerToken, body: { hostname } }), 201);
    if (hostname === pending) continue;
    zone.cname(hostname, "customers.localhost").txt(d.dnsRecords[1].name, hostname === active ? d.dnsRecords[1].value : "wrong");
    await expectOk(api("POST", `/api/v1/domains/${hostname}/verify`, { token: A.ownerToken }));
  }
  await expectOk(api("PATCH", "/api/v1/tenant", { token: A.ownerToken, body: { name: "Tenant A", branding: { displayName: "A Corp", primaryColor: "#112233", logoUrl: "https://cdn.example/a.png" } } }));
});
afterAll(() => stopDoh());

const mqttUpgrade = (host: string, path = "/mqtt") => exports.default.fetch(`http://${host}${path}`, { headers: { upgrade: "websocket", "sec-websocket-protocol": "mqtt" } });

describe("host routing", () => {
  it("serves the platform host, loopback addresses and reserved names as the platform", async () => {
    for (const host of ["localhost", "127.0.0.1", "www.localhost", "api.localhost", "customers.localhost"]) {
      expect((await expectOk(api("GET", "/api/v1/tenant", { token: A.ownerToken, host }))).tenant.id, host).toBe(A.tenantId);
      expect((await api("GET", "/api/v1/branding", { host })).status, host).toBe(404);
    }
  });

  it("serves a tenant subdomain to that tenant only", async () => {
    const host = `${A.tenantId}.localhost`;
    expect((await expectOk(api("GET", "/api/v1/tenant", { token: A.ownerToken, host }))).tenant.id).toBe(A.tenantId);
    expect((await api("GET", "/api/v1/tenant", { token: B.ownerToken, host })).status).toBe(403);
    expect(await expectOk(api("GET", "/api/v1/branding", { host }))).toEqual({ tenant: { id: A.tenantId, name: "Tenant A" }, branding: { displayName: "A Corp", primaryColor: "#112233", logoUrl: "https://cdn.example/a.png" } });
  });

  it("serves an active custom domain exactly like the tenant's subdomain: API, branding and MQTT", async () => {
    expect((await expectOk(api("GET", "/api/v1/tenant", { token: A.ownerToken, host: active }))).tenant.id).toBe(A.tenantId);
    expect((await api("GET", "/api/v1/tenant", { token: B.ownerToken, host: active })).status).toBe(403);
    expect((await expectOk(api("GET", "/api/v1/branding", { host: active }))).branding.displayName).toBe("A Corp");
    const ws = await mqttUpgrade(active);
    expect(ws.status).toBe(101);
    ws.webSocket!.accept();
    ws.webSocket!.close();
    // The path form cannot name another tenant on a tenant's host.
    expect((await mqttUpgrade(active, `/t/${B.tenantId}/mqtt`)).status).toBe(404);
  });

  it("answers 404 for unknown, pending and failed hosts and never falls through to some tenant", async () => {
    for (const host of [pending, failed, `nobody.${unique("x")}.example`, "no-such-tenant.localhost"]) {
      const r = await api("GET", "/api/v1/tenant", { token: A.ownerToken, host });
      expect(r.status, host).toBe(404);
      expect(r.headers.get("content-type"), host).toContain("application/problem+json");
      expect((await api("GET", "/api/v1/branding", { host })).status, host).toBe(404);
      expect((await mqttUpgrade(host)).status, host).toBe(404);
      // Public endpoints on such hosts are 404 too: the host is checked before any route.
      expect((await api("POST", "/api/v1/auth/login", { host, body: { email: A.email, password: A.password } })).status, host).toBe(404);
    }
  });

  it("stops serving a suspended tenant's hosts to its members but still shows its login branding", async () => {
    const s = await signup();
    await expectOk(api("POST", `/api/v1/admin/tenants/${s.tenantId}/suspend`, { token: OPERATOR_TOKEN, body: {} }));
    const host = `${s.tenantId}.localhost`;
    expect((await api("GET", "/api/v1/tenant", { token: s.ownerToken, host })).body.code).toBe("tenant_suspended");
    expect((await api("GET", "/api/v1/branding", { host })).status).toBe(200);
  });
});

describe("host directory cache", () => {
  it("answers from memory within the TTL, reloads after it, and forgets on invalidation", async () => {
    let now = 0;
    const loads: string[] = [];
    const cache = new HostDirectoryCache(1_000, 3, () => now);
    const load = async (h: string) => (loads.push(h), h === "known.example" ? "acme" : null);
    expect(await cache.lookup("known.example", load)).toBe("acme");
    expect(await cache.lookup("known.example", load)).toBe("acme");
    expect(await cache.lookup("unknown.example", load)).toBeNull();
    expect(await cache.lookup("unknown.example", load)).toBeNull(); // misses are cached too: scanners cost one query per TTL
    expect(loads).toEqual(["known.example", "unknown.example"]);
    now = 1_001;
    await cache.lookup("known.example", load);
    expect(loads).toHaveLength(3);
    cache.invalidate("known.example");
    await cache.lookup("known.example", load);
    expect(loads).toHaveLength(4);
  });

  it("keeps at most its maximum number of entries, dropping the oldest", async () => {
    const cache = new HostDirectoryCache(60_000, 2);
    const loads: string[] = [];
    const load = async (h: string) => (loads.push(h), null);
    for (const h of ["a.example", "b.example", "c.example", "a.example"]) await cache.lookup(h, load);
    expect(loads).toEqual(["a.example", "b.example", "c.example", "a.example"]);
  });
});
