/**
 * The MQTT abuse cool-down at the edge, through the Worker (exports.default.fetch) with the real
 * MqttCooldown objects behind it and the hub's entry points (`reportMqttAbuse`,
 * `pardonMqttAddress`) doing the penalizing. Short policies keep every wait under two seconds.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CLIENT_CERTIFICATE_HEADER } from "../../../domain/auth/client-certificate";
import { addressBucket } from "../../../domain/limits/auth-throttle";
import { CLIENT_ADDRESS_HEADER, mqttCooldownName, type MqttCooldownPolicy } from "../../../domain/limits/mqtt-cooldown";
import { pardonMqttAddress, reportMqttAbuse } from "../../../durable-objects/mqtt-cooldown/report";
import { mqttRefusals, RefusalCache } from "../../../workers/http/mqtt-cooldown";
import { hubUpgradeHeaders } from "../../../workers/routes/mqtt";
import { signup, type TenantFixture } from "../helpers";

/** Long enough to hammer in, short enough to wait out. */
const SHORT: MqttCooldownPolicy = { baseMs: 1_200, capMs: 10_000, forgetAfterMs: 60_000 };
/** For cool-downs that must outlast the test. */
const LONG: MqttCooldownPolicy = { baseMs: 60_000, capMs: 600_000, forgetAfterMs: 600_000 };

let octet = 1;
const freshAddress = () => `198.51.100.${octet++}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A WebSocket upgrade to `/t/{tenant}/mqtt` from `ip`; a socket that opens is closed at once. */
async function upgrade(tenantId: string, ip: string, extra: Record<string, string> = {}): Promise<Response> {
  const res = await exports.default.fetch(`http://localhost/t/${tenantId}/mqtt`, {
    headers: { upgrade: "websocket", "sec-websocket-protocol": "mqtt", "cf-connecting-ip": ip, ...extra },
  });
  if (res.webSocket) {
    res.webSocket.accept();
    res.webSocket.close(1000);
  }
  return res;
}

async function expectCooled(res: Response) {
  expect(res.status).toBe(429);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ code: "rate_limited", limit: "mqtt_abuse_cooldown" });
  const retryAfter = Number(res.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(body.retryAfterSeconds).toBe(retryAfter);
  return retryAfter;
}

const abuse = (tenantId: string, ip: string, policy = SHORT) => reportMqttAbuse(env.MQTT_COOLDOWN, { tenantId, address: addressBucket(ip), clientId: "noisy-1", reason: "rate_abuse", policy });

let A: TenantFixture;
let B: TenantFixture;

beforeAll(async () => {
  [A, B] = [await signup(), await signup()];
});

// Every test starts with a cold isolate cache, as after a deploy; the objects keep their state.
beforeEach(() => mqttRefusals.clear());

describe("mqtt abuse cool-down at the edge", () => {
  it("refuses a penalized address of a tenant with 429 and Retry-After; its other addresses and other tenants are untouched", async () => {
    const noisy = freshAddress();
    expect((await upgrade(A.tenantId, noisy)).status).toBe(101);
    expect(await abuse(A.tenantId, noisy, LONG)).toEqual({ level: 0, retryAfterMs: 60_000 });

    const retryAfter = await expectCooled(await upgrade(A.tenantId, noisy));
    expect(retryAfter).toBeGreaterThan(55);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Another address of the same tenant still upgrades…
    expect((await upgrade(A.tenantId, freshAddress())).status).toBe(101);
    // …and so does the same address on another tenant (the cool-down is the tenant's, not the address's).
    expect((await upgrade(B.tenantId, noisy)).status).toBe(101);
    // Also on the tenant's own host.
    const onHost = await exports.default.fetch(`http://${A.tenantId}.localhost/mqtt`, { headers: { upgrade: "websocket", "sec-websocket-protocol": "mqtt", "cf-connecting-ip": noisy } });
    await expectCooled(onHost);
  });

  it("clients without an address (off Cloudflare: one bucket for everyone) are never refused, even if that bucket was penalized", async () => {
    await reportMqttAbuse(env.MQTT_COOLDOWN, { tenantId: A.tenantId, address: "unknown", clientId: "noisy-1", reason: "rate_abuse", policy: LONG });
    const res = await exports.default.fetch(`http://localhost/t/${A.tenantId}/mqtt`, { headers: { upgrade: "websocket", "sec-websocket-protocol": "mqtt" } });
    expect(res.status).toBe(101);
    res.webSocket!.accept();
    res.webSocket!.close(1000);
  });

  it("an IPv6 client is cooled down with its whole /64", async () => {
    await abuse(A.tenantId, "2001:db8:c0:1::5", LONG);
    await expectCooled(await upgrade(A.tenantId, "2001:db8:c0:1:ffff::9"));
    expect((await upgrade(A.tenantId, "2001:db8:c0:2::5")).status).toBe(101);
  });

  it("upgrades again once the cool-down has passed, and the next penalty doubles it", { timeout: 20_000 }, async () => {
    const ip = freshAddress();
    await abuse(A.tenantId, ip);
    // Hammering while it cools down: every attempt refused, none of them lengthens the wait.
    for (let i = 0; i < 20; i++) expect((await upgrade(A.tenantId, ip)).status).toBe(429);
    await sleep(SHORT.baseMs + 100);
    expect((await upgrade(A.tenantId, ip)).status).toBe(101);
    // It came back and misbehaved again: twice as long.
    expect(await abuse(A.tenantId, ip)).toEqual({ level: 1, retryAfterMs: 2 * SHORT.baseMs });
    expect(await expectCooled(await upgrade(A.tenantId, ip))).toBe(3);
  });

  it("a storm of refused reconnects is answered from the isolate's cache, without asking the object", async () => {
    const ip = freshAddress();
    await abuse(A.tenantId, ip, LONG);
    await expectCooled(await upgrade(A.tenantId, ip)); // asks the object, caches the refusal
    expect(mqttRefusals.size).toBe(1);
    // The pardon reaches the object, but this isolate answers from its cache (documented: a pardon
    // lifts a cached refusal only when the cached cool-down ends, or in an isolate that never saw it).
    expect(await pardonMqttAddress(env.MQTT_COOLDOWN, { tenantId: A.tenantId, address: addressBucket(ip) })).toBe(true);
    await expectCooled(await upgrade(A.tenantId, ip));
    mqttRefusals.clear();
    expect((await upgrade(A.tenantId, ip)).status).toBe(101);
  });

  it("allowed upgrades are not cached: a new penalty takes effect on the next upgrade", async () => {
    const ip = freshAddress();
    expect((await upgrade(A.tenantId, ip)).status).toBe(101);
    expect(mqttRefusals.size).toBe(0);
    await abuse(A.tenantId, ip);
    await expectCooled(await upgrade(A.tenantId, ip));
  });

  it("failed authentication is a reason too; a pardon for a client that connected before the last penalty pardons nothing", async () => {
    const ip = freshAddress();
    const before = Date.now() - 1_000;
    const penalty = await reportMqttAbuse(env.MQTT_COOLDOWN, { tenantId: A.tenantId, address: addressBucket(ip), clientId: "guesser", reason: "auth_failures", policy: LONG });
    expect(penalty?.level).toBe(0);
    expect(await pardonMqttAddress(env.MQTT_COOLDOWN, { tenantId: A.tenantId, address: addressBucket(ip), connectedAt: before })).toBe(true);
    await expectCooled(await upgrade(A.tenantId, ip));
    mqttRefusals.clear();
    await pardonMqttAddress(env.MQTT_COOLDOWN, { tenantId: A.tenantId, address: addressBucket(ip), connectedAt: Date.now() });
    expect((await upgrade(A.tenantId, ip)).status).toBe(101);
  });
});

describe("the address is the Worker's word", () => {
  it("a client naming another address in x-skylark-client-address neither escapes its cool-down nor borrows someone else's", async () => {
    const [noisy, innocent] = [freshAddress(), freshAddress()];
    await abuse(A.tenantId, noisy, LONG);
    await expectCooled(await upgrade(A.tenantId, noisy, { [CLIENT_ADDRESS_HEADER]: innocent }));
    mqttRefusals.clear();
    expect((await upgrade(A.tenantId, innocent, { [CLIENT_ADDRESS_HEADER]: noisy })).status).toBe(101);
  });

  it("the hub gets the edge's bucket, never the client's copy (nor its certificate header)", () => {
    const client = new Headers({ [CLIENT_ADDRESS_HEADER]: "203.0.113.9", [CLIENT_CERTIFICATE_HEADER]: "ab".repeat(32), upgrade: "websocket" });
    const hub = hubUpgradeHeaders(client, { tenantId: "acme", subprotocol: "mqtt", addressBucket: addressBucket("2001:db8:1:2::7"), certificate: null });
    expect(hub.get(CLIENT_ADDRESS_HEADER)).toBe("2001:db8:1:2::/64");
    expect(hub.get(CLIENT_CERTIFICATE_HEADER)).toBeNull();
    expect(hub.get("x-skylark-tenant")).toBe("acme");
    expect(hub.get("upgrade")).toBe("websocket");
    // Without cf-connecting-ip (off Cloudflare) every client shares "unknown", still the Worker's word.
    expect(hubUpgradeHeaders(client, { tenantId: "acme", subprotocol: "mqtt", addressBucket: addressBucket(null), certificate: null }).get(CLIENT_ADDRESS_HEADER)).toBe("unknown");
  });
});

describe("the MqttCooldown object", () => {
  it("validates its arguments; the hub's helpers log and swallow failures instead of throwing", async () => {
    const stub = env.MQTT_COOLDOWN.getByName(mqttCooldownName(A.tenantId, freshAddress()));
    // Settled into plain promises first: `expect(...).rejects` probes a rejected RPC promise's
    // properties, and each probe is one more rejection, unhandled (as in telemetry/store.test.ts).
    const failure = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: Error) => e.message,
      );
    expect(await failure(stub.penalize({ reason: "because" as never }))).toBe("ZodError");
    expect(await failure(stub.penalize({ reason: "rate_abuse", policy: { baseMs: 10, capMs: 5, forgetAfterMs: 1 } }))).toBe("ZodError");
    expect(await failure(stub.pardon({ connectedAt: -1 }))).toBe("ZodError");
    expect(await stub.check()).toEqual({ allowed: true });
    expect(await reportMqttAbuse(env.MQTT_COOLDOWN, { tenantId: "Not A Tenant", address: "192.0.2.1", clientId: "x", reason: "rate_abuse" })).toBeNull();
    expect(await pardonMqttAddress(env.MQTT_COOLDOWN, { tenantId: A.tenantId, address: "" })).toBe(false);
  });

  it("uses the configured default policy when none is given (MQTT_ABUSE_COOLDOWN_BASE_SECONDS, 2 s)", async () => {
    const ip = freshAddress();
    expect(await reportMqttAbuse(env.MQTT_COOLDOWN, { tenantId: A.tenantId, address: ip, clientId: "c", reason: "rate_abuse" })).toEqual({ level: 0, retryAfterMs: 2_000 });
    expect(await expectCooled(await upgrade(A.tenantId, ip))).toBe(2);
  });

  it("forgets everything once nothing matters any more (the alarm deletes its storage)", async () => {
    const stub = env.MQTT_COOLDOWN.getByName(mqttCooldownName(A.tenantId, freshAddress()));
    await stub.penalize({ reason: "rate_abuse", policy: { baseMs: 50, capMs: 100, forgetAfterMs: 50 } });
    const alarm = await runInDurableObject(stub, (_i, state) => state.storage.getAlarm());
    expect(alarm).toBeGreaterThan(Date.now());
    // Early: the state still matters, so the alarm moves itself on.
    await runDurableObjectAlarm(stub);
    expect(await runInDurableObject(stub, (_i, state) => [...state.storage.kv.list()].length)).toBe(1);
    await sleep(150);
    await runDurableObjectAlarm(stub);
    expect(await runInDurableObject(stub, async (_i, state) => [[...state.storage.kv.list()].length, await state.storage.getAlarm()] as const)).toEqual([0, null]);
    expect(await stub.check()).toEqual({ allowed: true });
  });
});

describe("the refusal cache", () => {
  it("is bounded: past its size the oldest refusal goes first; expired ones are dropped when read", () => {
    const cache = new RefusalCache(3);
    for (const k of ["a", "b", "c"]) cache.refuse(k, 1_000);
    cache.refuse("a", 1_000); // refreshed: now the newest
    cache.refuse("d", 1_000);
    expect(cache.size).toBe(3);
    expect(cache.retryAfterMs("b", 0)).toBe(0);
    expect(["a", "c", "d"].map((k) => cache.retryAfterMs(k, 400))).toEqual([600, 600, 600]);
    expect(cache.retryAfterMs("a", 1_000)).toBe(0);
    expect(cache.size).toBe(2);
  });

  it("holds 10 000 refusals per isolate", () => {
    expect(mqttRefusals.maxEntries).toBe(10_000);
  });
});
