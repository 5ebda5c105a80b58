/**
 * `GET /audit?device=` — a device's audit trail, as the console's device page shows it: the rows
 * whose target is the device and the rows the device itself caused (a refused MQTT CONNECT), none
 * of another device's, and none of another tenant's device of the same id.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { api, createDevice, expectOk, signup, type TenantFixture } from "./helpers";
import { bytes, openSocket } from "./hub/mqtt-client";

type Row = { action: string; actorType: string; actorId: string | null; targetType: string | null; targetId: string | null };

let a: TenantFixture;
let b: TenantFixture;
beforeAll(async () => {
  [a, b] = await Promise.all([signup(), signup()]);
});

const trail = async (t: TenantFixture, device: string, extra = ""): Promise<Row[]> => (await expectOk(api("GET", `/api/v1/audit?device=${device}&limit=200${extra}`, { token: t.ownerToken }))).items;

/** A CONNECT with a wrong password: the hub audits it with the device as the actor. */
async function refusedConnect(tenantId: string, deviceId: string) {
  const c = await openSocket(tenantId, 5);
  c.send({ type: "connect", protocolLevel: 5, clientId: deviceId, keepAlive: 30, cleanStart: true, username: deviceId, password: bytes("not-the-secret") });
  expect((await c.next("connack")).reasonCode).toBe(0x86);
  c.close();
}

describe("GET /audit?device=", () => {
  it("lists what was done to the device and what it did, and nothing of other devices", async () => {
    await createDevice(a.ownerToken, { id: "trail-1" });
    await createDevice(a.ownerToken, { id: "trail-2" });
    await expectOk(api("POST", "/api/v1/devices/trail-1/credentials/rotate", { token: a.ownerToken }));
    await expectOk(api("PATCH", "/api/v1/devices/trail-1", { token: a.ownerToken, body: { disabled: true } }));
    await expectOk(api("PATCH", "/api/v1/devices/trail-2", { token: a.ownerToken, body: { name: "other" } }));
    await refusedConnect(a.tenantId, "trail-1");

    // The hub writes its audit rows in batches, about a second late.
    await expect.poll(async () => (await trail(a, "trail-1")).map((r) => r.action), { timeout: 6000, interval: 300 }).toEqual(["mqtt.connect", "device.update", "device.credentials_rotated", "device.credentials_issued", "device.create"]);
    const rows = await trail(a, "trail-1");
    expect(rows[0]).toMatchObject({ actorType: "device", actorId: "trail-1", targetId: null });
    for (const r of rows.slice(1)) expect(r).toMatchObject({ targetType: "device", targetId: "trail-1" });

    // Combines with the other filters and pages like the rest of the log.
    expect((await trail(a, "trail-1", "&action=device.update")).map((r) => r.action)).toEqual(["device.update"]);
    const first = await expectOk(api("GET", "/api/v1/audit?device=trail-1&limit=2", { token: a.ownerToken }));
    expect(first.items).toHaveLength(2);
    const second = await expectOk(api("GET", `/api/v1/audit?device=trail-1&limit=200&cursor=${first.nextCursor}`, { token: a.ownerToken }));
    expect([...first.items, ...second.items].map((r: Row) => r.action)).toEqual(rows.map((r) => r.action));
  });

  it("never shows another tenant's device of the same id", async () => {
    await createDevice(b.ownerToken, { id: "twin-id" });
    await expectOk(api("POST", "/api/v1/devices/twin-id/credentials/rotate", { token: b.ownerToken }));
    expect(await trail(a, "twin-id")).toEqual([]);
    expect((await trail(b, "twin-id")).map((r) => r.action)).toEqual(["device.credentials_rotated", "device.credentials_issued", "device.create"]);
  });

  it("names the field when the device id is not valid", async () => {
    const r = await api("GET", "/api/v1/audit?device=bad%20id!", { token: a.ownerToken });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([expect.objectContaining({ path: "query.device" })]);
  });
});
