/**
 * A mountpoint outside the tenant's namespace is refused when the API key or device profile is
 * written (400 naming the field), not only later at CONNECT.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { api, expectOk, signup, type TenantFixture } from "../helpers";

let t: TenantFixture;
let other: TenantFixture;
beforeAll(async () => {
  t = await signup();
  other = await signup();
});

const outside = () => [`t/${other.tenantId}/`, "t/", "devices/", `t/${t.tenantId}`, `t/${t.tenantId}x/`, "t/${clientId}/", "t/${tenant}/${nope}/", "t/${tenant"];
const inside = () => ["t/${tenant}/", `t/${t.tenantId}/`, "t/${tenant}/${clientId}/", `t/${t.tenantId}/site-a/`];

function expectMountpointRefused(r: { status: number; body: any }, label: string) {
  expect(r.status, label).toBe(400);
  expect(r.body.code, label).toBe("validation_failed");
  expect(
    r.body.errors.map((e: { path: string }) => e.path),
    label,
  ).toEqual(["body.mountpoint"]);
}

describe("API key mountpoints", () => {
  it("refuses a mountpoint outside the tenant with 400 on body.mountpoint, and creates no key", async () => {
    for (const mountpoint of outside()) expectMountpointRefused(await api("POST", "/api/v1/api-keys", { token: t.ownerToken, body: { name: "mounted", mountpoint } }), mountpoint);
    expect((await expectOk(api("GET", "/api/v1/api-keys", { token: t.ownerToken }))).items).toEqual([]);
  });

  it("accepts mountpoints inside the tenant, templates included", async () => {
    for (const mountpoint of inside()) {
      const created = await expectOk(api("POST", "/api/v1/api-keys", { token: t.ownerToken, body: { name: "mounted", mountpoint } }), 201);
      expect(created.apiKey.mountpoint).toBe(mountpoint);
    }
  });
});

describe("device profile mountpoints", () => {
  it("refuses a mountpoint outside the tenant on create", async () => {
    for (const [i, mountpoint] of outside().entries()) expectMountpointRefused(await api("POST", "/api/v1/device-profiles", { token: t.ownerToken, body: { id: `out-${i}`, mountpoint } }), mountpoint);
    expect((await api("GET", "/api/v1/device-profiles/out-0", { token: t.ownerToken })).status).toBe(404);
  });

  it("refuses it on update too, and leaves the profile as it was", async () => {
    await expectOk(api("POST", "/api/v1/device-profiles", { token: t.ownerToken, body: { id: "mounted", mountpoint: "t/${tenant}/" } }), 201);
    expectMountpointRefused(await api("PATCH", "/api/v1/device-profiles/mounted", { token: t.ownerToken, body: { mountpoint: `t/${other.tenantId}/` } }), "update");
    expect((await expectOk(api("GET", "/api/v1/device-profiles/mounted", { token: t.ownerToken }))).mountpoint).toBe("t/${tenant}/");
    const moved = await expectOk(api("PATCH", "/api/v1/device-profiles/mounted", { token: t.ownerToken, body: { mountpoint: "t/${tenant}/${clientId}/" } }));
    expect(moved.mountpoint).toBe("t/${tenant}/${clientId}/");
    expect((await expectOk(api("PATCH", "/api/v1/device-profiles/mounted", { token: t.ownerToken, body: { mountpoint: null } }))).mountpoint).toBeNull();
  });
});
