/**
 * Custom domains end to end through the API, verified against a DNS-over-HTTPS responder the
 * test controls: right token, wrong token, missing CNAME, a hostname another tenant holds,
 * IDNA look-alikes, and removal.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, expectOk, signup, unique, type TenantFixture } from "../helpers";
import { DnsZone, serveDoh } from "./doh-responder";

const TARGET = "customers.localhost";
let A: TenantFixture;
let B: TenantFixture;
const zone = new DnsZone();
let stopDoh: () => void;

beforeAll(async () => {
  [A, B] = [await signup(), await signup()];
  stopDoh = serveDoh(zone);
});
afterAll(() => stopDoh());

type DomainView = { hostname: string; status: string; failureReason: string | null; dnsRecords: { type: string; name: string; value: string; purpose: string }[] };
const challenge = (d: DomainView) => d.dnsRecords.find((r) => r.purpose === "ownership")!;

async function add(t: TenantFixture, hostname: string): Promise<DomainView> {
  return expectOk(api("POST", "/api/v1/domains", { token: t.ownerToken, body: { hostname } }), 201);
}
/** Publishes what the tenant was told to publish. */
function publish(d: DomainView, overrides: { cname?: string | null; token?: string | null } = {}) {
  if (overrides.cname !== null) zone.cname(d.hostname, overrides.cname ?? TARGET);
  if (overrides.token !== null) zone.txt(challenge(d).name, overrides.token ?? challenge(d).value);
}
const verify = (t: TenantFixture, hostname: string) => api("POST", `/api/v1/domains/${encodeURIComponent(hostname)}/verify`, { token: t.ownerToken });

describe("custom domains", () => {
  it("tells the tenant which records to create: the CNAME to the platform and the TXT challenge", async () => {
    const d = await add(A, `app.${unique("rec")}.example`);
    expect(d.status).toBe("pending");
    expect(d.dnsRecords).toEqual([
      { type: "CNAME", name: d.hostname, value: TARGET, purpose: "routing" },
      { type: "TXT", name: `_skylark-challenge.${d.hostname}`, value: expect.stringMatching(/^sky-[0-9a-z]{32}$/), purpose: "ownership" },
    ]);
  });

  it("activates with the right CNAME and token, and the hostname then serves the tenant", async () => {
    const d = await add(A, `iot.${unique("ok")}.example`);
    expect((await api("GET", "/api/v1/branding", { host: d.hostname })).status).toBe(404); // pending: unknown host
    publish(d);
    const r = await expectOk(verify(A, d.hostname));
    expect(r.domain).toMatchObject({ hostname: d.hostname, status: "active", failureReason: null });
    expect(r.checks).toMatchObject({ cname: { ok: true }, txt: { ok: true }, cloudflare: { ok: true, status: "active", sslStatus: "active" } });
    expect((await expectOk(api("GET", "/api/v1/branding", { host: d.hostname }))).tenant.id).toBe(A.tenantId);
    expect((await expectOk(api("GET", "/api/v1/tenant", { token: A.ownerToken, host: d.hostname }))).tenant.id).toBe(A.tenantId);
    const audit = await expectOk(api("GET", "/api/v1/audit?action=domain.verify", { token: A.ownerToken }));
    expect(audit.items[0]).toMatchObject({ targetId: d.hostname, outcome: "success" });
  });

  it("fails with the reason when the TXT token is wrong, then succeeds once it is fixed", async () => {
    const d = await add(A, `wrong.${unique("tok")}.example`);
    publish(d, { token: "sky-someone-elses-token" });
    const failed = await expectOk(verify(A, d.hostname));
    expect(failed.domain.status).toBe("failed");
    expect(failed.domain.failureReason).toContain("does not hold this hostname's token");
    expect(failed.checks.txt).toMatchObject({ ok: false, recordsFound: 1 });
    expect((await api("GET", "/api/v1/tenant", { token: A.ownerToken, host: d.hostname })).status).toBe(404);
    zone.remove(challenge(d).name);
    publish(d, { cname: null });
    expect((await expectOk(verify(A, d.hostname))).domain.status).toBe("active");
  });

  it("fails when the CNAME is missing or points elsewhere", async () => {
    const missing = await add(A, `nocname.${unique("cn")}.example`);
    publish(missing, { cname: null });
    const r1 = await expectOk(verify(A, missing.hostname));
    expect(r1.domain).toMatchObject({ status: "failed", failureReason: expect.stringContaining(`no CNAME record for ${missing.hostname}`) });
    const elsewhere = await add(A, `elsewhere.${unique("cn")}.example`);
    publish(elsewhere, { cname: "lb.other-provider.example" });
    const r2 = await expectOk(verify(A, elsewhere.hostname));
    expect(r2.domain.failureReason).toContain("is a CNAME to lb.other-provider.example");
    expect(r2.checks.cname).toMatchObject({ ok: false, found: ["lb.other-provider.example"] });
  });

  it("never lets a hostname active for one tenant be claimed or activated by another", async () => {
    const hostname = `shared.${unique("taken")}.example`;
    const bPending = await add(B, hostname); // both may be pending; only DNS proof decides
    const aDomain = await add(A, hostname);
    publish(aDomain);
    expect((await expectOk(verify(A, hostname))).domain.status).toBe("active");
    // B publishes its own token too: still refused, the hostname serves A.
    publish(bPending, { cname: null });
    const r = await verify(B, hostname);
    expect(r.status).toBe(409);
    expect(r.body.code).toBe("conflict");
    expect((await expectOk(api("GET", `/api/v1/domains/${hostname}`, { token: B.ownerToken }))).status).toBe("failed");
    const claim = await api("POST", "/api/v1/domains", { token: B.ownerToken, body: { hostname: `SHARED.${hostname.slice("shared.".length)}.` } });
    expect(claim.status).toBe(409);
    expect((await expectOk(api("GET", "/api/v1/branding", { host: hostname }))).tenant.id).toBe(A.tenantId);
    // B's token on A's hostname is refused like on any other tenant's host.
    expect((await api("GET", "/api/v1/tenant", { token: B.ownerToken, host: hostname })).status).toBe(403);
  });

  it("normalizes hostnames before every comparison: case, trailing dot, IDNA, full-width look-alikes", async () => {
    const base = unique("idn");
    const d = await add(A, `Büro.${base}.Example.`);
    expect(d.hostname).toBe(`xn--bro-hoa.${base}.example`);
    expect(d.dnsRecords[1]!.name).toBe(`_skylark-challenge.xn--bro-hoa.${base}.example`);
    // The same name typed differently is the same hostname…
    for (const same of [`BÜRO.${base}.EXAMPLE`, `xn--bro-hoa.${base}.example.`, `ｂüｒｏ.${base}.example`]) {
      expect((await api("POST", "/api/v1/domains", { token: A.ownerToken, body: { hostname: same } })).status, same).toBe(409);
    }
    publish(d);
    expect((await expectOk(verify(A, `BÜRO.${base}.example`))).domain.status).toBe("active");
    expect((await expectOk(api("GET", "/api/v1/branding", { host: `xn--bro-hoa.${base}.example` }))).tenant.id).toBe(A.tenantId);
    // …while a look-alike in another script is a different name, with its own token and no route until proven.
    const cyrillic = await add(B, `аcme.${base}.example`); // the first letter is U+0430
    expect(cyrillic.hostname).toMatch(/^xn--/);
    expect(challenge(cyrillic).value).not.toBe(challenge(d).value);
    publish(cyrillic, { token: challenge(d).value }); // A's token does not prove B's name
    expect((await expectOk(verify(B, cyrillic.hostname))).domain.status).toBe("failed");
    expect((await api("GET", "/api/v1/branding", { host: cyrillic.hostname })).status).toBe(404);
  });

  it("refuses what is not a custom hostname, naming the field", async () => {
    for (const hostname of ["localhost", "acme.localhost", "10.0.0.1", "example.com:8443", "https://example.com/", "a..b.example", "-bad-.example", "nodots", "x".repeat(64) + ".example", "user@example.com"]) {
      const r = await api("POST", "/api/v1/domains", { token: A.ownerToken, body: { hostname } });
      expect(r.status, hostname).toBe(400);
      expect(r.body.errors[0].path, hostname).toBe("body.hostname");
    }
  });

  it("removal stops routing at once, and the hostname can then be claimed by someone else", async () => {
    const d = await add(A, `gone.${unique("rm")}.example`);
    publish(d);
    await expectOk(verify(A, d.hostname));
    expect((await api("GET", "/api/v1/branding", { host: d.hostname })).status).toBe(200); // now cached as A's
    await expectOk(api("DELETE", `/api/v1/domains/${d.hostname}`, { token: A.ownerToken }), 204);
    expect((await api("GET", "/api/v1/branding", { host: d.hostname })).status).toBe(404);
    expect((await api("GET", `/api/v1/domains/${d.hostname}`, { token: A.ownerToken })).status).toBe(404);
    const b = await add(B, d.hostname);
    zone.remove(challenge(d).name);
    publish(b, { cname: null });
    expect((await expectOk(verify(B, d.hostname))).domain.status).toBe("active");
    expect((await expectOk(api("GET", "/api/v1/branding", { host: d.hostname }))).tenant.id).toBe(B.tenantId);
  });

  it("answers 503 when the resolver fails, and leaves the domain as it was", async () => {
    const d = await add(A, `flaky.${unique("dns")}.example`);
    zone.servfail = true;
    try {
      const r = await verify(A, d.hostname);
      expect(r.status).toBe(503);
      expect(r.body.code).toBe("unavailable");
    } finally {
      zone.servfail = false;
    }
    expect((await expectOk(api("GET", `/api/v1/domains/${d.hostname}`, { token: A.ownerToken }))).status).toBe("pending");
  });

  it("is for admins: members and viewers cannot add, verify or remove domains", async () => {
    const { memberWithRole } = await import("../helpers");
    const member = await memberWithRole(A, "MEMBER");
    expect((await api("POST", "/api/v1/domains", { token: member.token, body: { hostname: `m.${unique("role")}.example` } })).status).toBe(403);
    expect((await api("GET", "/api/v1/domains", { token: member.token })).status).toBe(403);
  });
});
