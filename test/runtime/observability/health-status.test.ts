/**
 * `/healthz` names the dependency that failed; `GET /api/v1/status` reports the tenant's hub,
 * the telemetry pipeline's last run and lag, dead letters and rejections, from the real hub,
 * queue consumer and hot store.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../workers/app";
import { api, createDevice, expectOk, memberWithRole, signup } from "../helpers";
import { bytes, connect } from "../hub/mqtt-client";
import { deviceTelemetry, runDeadLetters } from "../telemetry/helpers";

type Status = {
  checkedAt: string;
  hub: { reachable: boolean; connectedClients: number | null; telemetryPending: number | null };
  queue: { backlog: null; lastConsumerRun: string | null; lastRunMessages: number | null; lastRunLagMs: number | null };
  deadLetters: { count: number; oldestAt: string | null };
  rejectedLastHour: number | null;
  degraded: string[];
};

async function statusUntil(token: string, done: (s: Status) => boolean): Promise<Status> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const s = await expectOk<Status>(api("GET", "/api/v1/status", { token }));
    if (done(s) || Date.now() > deadline) return s;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("health", () => {
  it("answers 200 with each check when the signing key and the registry are fine", async () => {
    const res = await createApp().fetch(new Request("http://localhost/healthz"), env);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, checks: { "signing-key": "ok", registry: "ok" } });
  });

  it("answers 503 naming the registry when D1 does not answer", async () => {
    const res = await createApp().fetch(new Request("http://localhost/healthz"), { ...env, REGISTRY: undefined });
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    const body = (await res.json()) as { code: string; dependency: string; detail: string };
    expect(body.code).toBe("unavailable");
    expect(body.dependency).toBe("registry");
    expect(body.detail).toContain("registry");
  });
});

describe("tenant status", () => {
  it("reports the hub's connections, the consumer's last run and lag, dead letters and rejections", async () => {
    const t = await signup();
    const viewer = await memberWithRole(t, "VIEWER");
    const fresh = await expectOk<Status>(api("GET", "/api/v1/status", { token: viewer.token }));
    expect(fresh).toMatchObject({
      hub: { reachable: true, connectedClients: 0, telemetryPending: 0 },
      queue: { backlog: null, lastConsumerRun: null, lastRunMessages: null, lastRunLagMs: null },
      deadLetters: { count: 0, oldestAt: null },
      rejectedLastHour: 0,
      degraded: [],
    });

    await expectOk(api("POST", "/api/v1/device-profiles", { token: t.ownerToken, body: { id: "env", metrics: { temp: { type: "number", min: -40, max: 85 } } } }), 201);
    const device = await createDevice(t.ownerToken, { id: "therm", profileId: "env" });
    const mqtt = await connect(t.tenantId, { clientId: "therm", username: "therm", password: device.credentials.password });
    const before = Date.now();
    mqtt.send({ type: "publish", topic: `t/${t.tenantId}/devices/therm/telemetry`, payload: bytes(JSON.stringify({ values: { temp: 999 } })), qos: 1, retain: false, dup: false, packetId: 1 });
    expect((await mqtt.next("puback")).reasonCode).toBe(0);
    await runDeadLetters([{ body: deviceTelemetry(t.tenantId, "therm", { values: { temp: 1 } }) }]);

    const s = await statusUntil(viewer.token, (x) => x.queue.lastConsumerRun !== null && x.rejectedLastHour === 1);
    expect(s.hub).toEqual({ reachable: true, connectedClients: 1, telemetryPending: 0 });
    expect(Date.parse(s.queue.lastConsumerRun!)).toBeGreaterThanOrEqual(before);
    expect(s.queue.lastRunMessages).toBe(1);
    expect(s.queue.lastRunLagMs).toBeGreaterThanOrEqual(0);
    expect(s.queue.lastRunLagMs).toBeLessThan(60_000);
    expect(s.rejectedLastHour).toBe(1);
    expect(s.deadLetters.count).toBe(1);
    expect(Date.parse(s.deadLetters.oldestAt!)).toBeGreaterThanOrEqual(before);
    expect(s.degraded).toEqual([]);
    mqtt.close();

    // Another tenant's status knows nothing of these.
    const other = await signup();
    expect(await expectOk(api("GET", "/api/v1/status", { token: other.ownerToken }))).toMatchObject({ deadLetters: { count: 0 }, rejectedLastHour: 0, queue: { lastConsumerRun: null } });
  });
});
