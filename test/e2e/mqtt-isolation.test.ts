/**
 * Tenant isolation over MQTT: two tenants whose devices have the same ids and publish the same
 * relative topics never see each other's messages — live, retained, `#`-style subscriptions of
 * ADMIN clients, or `$SYS` stats — and one tenant's credentials do not open another's hub.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { http } from "./client";
import { appOpts, auditRow, barrier, Client, closeClients, createApiKey, createProfile, deviceOpts, newTenant, registerDevice, sleep, VERSIONS, vName, type Device, type Tenant, type Version } from "./mqtt-helpers";

afterEach(closeClients);

type Side = { t: Tenant; plain: Device; mounted: Device; mountedKey: string; adminKey: string };
let A: Side;
let B: Side;

async function side(prefix: string): Promise<Side> {
  const t = await newTenant(prefix);
  await createProfile(t, "relative", "t/${tenant}/");
  const [plain, mounted, mountedKey, adminKey] = await Promise.all([
    registerDevice(t, "sensor-1"),
    registerDevice(t, "mounted-1", { profileId: "relative" }),
    createApiKey(t, "ADMIN", { mountpoint: "t/${tenant}/" }),
    createApiKey(t, "ADMIN"),
  ]);
  return { t, plain, mounted, mountedKey: mountedKey.key, adminKey: adminKey.key };
}

beforeAll(async () => {
  [A, B] = await Promise.all([side("iso-a"), side("iso-b")]);
});

/** A tenant's clients: both devices, an ADMIN reading `t/{tenant}/#`, a mounted ADMIN reading `#`. */
async function clients(s: Side, v: Version) {
  const plain = await Client.open(s.t.id, deviceOpts(s.plain, v));
  const mounted = await Client.open(s.t.id, deviceOpts(s.mounted, v));
  const admin = await Client.open(s.t.id, appOpts(s.adminKey, v));
  const mountedAdmin = await Client.open(s.t.id, appOpts(s.mountedKey, v));
  expect(await admin.sub(`t/${s.t.id}/#`, { qos: 1 })).toEqual([1]);
  expect(await mountedAdmin.sub("#", { qos: 1 })).toEqual([1]);
  return { plain, mounted, admin, mountedAdmin };
}

const denied = (v: Version) => (v === 5 ? 0x87 : 0x80);

for (const v of VERSIONS) {
  describe(`tenant isolation, MQTT ${vName(v)}`, () => {
    it("identical device ids and relative topics: each tenant sees only its own messages", async () => {
      const a = await clients(A, v);
      const b = await clients(B, v);
      for (const [s, c, other] of [
        [A, a, B],
        [B, b, A],
      ] as const) {
        // `#` and other tenants' trees are refused outright, whatever the role.
        expect(await c.admin.sub(["#", `t/${other.t.id}/#`, "t/+/devices/sensor-1/telemetry", `$SYS/t/${other.t.id}/stats`], { qos: 1 })).toEqual([denied(v), denied(v), denied(v), denied(v)]);
        await c.plain.pub(`t/${s.t.id}/devices/sensor-1/telemetry`, `plain from ${s.t.id}`, { qos: 1 });
        await c.mounted.pub("devices/mounted-1/telemetry", `mounted from ${s.t.id}`, { qos: 1 });
        // A device naming the other tenant in a topic is refused (v5) or dropped (v3).
        expect(await c.plain.pubCode(`t/${other.t.id}/devices/sensor-1/telemetry`, `leak from ${s.t.id}`, { qos: 1 })).toBe(v === 5 ? 0x87 : 0);
      }
      for (const [s, c] of [
        [A, a],
        [B, b],
      ] as const) {
        const telemetry = (m: { topic: string }) => m.topic.endsWith("/telemetry");
        const seen = await c.admin.take(2, telemetry);
        expect(seen.map((m) => `${m.topic} ${m.text}`).sort()).toEqual([`t/${s.t.id}/devices/mounted-1/telemetry mounted from ${s.t.id}`, `t/${s.t.id}/devices/sensor-1/telemetry plain from ${s.t.id}`]);
        const relative = await c.mountedAdmin.take(2, telemetry);
        expect(relative.map((m) => `${m.topic} ${m.text}`).sort()).toEqual([`devices/mounted-1/telemetry mounted from ${s.t.id}`, `devices/sensor-1/telemetry plain from ${s.t.id}`]);
        await barrier(c.plain, c.admin, `t/${s.t.id}/devices/sensor-1/telemetry`);
      }
      // The hubs are separate objects, so no barrier spans them: give a stray message time to show up.
      await sleep(300);
      for (const [s, c, other] of [
        [A, a, B],
        [B, b, A],
      ] as const) {
        for (const reader of [c.admin, c.mountedAdmin]) expect(reader.all.filter((m) => m.text.includes(other.t.id) || m.topic.includes(other.t.id))).toEqual([]);
        expect(c.admin.all.every((m) => m.topic.startsWith(`t/${s.t.id}/`))).toBe(true);
      }
    });

    it("retained messages on identical relative topics stay in their tenant", async () => {
      const a = await clients(A, v);
      const b = await clients(B, v);
      await a.mounted.pub("devices/mounted-1/attributes", `{"owner":"${A.t.id}"}`, { qos: 1, retain: true });
      await b.mounted.pub("devices/mounted-1/attributes", `{"owner":"${B.t.id}"}`, { qos: 1, retain: true });
      for (const s of [A, B]) {
        const late = await Client.open(s.t.id, appOpts(s.mountedKey, v));
        await late.sub(["devices/mounted-1/attributes", "devices/+/attributes"], { qos: 1 });
        const got = await late.next();
        expect([got.topic, got.text, got.packet.retain]).toEqual(["devices/mounted-1/attributes", `{"owner":"${s.t.id}"}`, true]);
        const canonical = await Client.open(s.t.id, appOpts(s.adminKey, v));
        await canonical.sub(`t/${s.t.id}/devices/+/attributes`, { qos: 1 });
        expect((await canonical.next()).text).toBe(`{"owner":"${s.t.id}"}`);
        await sleep(200);
        expect([...late.all, ...canonical.all].every((m) => m.text.includes(s.t.id))).toBe(true);
      }
    });
  });
}

describe("tenant isolation: $SYS stats and credentials", () => {
  it("each tenant's $SYS stats topic carries its own figures and only its own clients may read it", async () => {
    // Fresh tenants: their hubs count exactly the clients opened here.
    const [C, D] = await Promise.all([side("iso-c"), side("iso-d")]);
    const d = await clients(D, 5);
    const c = await clients(C, 5);
    const stats = await Client.open(C.t.id, appOpts(C.adminKey, 5));
    expect(await stats.sub([`$SYS/t/${C.t.id}/stats`, `$SYS/t/${D.t.id}/stats`, "$SYS/#"], { qos: 0 })).toEqual([0, 0x87, 0x87]);
    // Published at once for a first subscriber, then every 10 s while someone listens.
    const m = await stats.next(`$SYS/t/${C.t.id}/stats`, 5000);
    // C's 5 clients, not D's 4 as well.
    expect(JSON.parse(m.text)).toMatchObject({ connectedClients: 5, messagesIn: expect.any(Number), droppedMessages: expect.any(Number), deniedRequests: expect.any(Number) });
    const dStats = await Client.open(D.t.id, appOpts(D.adminKey, 5));
    await dStats.sub(`$SYS/t/${D.t.id}/stats`, { qos: 0 });
    expect(JSON.parse((await dStats.next(`$SYS/t/${D.t.id}/stats`, 5000)).text).connectedClients).toBe(5);
    await sleep(200);
    // `#` in a tenant's tree never matches `$SYS` [MQTT-4.7.2-1]; nothing of C reaches D and vice versa.
    for (const x of [c.admin, c.mountedAdmin, d.admin, d.mountedAdmin]) expect(x.all.filter((y) => y.topic.startsWith("$SYS"))).toEqual([]);
    expect(stats.all.every((x) => x.topic === `$SYS/t/${C.t.id}/stats`)).toBe(true);
    expect(dStats.all.every((x) => x.topic === `$SYS/t/${D.t.id}/stats`)).toBe(true);
  });

  for (const v of VERSIONS) {
    it(`credentials of tenant A do not open tenant B's hub (${vName(v)}), and B audits the attempts`, async () => {
      // B has a device with the same id; A's secret is not its secret.
      expect(await Client.refused(B.t.id, deviceOpts(A.plain, v))).toEqual({ connected: false, code: v === 5 ? 0x86 : 4 });
      expect(await Client.refused(B.t.id, appOpts(A.adminKey, v, { clientId: `a-key-at-b-${v}` }))).toEqual({ connected: false, code: v === 5 ? 0x87 : 5 });
      expect(await Client.refused(B.t.id, appOpts(A.t.token, v, { clientId: `a-jwt-at-b-${v}` }))).toEqual({ connected: false, code: v === 5 ? 0x87 : 5 });
      for (const clientId of [`a-key-at-b-${v}`, `a-jwt-at-b-${v}`]) {
        const row = await auditRow(B.t, "action=mqtt.connect&outcome=failure", (r) => r.details.clientId === clientId);
        expect(row.details.reason).toBe("not_authorized");
      }
    });
  }

  it("an API key whose mountpoint names another tenant is refused when it is created (the hub refuses such a key at CONNECT too)", async () => {
    const sneaky = await http("POST", "/api/v1/api-keys", { token: A.t.token, body: { name: "sneaky", role: "ADMIN", mountpoint: `t/${B.t.id}/` } });
    expect(sneaky.status).toBe(400);
    expect(sneaky.body.errors[0].path).toBe("body.mountpoint");
  });
});
