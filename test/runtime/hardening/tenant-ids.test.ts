/**
 * Tenant ids are hostnames' first label and appear in people's address bars: reserved names,
 * labels DNS or IDNA would read differently, and look-alikes of an existing tenant with the same
 * display name are refused, by signup and by the operator alike.
 */
import { describe, expect, it } from "vitest";
import { isLookAlikeTenantId, tenantIdSkeleton } from "../../../domain/tenant-look-alike";
import { api, OPERATOR_TOKEN, unique } from "../helpers";

const signupAs = (id: string, name = "Someone") => api("POST", "/api/v1/auth/signup", { body: { email: `${unique("ids")}@example.com`, password: "correct horse battery", tenant: { id, name } } });
const operatorCreates = (id: string, name = "Someone") => api("POST", "/api/v1/admin/tenants", { token: OPERATOR_TOKEN, body: { id, name, ownerEmail: `${unique("boss")}@example.com` } });

describe("reserved tenant ids", () => {
  // Names that mean something to browsers, mail clients, DNS or the platform's own hosts.
  const reserved = ["sso", "billing", "autodiscover", "autoconfig", "localhost", "wpad", "mta-sts", "www", "api", "admin"];

  it("signup answers 409 for each, as for the reserved ids before", async () => {
    for (const id of reserved) {
      const r = await signupAs(id);
      expect(r.status, id).toBe(409);
      expect(r.body.detail, id).toContain("reserved");
    }
  });

  it("confusable spellings of reserved ids are reserved too", async () => {
    for (const id of ["adm1n", "bi11ing", "ss0", "rnail", "auto-discover"]) {
      const r = await signupAs(id);
      expect(r.status, id).toBe(409);
      expect(r.body.detail, id).toContain("reserved");
    }
  });

  it("the operator cannot create them either", async () => {
    for (const id of ["sso", "billing", "localhost"]) expect((await operatorCreates(id)).status, id).toBe(409);
  });
});

describe("tenant ids are valid DNS labels that IDNA reads as themselves", () => {
  const invalid = ["xn--abc", "xn--80ak6aa92e", "ab--cd", "abc-", "a-", "zz--"];

  it("signup refuses them as a validation error on body.tenant.id", async () => {
    for (const id of invalid) {
      const r = await signupAs(id);
      expect(r.status, id).toBe(400);
      expect(r.body.errors[0].path, id).toBe("body.tenant.id");
    }
  });

  it("the operator's creation refuses them too", async () => {
    for (const id of ["xn--abc", "abc-"]) {
      const r = await operatorCreates(id);
      expect(r.status, id).toBe(400);
      expect(r.body.errors[0].path, id).toBe("body.id");
    }
  });

  it("still accepts hyphens inside and a double hyphen after position 4", async () => {
    for (const id of [unique("a-b"), `abc--${Date.now().toString(36)}`]) expect((await signupAs(id)).status, id).toBe(201);
  });
});

describe("look-alikes of an existing tenant", () => {
  it("refuses a near copy of an existing id under the same display name, with a message naming it", async () => {
    const original = `${unique("nova")}ab`; // ends in two different letters, so swapping them changes it
    const name = `Nova Dynamics ${original}`;
    expect((await signupAs(original, name)).status).toBe(201);
    // One edit away, one transposition away, and a confusable spelling (0 for o, rn for m).
    const copies = [`${original}x`, original.slice(0, -1), swapLastTwo(original), original.replace("o", "0")];
    for (const copy of copies) {
      const r = await signupAs(copy, ` ${name.toUpperCase()} `);
      expect(r.status, copy).toBe(409);
      expect(r.body.code, copy).toBe("conflict");
      expect(r.body.detail, copy).toContain(`'${original}'`);
    }
    expect((await operatorCreates(`${original}x`, name)).status).toBe(409);
    // The refused copy was never claimed.
    expect((await api("GET", `/api/v1/admin/tenants/${original}x`, { token: OPERATOR_TOKEN })).status).toBe(404);
  });

  it("allows the same near id under a different display name, and a distant id under the same name", async () => {
    const original = unique("orbit");
    const name = `Orbit Labs ${original}`;
    expect((await signupAs(original, name)).status).toBe(201);
    expect((await signupAs(`${original}x`, "Another company")).status).toBe(201);
    expect((await signupAs(`${original}-eu`, name)).status).toBe(201);
  });
});

describe("look-alikes made later, by renaming", () => {
  it("refuses a rename, or a login-page name, that makes a near id look like an existing tenant (409), and allows other names", async () => {
    const original = unique("vega");
    const name = `Vega Systems ${original}`;
    expect((await signupAs(original, name)).status).toBe(201);
    const copycat = await signupAs(`${original}s`, "Harmless name");
    expect(copycat.status).toBe(201);
    const token = copycat.body.token.token;
    for (const body of [{ name }, { branding: { displayName: name } }]) {
      const r = await api("PATCH", "/api/v1/tenant", { token, body });
      expect(r.status, JSON.stringify(body)).toBe(409);
      expect(r.body.detail).toContain(`'${original}'`);
    }
    expect((await api("GET", "/api/v1/tenant", { token })).body.tenant.name).toBe("Harmless name");
    expect((await api("PATCH", "/api/v1/tenant", { token, body: { name: "Still harmless", branding: { displayName: "Also fine" } } })).status).toBe(200);
  });
});

describe("the look-alike rule", () => {
  it("folds confusable characters before comparing", () => {
    expect(tenantIdSkeleton("rnicr0s0ft")).toBe(tenantIdSkeleton("microsoft"));
    expect(tenantIdSkeleton("paypa1")).toBe(tenantIdSkeleton("paypal"));
    expect(tenantIdSkeleton("vvidget")).toBe(tenantIdSkeleton("widget"));
    expect(tenantIdSkeleton("i1l")).toBe(tenantIdSkeleton("lll"));
  });

  it("is within one edit (insert, delete, substitute, swap neighbours) of the folded id", () => {
    expect(isLookAlikeTenantId("acme", "acme1")).toBe(true);
    expect(isLookAlikeTenantId("acme", "acm")).toBe(true);
    expect(isLookAlikeTenantId("acme", "acne")).toBe(true);
    expect(isLookAlikeTenantId("acme", "amce")).toBe(true);
    expect(isLookAlikeTenantId("acme", "acrne")).toBe(true);
    expect(isLookAlikeTenantId("acme", "acme-eu")).toBe(false);
    expect(isLookAlikeTenantId("acme", "bcne")).toBe(false);
    expect(isLookAlikeTenantId("acme", "acme")).toBe(false); // the same id is "taken", not a look-alike
  });
});

function swapLastTwo(id: string): string {
  return id.slice(0, -2) + id.at(-1) + id.at(-2);
}
