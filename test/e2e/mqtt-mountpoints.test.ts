/**
 * Mountpoints: a device profile or an API key with mountpoint `t/${tenant}/` lets firmware and
 * applications use topics relative to their tenant, in both directions — publish, subscribe,
 * wills, retained messages, shared subscriptions and response topics.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { uniqueId } from "./client";
import { appOpts, Client, closeClients, createApiKey, createProfile, deviceOpts, newTenant, registerDevice, VERSIONS, vName, type Device, type Tenant } from "./mqtt-helpers";

afterEach(closeClients);

let t: Tenant;
let mountedMember: string;
let mountedAdmin: string;
beforeAll(async () => {
  t = await newTenant("mnt");
  await createProfile(t, "relative", "t/${tenant}/");
  mountedMember = (await createApiKey(t, "MEMBER", { mountpoint: "t/${tenant}/" })).key;
  mountedAdmin = (await createApiKey(t, "ADMIN", { mountpoint: "t/${tenant}/" })).key;
});

const mountedDevice = () => registerDevice(t, uniqueId("m"), { profileId: "relative" });
const canonical = (d: Device, channel: string) => `t/${t.id}/devices/${d.id}/${channel}`;
const relative = (d: Device, channel: string) => `devices/${d.id}/${channel}`;

for (const v of VERSIONS) {
  describe(`mountpoints, MQTT ${vName(v)}`, () => {
    it("a mounted device publishes and subscribes with relative topics; others see canonical ones", async () => {
      const d = await mountedDevice();
      const device = await Client.open(t.id, deviceOpts(d, v));
      const owner = await Client.open(t.id, appOpts(t.token, v));
      await owner.sub(`t/${t.id}/devices/+/telemetry`, { qos: 1 });
      expect(await device.sub(relative(d, "cmd/+"), { qos: 1 })).toEqual([1]);

      await device.pub(relative(d, "telemetry"), '{"t":21.5}', { qos: 1 });
      expect(await owner.next()).toMatchObject({ topic: canonical(d, "telemetry"), text: '{"t":21.5}' });
      await owner.pub(canonical(d, "cmd/c1"), "go", { qos: 1 });
      expect(await device.next()).toMatchObject({ topic: relative(d, "cmd/c1"), text: "go" });
      // A canonical topic from a mounted client lands under the mountpoint (t/{t}/t/{t}/…), where a device may not publish.
      expect(await device.pubCode(canonical(d, "telemetry"), "escape?", { qos: 1 })).toBe(v === 5 ? 0x87 : 0);
    });

    it("a mounted device's will and retained messages are mounted too", async () => {
      const d = await mountedDevice();
      const owner = await Client.open(t.id, appOpts(t.token, v));
      await owner.sub([canonical(d, "events"), canonical(d, "attributes")], { qos: 1 });
      const device = await Client.open(t.id, deviceOpts(d, v, { will: { topic: relative(d, "attributes"), payload: Buffer.from('{"online":false}'), qos: 1, retain: true } }));
      await device.pub(relative(d, "events"), "retained event", { qos: 1, retain: true });
      expect(await owner.next()).toMatchObject({ topic: canonical(d, "events"), text: "retained event" });
      await device.kill();
      expect(await owner.next()).toMatchObject({ topic: canonical(d, "attributes"), text: '{"online":false}' });

      // Later subscribers get both as retained messages: canonical for the owner, relative for a mounted key.
      const late = await Client.open(t.id, appOpts(t.token, v));
      await late.sub([canonical(d, "events"), canonical(d, "attributes")], { qos: 1 });
      expect((await late.take(2)).map((m) => [m.topic, m.packet.retain])).toEqual([
        [canonical(d, "events"), true],
        [canonical(d, "attributes"), true],
      ]);
      const lateMounted = await Client.open(t.id, appOpts(mountedAdmin, v));
      await lateMounted.sub(`devices/${d.id}/+`, { qos: 1 });
      expect((await lateMounted.take(2)).map((m) => m.topic).sort()).toEqual([relative(d, "attributes"), relative(d, "events")]);
    });

    it("an API key with a mountpoint gives its application clients relative topics both ways", async () => {
      const d = await registerDevice(t, uniqueId("plain"));
      const device = await Client.open(t.id, deviceOpts(d, v));
      await device.sub(canonical(d, "cmd/+"), { qos: 1 });
      const backend = await Client.open(t.id, appOpts(mountedMember, v));
      expect(await backend.sub("devices/+/telemetry", { qos: 1 })).toEqual([1]);
      await device.pub(canonical(d, "telemetry"), "reading", { qos: 1 });
      expect(await backend.next()).toMatchObject({ topic: relative(d, "telemetry"), text: "reading" });
      await backend.pub(relative(d, "cmd/c7"), "do it", { qos: 1 });
      expect(await device.next()).toMatchObject({ topic: canonical(d, "cmd/c7"), text: "do it" });
      // A MEMBER is still a MEMBER under a mountpoint.
      expect(await backend.pubCode(relative(d, "ota"), "fw", { qos: 1 })).toBe(v === 5 ? 0x87 : 0);
    });
  });
}

describe("mountpoints with shared subscriptions and response topics (MQTT 5)", () => {
  it("mounted members of a shared subscription split the messages and see relative topics", async () => {
    const d = await mountedDevice();
    const device = await Client.open(t.id, deviceOpts(d, 5));
    const workers = await Promise.all([Client.open(t.id, appOpts(mountedAdmin, 5)), Client.open(t.id, appOpts(mountedAdmin, 4))]);
    for (const w of workers) expect(await w.sub(`$share/ingest/devices/${d.id}/telemetry`, { qos: 1 })).toEqual([1]);
    for (let i = 0; i < 4; i++) await device.pub(relative(d, "telemetry"), `r${i}`, { qos: 1 });
    const got = await Promise.all(workers.map((w) => w.take(2)));
    expect(
      got
        .flat()
        .map((m) => m.text)
        .sort(),
    ).toEqual(["r0", "r1", "r2", "r3"]);
    expect(got.flat().every((m) => m.topic === relative(d, "telemetry"))).toBe(true);
  });

  it("response topics are mounted on the way in and unmounted on the way out", async () => {
    const d = await mountedDevice();
    const device = await Client.open(t.id, deviceOpts(d, 5));
    await device.sub(relative(d, "cmd/+"), { qos: 1 });
    const canonicalApp = await Client.open(t.id, appOpts(t.token, 5));
    const mountedApp = await Client.open(t.id, appOpts(mountedAdmin, 5));
    await canonicalApp.sub(canonical(d, "cmd/+/response"), { qos: 1 });
    await mountedApp.sub(relative(d, "cmd/+/response"), { qos: 1 });

    // From a mounted application: mounted on the way in, so the mounted device gets it back relative.
    await mountedApp.pub(relative(d, "cmd/a"), "from mounted", { qos: 1, properties: { responseTopic: relative(d, "cmd/a/response") } });
    const a = await device.next();
    expect(a.packet.properties?.responseTopic).toBe(relative(d, "cmd/a/response"));
    // From a canonical application: the mounted device gets the response topic relative to its mountpoint.
    await canonicalApp.pub(canonical(d, "cmd/b"), "from canonical", { qos: 1, properties: { responseTopic: canonical(d, "cmd/b/response") } });
    const b = await device.next();
    expect(b.packet.properties?.responseTopic).toBe(relative(d, "cmd/b/response"));
    // The device answers on what it was given; both applications receive the answer in their own terms.
    await device.pub(b.packet.properties!.responseTopic!, "done", { qos: 1 });
    expect((await canonicalApp.next()).topic).toBe(canonical(d, "cmd/b/response"));
    expect((await mountedApp.next()).topic).toBe(relative(d, "cmd/b/response"));
  });
});
