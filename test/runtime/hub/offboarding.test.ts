import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDevice, signup } from "../helpers";
import { bytes, connect } from "./mqtt-client";

describe("hub storage for offboarding", () => {
  it("counts, exports and purges everything the tenant has in its hub", async () => {
    const t = await signup();
    const dev = await createDevice(t.ownerToken, { id: "x1" });
    const hub = env.TENANT_HUB.getByName(t.tenantId);
    const c = await connect(t.tenantId, { clientId: "x1", username: "x1", password: dev.credentials.password, cleanStart: false, properties: { sessionExpiryInterval: 600 } });
    c.send({ type: "publish", topic: `t/${t.tenantId}/devices/x1/attributes`, payload: bytes('{"fw":"1.0"}'), qos: 1, retain: true, dup: false, packetId: 1 });
    await c.next("puback");
    const before = await hub.storageCounts(t.tenantId);
    expect(before.retained).toBe(1);
    expect(before.sessions).toBe(1);
    const exported = await hub.exportData(t.tenantId);
    expect(exported.retained[0]).toMatchObject({ topic: `t/${t.tenantId}/devices/x1/attributes`, qos: 1 });
    expect(atob(exported.retained[0]!.payloadBase64)).toBe('{"fw":"1.0"}');
    expect(exported.sessions).toEqual(["x1"]);
    await hub.purge(t.tenantId);
    await c.waitClosed();
    const after = await hub.storageCounts(t.tenantId);
    expect(Object.values(after).every((n) => n === 0 || n === 1)).toBe(true);
    expect({ ...after, meta: 0 }).toEqual(Object.fromEntries(Object.keys(after).map((k) => [k, 0])));
  });
});
