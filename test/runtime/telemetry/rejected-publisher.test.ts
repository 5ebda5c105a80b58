/**
 * The rejected-messages log records the device a message was about and the client that published
 * it: a gateway's reading for a device that is not its child is found under the gateway and under
 * the device, and a rejection of a whole message (too many points) names its device, not null.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { MAX_POINTS_PER_MESSAGE } from "../../../domain/telemetry/points";
import { migrate } from "../../../durable-objects/telemetry-store/schema";
import { api, createDevice, expectOk, signup, type TenantFixture } from "../helpers";
import { deviceTelemetry, envelope, runBatch } from "./helpers";

let t: TenantFixture;
const rejected = (query: string) => expectOk(api("GET", `/api/v1/telemetry/rejected${query}`, { token: t.ownerToken }));

beforeAll(async () => {
  t = await signup();
  await createDevice(t.ownerToken, { id: "gateway-1", type: "gateway" });
  await createDevice(t.ownerToken, { id: "soil-1", parentId: "gateway-1" });
  await createDevice(t.ownerToken, { id: "loner" });
  await createDevice(t.ownerToken, { id: "chatty" });
  const gatewayReading = envelope(t.tenantId, { kind: "gateway", gateway: "gateway-1", channel: "telemetry" }, { devices: { "soil-1": { values: { moisture: 30 } }, loner: { values: { moisture: 1 } } } });
  const tooMany = deviceTelemetry(
    t.tenantId,
    "chatty",
    Array.from({ length: MAX_POINTS_PER_MESSAGE + 1 }, (_, i) => ({ values: { n: i } })),
  );
  await runBatch([gatewayReading, tooMany]);
});

describe("rejected-messages log: device and publisher", () => {
  it("files a gateway's reading for a device that is not its child under both the gateway and that device", async () => {
    const byGateway = await rejected("?device=gateway-1");
    expect(byGateway.items).toHaveLength(1);
    expect(byGateway.items[0]).toMatchObject({ reason: "not_gateway_child", device: "loner", publisher: "gateway-1" });
    const byChild = await rejected("?device=loner&reason=not_gateway_child");
    expect(byChild.items.map((i: { msgId: string }) => i.msgId)).toEqual([byGateway.items[0].msgId]);
  });

  it("names the device of a message rejected as a whole", async () => {
    const { items } = await rejected("?reason=too_many_points");
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ device: "chatty", publisher: "chatty" });
    expect((await rejected("?device=chatty")).items).toHaveLength(1);
  });

  it("adds the publisher column to a store created before it (older rows read null)", async () => {
    const store = env.TELEMETRY_STORE.getByName(`${t.tenantId}-legacy`);
    await runInDurableObject(store, (_instance, state) => {
      const sql = state.storage.sql;
      sql.exec("DROP TABLE IF EXISTS rejected");
      sql.exec("CREATE TABLE rejected (id INTEGER PRIMARY KEY AUTOINCREMENT, msg_id TEXT NOT NULL UNIQUE, received_at INTEGER NOT NULL, reason TEXT NOT NULL, detail TEXT NOT NULL, device TEXT, topic TEXT NOT NULL, excerpt TEXT NOT NULL)");
      sql.exec("INSERT INTO rejected (msg_id, received_at, reason, detail, device, topic, excerpt) VALUES ('old', 1, 'invalid_json', '', 'd1', 't', '{')");
      migrate(sql);
      migrate(sql); // twice: the second run finds the column and changes nothing
      const rows = sql.exec<{ msg_id: string; publisher: string | null }>("SELECT msg_id, publisher FROM rejected").toArray();
      expect(rows).toEqual([{ msg_id: "old", publisher: null }]);
    });
  });
});
