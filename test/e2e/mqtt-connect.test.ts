/**
 * CONNECT over WebSockets with MQTT.js: who gets in, who is refused (with which CONNACK code or
 * HTTP status), and credentials that change while clients are connected.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { http, operatorToken, uniqueId } from "./client";
import { appOpts, auditRow, Client, closeClients, createApiKey, deviceOpts, newTenant, registerDevice, rest, VERSIONS, vName, type Device, type Tenant } from "./mqtt-helpers";

afterEach(closeClients);

let t: Tenant;
let other: Tenant;
let dev: Device;
beforeAll(async () => {
  [t, other] = await Promise.all([newTenant("conn"), newTenant("conn-o")]);
  dev = await registerDevice(t, "sensor-1");
});

// v5 reason codes and the v3.1.1 return codes the hub maps them to.
const BAD_CREDENTIALS = { 5: 0x86, 4: 4 } as const;
const NOT_AUTHORIZED = { 5: 0x87, 4: 5 } as const;
const CLIENT_ID_INVALID = { 5: 0x85, 4: 2 } as const;
const show = (v: 4 | 5, code: number) => (v === 5 ? `0x${code.toString(16).toUpperCase()}` : `return code ${code}`);

for (const v of VERSIONS) {
  describe(`CONNECT, MQTT ${vName(v)}`, () => {
    it("accepts a device with its secret, and application clients with an API key or a user JWT", async () => {
      const d = await Client.open(t.id, deviceOpts(dev, v));
      expect(d.connack?.sessionPresent).toBe(false);
      expect(v === 5 ? d.connack?.reasonCode : d.connack?.returnCode).toBe(0);
      const key = await createApiKey(t, "VIEWER");
      await Client.open(t.id, appOpts(key.key, v));
      await Client.open(t.id, appOpts(t.token, v));
    });

    it(`refuses a wrong device secret with ${show(v, BAD_CREDENTIALS[v])}`, async () => {
      const r = await Client.refused(t.id, deviceOpts({ ...dev, password: "not-the-secret" }, v));
      expect(r).toEqual({ connected: false, code: BAD_CREDENTIALS[v] });
    });

    it(`refuses an unknown device with ${show(v, BAD_CREDENTIALS[v])}`, async () => {
      const ghost = uniqueId("ghost");
      const r = await Client.refused(t.id, deviceOpts({ id: ghost, password: dev.password }, v));
      expect(r).toEqual({ connected: false, code: BAD_CREDENTIALS[v] });
    });

    it(`refuses a device whose client id is not its device id with ${show(v, CLIENT_ID_INVALID[v])} [MQTT-3.1.3-${v === 5 ? 8 : 9}]`, async () => {
      const r = await Client.refused(t.id, deviceOpts(dev, v, { clientId: "someone-else" }));
      expect(r).toEqual({ connected: false, code: CLIENT_ID_INVALID[v] });
    });

    it(`refuses an application client id that is a device id with ${show(v, CLIENT_ID_INVALID[v])}`, async () => {
      const r = await Client.refused(t.id, appOpts(t.token, v, { clientId: dev.id }));
      expect(r).toEqual({ connected: false, code: CLIENT_ID_INVALID[v] });
    });

    it(`refuses a user JWT of another tenant with ${show(v, NOT_AUTHORIZED[v])}, and garbage with ${show(v, BAD_CREDENTIALS[v])}`, async () => {
      expect(await Client.refused(t.id, appOpts(other.token, v))).toEqual({ connected: false, code: NOT_AUTHORIZED[v] });
      expect(await Client.refused(t.id, appOpts("not-a-key", v))).toEqual({ connected: false, code: BAD_CREDENTIALS[v] });
      expect(await Client.refused(t.id, { ...appOpts(t.token, v), password: undefined })).toEqual({ connected: false, code: BAD_CREDENTIALS[v] });
    });

    it("refuses unknown and suspended tenants before the WebSocket upgrade (HTTP 404 / 403)", async () => {
      const unknown = await Client.refused(uniqueId("nobody"), deviceOpts(dev, v));
      expect(unknown).toMatchObject({ connected: false, httpStatus: 404 });
      expect(JSON.parse(unknown.httpBody!).code).toBe("not_found");
      const s = await newTenant("conn-s");
      const sd = await registerDevice(s, "s-1");
      const live = await Client.open(s.id, deviceOpts(sd, v));
      await rest.ok(http("PATCH", `/api/v1/admin/tenants/${s.id}`, { token: operatorToken(), body: { status: "suspended" } }));
      // Suspension closes connections that were already open (v5: DISCONNECT 0x98 first).
      await live.waitClosed();
      if (v === 5) expect(live.disconnects.map((d) => d.reasonCode)).toEqual([0x98]);
      const refused = await Client.refused(s.id, deviceOpts(sd, v));
      expect(refused).toMatchObject({ connected: false, httpStatus: 403 });
      expect(JSON.parse(refused.httpBody!).code).toBe("tenant_suspended");
    });

    it("a revoked API key stops working at once: its client is disconnected and the key refused", async () => {
      const key = await createApiKey(t, "MEMBER");
      const live = await Client.open(t.id, appOpts(key.key, v));
      await rest.ok(http("DELETE", `/api/v1/api-keys/${key.id}`, { token: t.token }), 204);
      await live.waitClosed();
      if (v === 5) expect(live.disconnects[0]?.reasonCode).toBe(0x98);
      expect(await Client.refused(t.id, appOpts(key.key, v))).toEqual({ connected: false, code: BAD_CREDENTIALS[v] });
    });

    it("a rotated device secret stops working at once: the old secret is refused and its client disconnected", async () => {
      const d = await registerDevice(t, uniqueId("rot"));
      const live = await Client.open(t.id, deviceOpts(d, v));
      const rotated = await rest.ok(http("POST", `/api/v1/devices/${d.id}/credentials/rotate`, { token: t.token }));
      await live.waitClosed();
      if (v === 5) expect(live.disconnects[0]?.reasonCode).toBe(0x98);
      expect(await Client.refused(t.id, deviceOpts(d, v))).toEqual({ connected: false, code: BAD_CREDENTIALS[v] });
      const fresh = await Client.open(t.id, deviceOpts({ id: d.id, password: rotated.credentials.password }, v));
      expect(fresh.closed).toBe(false);
    });

    it("a deleted device is disconnected and cannot come back", async () => {
      const d = await registerDevice(t, uniqueId("del"));
      const live = await Client.open(t.id, deviceOpts(d, v));
      await rest.ok(http("DELETE", `/api/v1/devices/${d.id}`, { token: t.token }), 204);
      await live.waitClosed();
      if (v === 5) expect(live.disconnects[0]?.reasonCode).toBe(0x98);
      expect(await Client.refused(t.id, deviceOpts(d, v))).toEqual({ connected: false, code: BAD_CREDENTIALS[v] });
    });
  });
}

describe("CONNECT, MQTT 5 only", () => {
  it("a tenant accepts MQTT connections as soon as signup answered it is active", async () => {
    const fresh = await newTenant("conn-f");
    const d = await registerDevice(fresh, "first-1");
    const device = await Client.open(fresh.id, deviceOpts(d, 5));
    expect(device.connack?.reasonCode).toBe(0);
    const app = await Client.open(fresh.id, appOpts(fresh.token, 5));
    expect(app.connack?.reasonCode).toBe(0);
  });

  it("assigns a client identifier to an empty one [MQTT-3.2.2-16]", async () => {
    const c = await Client.open(t.id, appOpts(t.token, 5, { clientId: "" }));
    const assigned = c.connack?.properties?.assignedClientIdentifier;
    expect(assigned).toMatch(/^auto-/);
    // The assigned id is a real session: a second connection with it takes it over.
    const again = await Client.open(t.id, appOpts(t.token, 5, { clientId: assigned! }));
    await c.waitClosed();
    expect(c.disconnects[0]?.reasonCode).toBe(0x8e);
    expect(again.closed).toBe(false);
  });

  it("announces a Server Keep Alive to a client asking for none [MQTT-3.2.2-21], and its limits", async () => {
    const c = await Client.open(t.id, appOpts(t.token, 5, { keepalive: 0 }));
    expect(c.connack?.properties).toMatchObject({
      serverKeepAlive: 1200,
      receiveMaximum: 100,
      topicAliasMaximum: 32,
      retainAvailable: true,
      sharedSubscriptionAvailable: true,
      subscriptionIdentifiersAvailable: true,
      wildcardSubscriptionAvailable: true,
    });
    const asked = await Client.open(t.id, appOpts(t.token, 5, { keepalive: 30 }));
    expect(asked.connack?.properties?.serverKeepAlive).toBeUndefined();
  });

  it("audits refused connections with the client and the reason", async () => {
    // A tenant of its own: its hub's audit batch holds just these events.
    const a = await newTenant("conn-a");
    const d = await registerDevice(a, "audited-1");
    expect((await Client.refused(a.id, deviceOpts({ ...d, password: "wrong" }, 5))).code).toBe(0x86);
    expect((await Client.refused(a.id, deviceOpts(d, 4, { clientId: "not-audited-1" }))).code).toBe(2);
    expect((await Client.refused(a.id, appOpts(other.token, 5, { clientId: "cross-tenant-app" }))).code).toBe(0x87);
    const failures = "action=mqtt.connect&outcome=failure";
    expect(await auditRow(a, failures, (r) => r.details.reason === "bad_credentials")).toMatchObject({ actorType: "device", actorId: d.id, details: { clientId: d.id } });
    expect(await auditRow(a, failures, (r) => r.details.reason === "client_id_invalid")).toMatchObject({ actorType: "device", actorId: d.id, details: { clientId: "not-audited-1" } });
    expect(await auditRow(a, failures, (r) => r.details.reason === "not_authorized")).toMatchObject({ actorId: "api", details: { clientId: "cross-tenant-app" } });
  });
});
