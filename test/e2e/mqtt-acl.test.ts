/**
 * The hub's ACL both ways, through MQTT.js: what devices and application roles may publish and
 * subscribe, how denials look in each protocol version, that denied messages reach nobody, and
 * that denials are audited.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { appOpts, auditRow, barrier, Client, closeClients, createApiKey, deviceOpts, newTenant, registerDevice, VERSIONS, vName, type Device, type Tenant } from "./mqtt-helpers";

afterEach(closeClients);

let t: Tenant;
let d1: Device;
let d2: Device;
let viewerKey: string;
let memberKey: string;
beforeAll(async () => {
  t = await newTenant("acl");
  [d1, d2] = await Promise.all([registerDevice(t, "acl-d1"), registerDevice(t, "acl-d2")]);
  const [viewer, member] = await Promise.all([createApiKey(t, "VIEWER"), createApiKey(t, "MEMBER")]);
  [viewerKey, memberKey] = [viewer.key, member.key];
});

const dev = (id: string, channel: string) => `t/${t.id}/devices/${id}/${channel}`;
/** v5 refuses with 0x87; a v3.1.1 PUBACK cannot say no, so the message is acknowledged and dropped. */
const PUB_DENIED = { 5: 0x87, 4: 0 } as const;
const SUB_DENIED = { 5: 0x87, 4: 0x80 } as const;

for (const v of VERSIONS) {
  describe(`ACL, MQTT ${vName(v)}`, () => {
    it(`a device publishing on another device's or a downlink topic is refused (${PUB_DENIED[v] ? "0x87" : "acknowledged and dropped"}), QoS 0 silently; nobody receives it`, async () => {
      const owner = await Client.open(t.id, appOpts(t.token, v));
      expect(await owner.sub([`t/${t.id}/devices/+/telemetry`, `t/${t.id}/devices/+/cmd/+`], { qos: 1 })).toEqual([1, 1]);
      const device = await Client.open(t.id, deviceOpts(d1, v));
      expect(await device.pubCode(dev(d2.id, "telemetry"), "spoofed q1", { qos: 1 })).toBe(PUB_DENIED[v]);
      expect(await device.pubCode(dev(d2.id, "telemetry"), "spoofed q2", { qos: 2 })).toBe(PUB_DENIED[v]);
      expect(await device.pubCode(dev(d1.id, "cmd/self"), "own downlink", { qos: 1 })).toBe(PUB_DENIED[v]);
      await device.pub(dev(d2.id, "telemetry"), "spoofed q0", { qos: 0 });
      // Its own telemetry still flows, and arrives after anything the hub routed before it.
      await barrier(device, owner, dev(d1.id, "telemetry"));
      expect(owner.received((m) => !m.text.startsWith("barrier-"))).toEqual([]);
      // The refusals did not cost the device its connection.
      expect(device.closed).toBe(false);
    });

    it(`a device may subscribe only to what is addressed to it (others: ${SUB_DENIED[v] === 0x80 ? "0x80" : "0x87"}) [MQTT-3.9.3-1]`, async () => {
      const device = await Client.open(t.id, deviceOpts(d1, v));
      const filters = [dev(d1.id, "cmd/+"), dev(d2.id, "cmd/+"), "#", `t/${t.id}/#`, dev(d1.id, "attributes/set"), dev(d1.id, "telemetry"), `t/${t.id}/devices/+/cmd/+`, `$SYS/t/${t.id}/stats`, dev(d1.id, "ota")];
      expect(await device.sub(filters, { qos: 1 })).toEqual([1, SUB_DENIED[v], SUB_DENIED[v], SUB_DENIED[v], 1, SUB_DENIED[v], SUB_DENIED[v], SUB_DENIED[v], 1]);
      // What it was refused, it does not get; what it was granted, it does.
      const owner = await Client.open(t.id, appOpts(t.token, v));
      await owner.pub(dev(d2.id, "cmd/c1"), "for d2", { qos: 1 });
      await owner.pub(dev(d1.id, "cmd/c2"), "for d1", { qos: 1 });
      expect((await device.next()).text).toBe("for d1");
      expect(device.received((m) => m.text === "for d2")).toEqual([]);
    });

    it("a VIEWER key reads the whole tenant but publishes nothing", async () => {
      const device = await Client.open(t.id, deviceOpts(d1, v));
      await device.sub(dev(d1.id, "cmd/+"), { qos: 1 });
      const viewer = await Client.open(t.id, appOpts(viewerKey, v));
      expect(await viewer.sub([`t/${t.id}/#`, `$SYS/t/${t.id}/stats`], { qos: 1 })).toEqual([1, 1]);
      expect(await viewer.pubCode(dev(d1.id, "cmd/reboot"), "from a viewer", { qos: 1 })).toBe(PUB_DENIED[v]);
      await device.pub(dev(d1.id, "telemetry"), "seen by the viewer", { qos: 1 });
      expect((await viewer.next(dev(d1.id, "telemetry"))).text).toBe("seen by the viewer");
      const owner = await Client.open(t.id, appOpts(t.token, v));
      await barrier(owner, device, dev(d1.id, "cmd/marker"));
      expect(device.received((m) => m.text === "from a viewer")).toEqual([]);
    });

    it("a MEMBER key may send commands and desired attributes, not OTA; ADMIN may; nobody writes $SYS", async () => {
      const device = await Client.open(t.id, deviceOpts(d1, v));
      expect(await device.sub([dev(d1.id, "cmd/+"), dev(d1.id, "attributes/set"), dev(d1.id, "ota")], { qos: 1 })).toEqual([1, 1, 1]);
      const member = await Client.open(t.id, appOpts(memberKey, v));
      expect(await member.pubCode(dev(d1.id, "cmd/reboot"), "member command", { qos: 1 })).toBe(0);
      expect(await member.pubCode(dev(d1.id, "attributes/set"), '{"interval":5}', { qos: 1 })).toBe(0);
      expect(await member.pubCode(dev(d1.id, "ota"), "member firmware", { qos: 1 })).toBe(PUB_DENIED[v]);
      expect(await member.pubCode(dev(d1.id, "telemetry"), "impersonation", { qos: 1 })).toBe(PUB_DENIED[v]);
      const owner = await Client.open(t.id, appOpts(t.token, v));
      expect(await owner.pubCode(dev(d1.id, "ota"), "admin firmware", { qos: 1 })).toBe(0);
      expect(await owner.pubCode(`$SYS/t/${t.id}/stats`, "{}", { qos: 1 })).toBe(PUB_DENIED[v]);
      const got = await device.take(3);
      expect(got.map((m) => m.text)).toEqual(["member command", '{"interval":5}', "admin firmware"]);
    });

    it(`a will on a topic the device may not publish refuses the CONNECT (${v === 5 ? "0x87" : "5"})`, async () => {
      const r = await Client.refused(t.id, deviceOpts(d1, v, { will: { topic: dev(d2.id, "events"), payload: Buffer.from("x"), qos: 0, retain: false } }));
      expect(r).toEqual({ connected: false, code: v === 5 ? 0x87 : 5 });
    });
  });
}

describe("ACL audit", () => {
  // Each test has its own tenant, so its hub's audit batch holds only that test's events.
  it("denied publishes and subscriptions are audited with the client, the principal and the topic", async () => {
    const a = await newTenant("acl-a");
    const [x, y] = await Promise.all([registerDevice(a, "x"), registerDevice(a, "y")]);
    const viewerKey = (await createApiKey(a, "VIEWER")).key;
    const topic = (id: string, channel: string) => `t/${a.id}/devices/${id}/${channel}`;
    const device = await Client.open(a.id, deviceOpts(y, 5));
    await device.pubCode(topic(x.id, "telemetry"), "spoof", { qos: 1 });
    await device.sub(topic(x.id, "cmd/+"), { qos: 1 });
    const viewer = await Client.open(a.id, appOpts(viewerKey, 5, { clientId: "audited-viewer" }));
    await viewer.pub(topic(y.id, "cmd/x"), "no", { qos: 0 });
    await viewer.pubCode(topic(y.id, "cmd/y"), "no", { qos: 1 });

    const pub = await auditRow(a, "action=mqtt.publish&outcome=denied", (r) => r.targetId === topic(x.id, "telemetry"));
    expect(pub).toMatchObject({ actorType: "device", actorId: y.id, targetType: "topic", details: { clientId: y.id, reason: "not_own_device" } });
    const sub = await auditRow(a, "action=mqtt.subscribe&outcome=denied", (r) => r.targetId === topic(x.id, "cmd/+"));
    expect(sub).toMatchObject({ actorType: "device", actorId: y.id, targetType: "topic_filter", details: { clientId: y.id } });
    // QoS 0 denials are audited too.
    for (const t of [topic(y.id, "cmd/x"), topic(y.id, "cmd/y")]) {
      const row = await auditRow(a, "action=mqtt.publish&outcome=denied", (r) => r.targetId === t);
      expect(row).toMatchObject({ actorType: "api_key", details: { clientId: "audited-viewer", reason: "read_only_role" } });
    }
  });

  // Regression: audit batches of more than ~10 rows once exceeded D1's 100 bound parameters per
  // statement and were lost; the repository now inserts in chunks.
  it("a burst of more than 10 denials within one flush is audited in full (up to 50 per second)", async () => {
    const a = await newTenant("acl-b");
    const d = await registerDevice(a, "burst");
    const device = await Client.open(a.id, deviceOpts(d, 5));
    for (let i = 0; i < 12; i++) expect(await device.pubCode(`t/${a.id}/devices/other-${i}/telemetry`, "spoof", { qos: 1 })).toBe(0x87);
    for (let i = 0; i < 12; i++) await auditRow(a, "action=mqtt.publish&outcome=denied", (r) => r.targetId === `t/${a.id}/devices/other-${i}/telemetry`, 4000);
  });
});
