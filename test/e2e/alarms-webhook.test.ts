/**
 * Alarms end to end against the running platform: an MQTT.js device's reading breaches a rule,
 * the hot store raises the alarm, the alarm events queue publishes it on t/{tenant}/alarms/{device}
 * (an MQTT.js application client receives it) and POSTs it to a real HTTP receiver on 127.0.0.1
 * (allowed by the test platform's ALARM_WEBHOOK_HTTP_HOSTS), which answers 500 first and 200 on
 * the retry. The receiver checks the signature the way the README tells receivers to.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { http } from "./client";
import { appOpts, Client, closeClients, deviceOpts, newTenant, registerDevice, rest, sleep, type Tenant } from "./mqtt-helpers";

type Received = { headers: Record<string, string | string[] | undefined>; body: string; at: number };

let server: Server;
let url: string;
const received: Received[] = [];
let t: Tenant;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
      res.statusCode = received.length === 1 ? 500 : 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/skylark-alarms`;
  t = await newTenant("alm");
});

afterEach(closeClients);
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** The receiver's recipe: HMAC-SHA256 of "{timestamp}.{raw body}" with the secret, hex, "v1=" in front; a timestamp within 5 minutes. */
function verified(secret: string, r: Received): boolean {
  const timestamp = String(r.headers["x-skylark-timestamp"] ?? "");
  const signature = String(r.headers["x-skylark-signature"] ?? "");
  if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = Buffer.from(`v1=${createHmac("sha256", secret).update(`${timestamp}.${r.body}`).digest("hex")}`);
  return expected.length === Buffer.byteLength(signature) && timingSafeEqual(expected, Buffer.from(signature));
}

describe("alarms end to end", () => {
  it("a breaching reading reaches an application client on the alarm topic and a signed webhook, retried after a 500", async () => {
    const d = await registerDevice(t, "boiler-1");
    const { target, secret } = await rest.ok(http("POST", "/api/v1/alarm-webhooks", { token: t.token, body: { name: "local receiver", url } }), 201);
    await rest.ok(http("POST", "/api/v1/alarm-rules", { token: t.token, body: { name: "too hot", scope: { kind: "device", deviceId: d.id }, condition: { type: "above", metric: "temp", value: 90 }, severity: "critical" } }), 201);

    const app = await Client.open(t.id, appOpts(t.token, 5));
    expect(await app.sub(`t/${t.id}/alarms/+`, { qos: 1 })).toEqual([1]);
    const device = await Client.open(t.id, deviceOpts(d, 5));
    await device.pub(`t/${t.id}/devices/${d.id}/telemetry`, JSON.stringify({ temp: 95 }));

    const event = await app.next(`t/${t.id}/alarms/${d.id}`, 15_000);
    expect(JSON.parse(event.text)).toMatchObject({ type: "raised", tenant: t.id, alarm: { deviceId: d.id, severity: "critical", status: "active", value: 95 } });

    const deadline = Date.now() + 30_000;
    while (received.length < 2 && Date.now() < deadline) await sleep(200);
    expect(received).toHaveLength(2);
    for (const r of received) {
      expect(verified(secret, r)).toBe(true);
      expect(verified(secret, { ...r, body: r.body.replace("critical", "minor") })).toBe(false);
      expect(JSON.parse(r.body)).toMatchObject({ type: "raised", alarm: { deviceId: d.id, ruleName: "too hot" } });
      expect(r.headers["x-skylark-event"]).toBe("raised");
    }
    // The retry waited for the queue's backoff (5 s after the first attempt).
    expect(received[1]!.at - received[0]!.at).toBeGreaterThanOrEqual(4_000);
    const log = await rest.ok(http("GET", `/api/v1/alarm-webhooks/${target.id}/deliveries`, { token: t.token }));
    expect(log.items).toMatchObject([{ eventType: "raised", status: "delivered", attempts: 2, lastStatusCode: 200 }]);
  }, 60_000);
});
