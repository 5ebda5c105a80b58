/**
 * Alarm notifications through the real alarm events queue: signed webhooks (verified here with
 * the documented recipe) retried after a 500, the delivery log, HTTPS-only targets, and the
 * MQTT topic t/{tenant}/alarms/{device} for application clients (devices may not subscribe).
 */
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { env } from "cloudflare:workers";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySignature } from "../../../domain/alarms/signature";
import { openRegistry } from "../../../domain/data/db";
import { TENANT_TABLES, tenantRowsPage } from "../../../domain/data/tenant-tables";
import { api, createDevice, expectOk, signup, type TenantFixture } from "../helpers";
import { connect, text } from "../hub/mqtt-client";
import { createRule, send, until } from "./helpers";

let t: TenantFixture;
let deviceSecret: string;

beforeAll(async () => {
  t = await signup();
  deviceSecret = (await createDevice(t.ownerToken, { id: "pump" })).credentials.password;
});

type Received = { url: string; headers: Headers; body: string };

/** A webhook receiver at https://hooks.test: outbound fetches to it are answered here with the given statuses in turn. */
function receiver(statuses: number[]) {
  const received: Received[] = [];
  const original = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    if (!request.url.startsWith("https://hooks.test/")) return original(input, init);
    received.push({ url: request.url, headers: request.headers, body: await request.text() });
    return new Response(null, { status: statuses[Math.min(received.length - 1, statuses.length - 1)] });
  });
  return received;
}

afterEach(() => vi.restoreAllMocks());

describe("alarm notifications", () => {
  it("refuses a plain http webhook URL, naming the field", async () => {
    const r = await api("POST", "/api/v1/alarm-webhooks", { token: t.ownerToken, body: { name: "plain", url: "http://example.com/hook" } });
    expect(r.status).toBe(400);
    expect(r.body.errors).toEqual([{ path: "body.url", message: "must be an https:// URL" }]);
  });

  it("signs each delivery, retries it after a 500 and logs it delivered; the alarm topic reaches application clients", async () => {
    const received = receiver([500, 200]);
    const { target, secret } = await expectOk(api("POST", "/api/v1/alarm-webhooks", { token: t.ownerToken, body: { name: "ops", url: "https://hooks.test/alarms", minSeverity: "major" } }), 201);
    expect((await expectOk(api("GET", `/api/v1/alarm-webhooks/${target.id}`, { token: t.ownerToken }))).secret).toBeUndefined();

    const app = await connect(t.tenantId, { clientId: "ops-console", username: "api", password: t.ownerToken });
    app.send({ type: "subscribe", packetId: 1, subscriptions: [{ topicFilter: `t/${t.tenantId}/alarms/+`, qos: 1, noLocal: false, retainAsPublished: false, retainHandling: 0 }] });
    expect((await app.next("suback")).reasonCodes).toEqual([1]);
    const device = await connect(t.tenantId, { clientId: "pump", username: "pump", password: deviceSecret });
    device.send({ type: "subscribe", packetId: 2, subscriptions: [{ topicFilter: `t/${t.tenantId}/alarms/pump`, qos: 1, noLocal: false, retainAsPublished: false, retainHandling: 0 }] });
    expect((await device.next("suback")).reasonCodes[0]).toBeGreaterThanOrEqual(0x80);

    await createRule(t, { name: "pressure", scope: { kind: "device", deviceId: "pump" }, condition: { type: "above", metric: "bar", value: 8 }, severity: "critical" });
    await createRule(t, { name: "minor thing", scope: { kind: "device", deviceId: "pump" }, condition: { type: "above", metric: "bar", value: 7 }, severity: "minor" });
    await send(t, "pump", "bar", [9]);

    const published = await app.next("publish", 10_000);
    expect(published.topic).toBe(`t/${t.tenantId}/alarms/pump`);
    const event = JSON.parse(text(published.payload));
    expect(event).toMatchObject({ type: "raised", tenant: t.tenantId, alarm: { deviceId: "pump", status: "active" } });

    const log = await until(
      async () => {
        const page = await expectOk(api("GET", `/api/v1/alarm-webhooks/${target.id}/deliveries`, { token: t.ownerToken }));
        return page.items.length === 1 && page.items[0].status === "delivered" ? page.items : null;
      },
      20_000,
      "the delivered webhook",
    );
    expect(log[0]).toMatchObject({ eventType: "raised", attempts: 2, lastStatusCode: 200, lastError: null });
    // Only the critical alarm went out (the target asks for major and above); it went twice: 500, then 200.
    expect(received).toHaveLength(2);
    for (const r of received) {
      const body = JSON.parse(r.body);
      expect(body).toMatchObject({ type: "raised", alarm: { severity: "critical", ruleName: "pressure" } });
      const headers = { timestamp: r.headers.get(TIMESTAMP_HEADER), signature: r.headers.get(SIGNATURE_HEADER) };
      expect(headers.signature).toMatch(/^v1=[0-9a-f]{64}$/);
      expect(await verifySignature(secret, headers, r.body)).toBe(true);
      expect(await verifySignature(secret, headers, r.body.replace("critical", "warning"))).toBe(false);
      expect(await verifySignature("whsec_wrong", headers, r.body)).toBe(false);
    }
    // The documented recipe, by hand: HMAC-SHA256 over "{timestamp}.{body}", hex, prefixed "v1=".
    const [first] = received;
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${first!.headers.get(TIMESTAMP_HEADER)}.${first!.body}`)));
    expect(first!.headers.get(SIGNATURE_HEADER)).toBe(`v1=${[...mac].map((b) => b.toString(16).padStart(2, "0")).join("")}`);
    app.close();
    device.close();

    // An offboarding archive keeps the target but never its signing secret.
    const table = TENANT_TABLES.find((tt) => tt.name === "alarm_webhooks")!;
    const { rows } = await tenantRowsPage(openRegistry(env.REGISTRY), table, t.tenantId, 0, 10);
    expect(rows.map((r) => r.url)).toEqual(["https://hooks.test/alarms"]);
    expect(Object.keys(rows[0]!)).not.toContain("secret");
  });
});
