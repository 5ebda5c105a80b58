import { beforeAll, describe, expect, it } from "vitest";
import { api, createDevice, expectOk, lastMail, linkToken, OPERATOR_TOKEN, signup, type TenantFixture } from "./helpers";

let t: TenantFixture;
beforeAll(async () => {
  t = await signup();
});

describe("devices", () => {
  it("registers a device with its full record and one-time credentials", async () => {
    const r = await createDevice(t.ownerToken, {
      id: "pump-7",
      name: "Pump 7",
      kind: "INTEGRATION",
      location: { lat: 52.37, lon: 4.89 },
      tags: ["pumps", "north"],
      firmwareVersion: "1.4.2",
      hardwareRevision: "B",
      sharedAttributes: { targetRpm: 1200 },
    });
    expect(r.device).toMatchObject({ id: "pump-7", kind: "INTEGRATION", type: "device", status: "provisioned", disabled: false, location: { lat: 52.37, lon: 4.89 }, firmwareVersion: "1.4.2", sharedAttributes: { targetRpm: 1200 } });
    expect(r.credentials).toMatchObject({ clientId: "pump-7", username: "pump-7" });
    expect(r.credentials.password).toMatch(/^[0-9a-z]{32}$/);
    const got = await expectOk(api("GET", "/api/v1/devices/pump-7", { token: t.ownerToken }));
    expect(JSON.stringify(got)).not.toContain(r.credentials.password);
    expect(got).not.toHaveProperty("secretHash");
  });

  it("records gateways and their children, and detaches children when the gateway goes", async () => {
    await createDevice(t.ownerToken, { id: "gw-a", type: "gateway" });
    await createDevice(t.ownerToken, { id: "kid-1", parentId: "gw-a" });
    const notGateway = await api("POST", "/api/v1/devices", { token: t.ownerToken, body: { id: "kid-2", parentId: "kid-1" } });
    expect(notGateway.status).toBe(400);
    expect((await expectOk(api("GET", "/api/v1/devices?parent=gw-a", { token: t.ownerToken }))).items.map((d: { id: string }) => d.id)).toEqual(["kid-1"]);
    await expectOk(api("DELETE", "/api/v1/devices/gw-a", { token: t.ownerToken }), 204);
    expect((await expectOk(api("GET", "/api/v1/devices/kid-1", { token: t.ownerToken }))).parentId).toBeNull();
  });

  it("filters by status, kind, type, firmware, tag and text, and pages with a cursor", async () => {
    const owner = await signup();
    for (let i = 0; i < 7; i++) await createDevice(owner.ownerToken, { id: `sensor-${i}`, name: `Sensor ${i}`, kind: i % 2 ? "EXTERNAL" : "INTERNAL", tags: i < 3 ? ["red"] : ["blue"], firmwareVersion: i < 4 ? "1.0" : "2.0" });
    await createDevice(owner.ownerToken, { id: "hub-x", type: "gateway", name: "Yard hub" });
    const q = async (query: string) => (await expectOk(api("GET", `/api/v1/devices${query}`, { token: owner.ownerToken }))).items.map((d: { id: string }) => d.id);
    expect(await q("?kind=EXTERNAL")).toEqual(["sensor-1", "sensor-3", "sensor-5"]);
    expect(await q("?tag=red")).toEqual(["sensor-0", "sensor-1", "sensor-2"]);
    expect(await q("?firmware=2.0&kind=INTERNAL")).toEqual(["sensor-4", "sensor-6"]);
    expect(await q("?type=gateway")).toEqual(["hub-x"]);
    expect(await q("?q=yard")).toEqual(["hub-x"]);
    expect(await q("?status=provisioned&limit=200")).toHaveLength(8);
    expect(await q("?status=online")).toEqual([]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = await expectOk(api("GET", `/api/v1/devices?limit=3${cursor ? `&cursor=${cursor}` : ""}`, { token: owner.ownerToken }));
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((d) => d.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(8);
  });

  it("updates, rotates credentials and deletes", async () => {
    const created = await createDevice(t.ownerToken, { id: "door-1" });
    const patched = await expectOk(api("PATCH", "/api/v1/devices/door-1", { token: t.ownerToken, body: { name: "Front door", location: null, tags: ["doors"], disabled: true } }));
    expect(patched).toMatchObject({ name: "Front door", tags: ["doors"], disabled: true, location: null });
    const rotated = await expectOk(api("POST", "/api/v1/devices/door-1/credentials/rotate", { token: t.ownerToken }));
    expect(rotated.credentials.password).not.toBe(created.credentials.password);
    expect(rotated.device.credentialsRotatedAt).toBeGreaterThanOrEqual(created.device.credentialsRotatedAt);
    await expectOk(api("DELETE", "/api/v1/devices/door-1", { token: t.ownerToken }), 204);
    expect((await api("GET", "/api/v1/devices/door-1", { token: t.ownerToken })).status).toBe(404);
    const audit = await expectOk(api("GET", "/api/v1/audit?limit=200", { token: t.ownerToken }));
    const actions = audit.items.filter((e: { targetId: string }) => e.targetId === "door-1").map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["device.create", "device.credentials_issued", "device.update", "device.credentials_rotated", "device.delete"]));
  });

  it("refuses a duplicate id with 409", async () => {
    await createDevice(t.ownerToken, { id: "twin" });
    const r = await api("POST", "/api/v1/devices", { token: t.ownerToken, body: { id: "twin" } });
    expect(r.status).toBe(409);
    expect(r.body.code).toBe("already_exists");
  });

  it("enforces the plan's device limit with a problem that names the limit, and honours operator overrides", async () => {
    const small = await signup();
    await expectOk(api("PATCH", `/api/v1/admin/tenants/${small.tenantId}`, { token: OPERATOR_TOKEN, body: { limits: { maxDevices: 2 } } }));
    await createDevice(small.ownerToken, { id: "one" });
    await createDevice(small.ownerToken, { id: "two" });
    const r = await api("POST", "/api/v1/devices", { token: small.ownerToken, body: { id: "three" } });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: "plan_limit_reached", limit: "maxDevices", max: 2, plan: "starter" });
    expect(r.headers.get("content-type")).toContain("application/problem+json");
  });

  it("assigns the tenant's default profile to new devices", async () => {
    const owner = await signup();
    await expectOk(api("POST", "/api/v1/device-profiles", { token: owner.ownerToken, body: { id: "std", isDefault: true, metrics: { temp: { type: "number", min: -40, max: 85, unit: "C" } } } }), 201);
    expect((await createDevice(owner.ownerToken, { id: "d" })).device.profileId).toBe("std");
    expect((await createDevice(owner.ownerToken, { id: "e", profileId: null })).device.profileId).toBeNull();
    // A profile in use cannot be deleted.
    expect((await api("DELETE", "/api/v1/device-profiles/std", { token: owner.ownerToken })).status).toBe(409);
    // Only one default at a time.
    await expectOk(api("POST", "/api/v1/device-profiles", { token: owner.ownerToken, body: { id: "std2", isDefault: true } }), 201);
    const profiles = await expectOk(api("GET", "/api/v1/device-profiles", { token: owner.ownerToken }));
    expect(profiles.items.filter((p: { isDefault: boolean }) => p.isDefault).map((p: { id: string }) => p.id)).toEqual(["std2"]);
  });
});

describe("assets and sensors", () => {
  it("models a truck with its sensors", async () => {
    await expectOk(api("POST", "/api/v1/assets", { token: t.ownerToken, body: { id: "truck-9", type: "truck", name: "Truck 9", location: { lat: 1, lon: 2 } } }), 201);
    await createDevice(t.ownerToken, { id: "tracker-9" });
    const sensor = await expectOk(api("POST", "/api/v1/assets/truck-9/sensors", { token: t.ownerToken, body: { id: "temp-1", type: "temperature", unit: "C", deviceId: "tracker-9", min: -30, max: 60 } }), 201);
    expect(sensor).toMatchObject({ assetId: "truck-9", unit: "C", deviceId: "tracker-9" });
    expect((await api("POST", "/api/v1/assets/truck-9/sensors", { token: t.ownerToken, body: { id: "temp-1", type: "t" } })).status).toBe(409);
    expect((await expectOk(api("PATCH", "/api/v1/assets/truck-9/sensors/temp-1", { token: t.ownerToken, body: { unit: "F" } }))).unit).toBe("F");
    expect((await expectOk(api("GET", "/api/v1/assets/truck-9/sensors", { token: t.ownerToken }))).items).toHaveLength(1);
    await expectOk(api("DELETE", "/api/v1/assets/truck-9", { token: t.ownerToken }), 204);
    expect((await api("GET", "/api/v1/assets/truck-9/sensors/temp-1", { token: t.ownerToken })).status).toBe(404);
  });
});

describe("operator", () => {
  it("lists tenants with device counts, creates tenants, and needs the operator token", async () => {
    expect((await api("GET", "/api/v1/admin/tenants", { token: t.ownerToken })).status).toBe(401);
    const list = await expectOk(api("GET", `/api/v1/admin/tenants?q=${t.tenantId}`, { token: OPERATOR_TOKEN }));
    expect(list.items[0]).toMatchObject({ id: t.tenantId, plan: "starter" });
    expect(list.items[0].deviceCount).toBeGreaterThan(0);
    const created = await expectOk(api("POST", "/api/v1/admin/tenants", { token: OPERATOR_TOKEN, body: { id: "op-made", name: "Operator made", plan: "enterprise", ownerEmail: "boss@example.com" } }), 201);
    expect(created.tenant.plan).toBe("enterprise");
    expect(created.invitation).toMatchObject({ email: "boss@example.com", delivery: "mailed" });
    const accepted = await expectOk(api("POST", "/api/v1/auth/invitations/accept", { body: { token: linkToken(await lastMail("boss@example.com", "invitation")), password: "the boss password" } }));
    expect(accepted).toMatchObject({ tenant: "op-made", role: "OWNER" });
  });

  it("suspends and resumes a tenant: the API answers 403 while suspended", async () => {
    const s = await signup();
    await expectOk(api("PATCH", `/api/v1/admin/tenants/${s.tenantId}`, { token: OPERATOR_TOKEN, body: { status: "suspended" } }));
    const r = await api("GET", "/api/v1/devices", { token: s.ownerToken });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe("tenant_suspended");
    expect((await api("POST", "/api/v1/auth/login", { body: { email: s.email, password: s.password } })).status).toBe(403);
    await expectOk(api("PATCH", `/api/v1/admin/tenants/${s.tenantId}`, { token: OPERATOR_TOKEN, body: { status: "active" } }));
    expect((await api("GET", "/api/v1/devices", { token: s.ownerToken })).status).toBe(200);
    const audit = await expectOk(api("GET", "/api/v1/audit?action=tenant.operator_update", { token: s.ownerToken }));
    expect(audit.items.filter((e: { details: { status?: string } }) => e.details.status).map((e: { details: { status: string } }) => e.details.status)).toEqual(["active", "suspended"]);
  });
});

describe("OpenAPI", () => {
  it("documents every API route from the zod schemas", async () => {
    const doc = await expectOk(api("GET", "/api/v1/openapi.json"));
    expect(doc.openapi).toBe("3.1.0");
    const post = doc.paths["/api/v1/devices"].post;
    expect(post.requestBody.content["application/json"].schema.properties.id.pattern).toBeDefined();
    expect(post.responses["201"].content["application/json"].schema.properties.credentials).toBeDefined();
    expect(post["x-min-role"]).toBe("MEMBER");
    expect(doc.paths["/api/v1/devices/{id}"].get.parameters[0]).toMatchObject({ name: "id", in: "path", required: true });
    expect(Object.keys(doc.paths).length).toBeGreaterThan(20);
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, { summary?: string }>>)) {
      for (const [method, op] of Object.entries(ops)) expect(op.summary, `${method} ${path}`).toBeTruthy();
    }
    const page = await api("GET", "/api/v1/docs");
    expect(page.status).toBe(200);
    expect(String(page.body)).toContain("openapi.json");
  });
});

describe("operator tenant list at scale", () => {
  it("counts devices for a full page of 200 tenants (past D1's 100 bound parameters)", async () => {
    const { openRegistry } = await import("../../domain/data/db");
    const { platformData } = await import("../../domain/data/platform");
    const { env } = await import("cloudflare:workers");
    const ids = Array.from({ length: 150 }, (_, i) => `ghost-${i}`);
    const counts = await platformData(openRegistry(env.REGISTRY)).tenants.deviceCounts([t.tenantId, ...ids]);
    expect(counts[t.tenantId]).toBeGreaterThan(0);
    expect(counts["ghost-1"]).toBeUndefined();
  });
});
