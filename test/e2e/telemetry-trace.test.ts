/**
 * One message followed end to end against wrangler dev with the real MQTT.js client: published
 * over WebSocket into the tenant's hub, handed to the local Queue, consumed and stored (or
 * rejected); GET /api/v1/telemetry/trace/:traceId shows each hop in order with its time. A v5
 * publisher names its trace with the `trace-id` user property; a v3.1.1 one is traced under the
 * message id the rejected-messages log shows.
 */
import { afterEach, describe, expect, it } from "vitest";
import { http } from "./client";
import { Client, closeClients, deviceOpts, newTenant, registerDevice, type Tenant } from "./mqtt-helpers";

afterEach(async () => {
  await closeClients();
});

type Trace = { traceId: string; outcome: string | null; hops: { hop: string; at: string; sincePreviousMs: number; sinceAcceptedMs: number | null; detail: string | null }[] };

async function traceOf(t: Tenant, traceId: string): Promise<Trace> {
  let last: { status: number; body: Trace } | null = null;
  await expect
    .poll(
      async () => {
        last = await http<Trace>("GET", `/api/v1/telemetry/trace/${traceId}`, { token: t.token });
        return last.status === 200 ? last.body.outcome : null;
      },
      { timeout: 20_000 },
    )
    .not.toBeNull();
  return last!.body;
}

describe("telemetry traces end to end", () => {
  it("shows a stored v5 message and a rejected v3.1.1 message hop by hop", async () => {
    const t = await newTenant("trace");
    expect((await http("POST", "/api/v1/device-profiles", { token: t.token, body: { id: "env", metrics: { temp: { type: "number", min: -40, max: 85 } } } })).status).toBe(201);
    const v5 = await Client.open(t.id, deviceOpts(await registerDevice(t, "therm-5", { profileId: "env" }), 5));
    const v3 = await Client.open(t.id, deviceOpts(await registerDevice(t, "therm-3", { profileId: "env" }), 4));
    const sent = Date.now();
    await v5.mqtt.publishAsync(`t/${t.id}/devices/therm-5/telemetry`, JSON.stringify({ values: { temp: 20.5 } }), { qos: 1, properties: { userProperties: { "trace-id": "e2e-trace-1" } } });
    await v3.mqtt.publishAsync(`t/${t.id}/devices/therm-3/telemetry`, JSON.stringify({ values: { temp: 500 } }), { qos: 1 });

    const stored = await traceOf(t, "e2e-trace-1");
    expect(stored.outcome).toBe("stored");
    expect(stored.hops.map((h) => h.hop)).toEqual(["accepted", "enqueued", "consumed", "stored"]);
    const times = stored.hops.map((h) => Date.parse(h.at));
    expect(times[0]).toBeGreaterThanOrEqual(sent - 1_000);
    expect(times[3]).toBeLessThanOrEqual(Date.now());
    expect(stored.hops.map((h) => h.sinceAcceptedMs)).toEqual(times.map((at) => at - times[0]!));

    let msgId: string | undefined;
    await expect
      .poll(
        async () => {
          const log = await http("GET", "/api/v1/telemetry/rejected", { token: t.token });
          msgId = log.body.items[0]?.msgId;
          return log.body.items[0]?.traceId;
        },
        { timeout: 20_000 },
      )
      .toBeTruthy();
    const rejected = await traceOf(t, msgId!);
    expect(rejected).toMatchObject({ traceId: msgId, outcome: "rejected" });
    expect(rejected.hops.map((h) => [h.hop, h.detail])).toEqual([
      ["accepted", null],
      ["enqueued", null],
      ["consumed", null],
      ["rejected", "out_of_range"],
    ]);
  });
});
