/**
 * Tenant isolation suite. Tenant A's owner credentials are used against tenant B's ids: every
 * tenant-scoped route answers 404 (never 403, which would leak existence), lists never contain
 * B's rows, and B's data is unchanged afterwards. The suite enumerates the router's routes and
 * fails when one has no case here, so a new route cannot ship without an isolation case.
 */
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../workers/app";
import { describeRoutes } from "../../workers/http/openapi";
import { api, expectOk, invite, lastMail, linkToken } from "./helpers";
import { connect } from "./hub/mqtt-client";
import { richTenant, type RichTenant } from "./fixtures";
import { deviceTelemetry, runBatch } from "./telemetry/helpers";

let A: RichTenant;
let B: RichTenant;
/** A fixed end for telemetry ranges, so B's snapshots compare equal. */
const TELEMETRY_TO = Date.now() + 86_400_000;

async function expectNotFound(method: string, path: string, body?: unknown) {
  const r = await api(method, path, { token: A.ownerToken, ...(body !== undefined ? { body } : {}) });
  expect(r.status, `${method} ${path} → ${JSON.stringify(r.body)}`).toBe(404);
  expect(r.headers.get("content-type")).toContain("application/problem+json");
  expect(r.body.code).toBe("not_found");
}

const ids = (page: { items: Record<string, unknown>[] }, key = "id") => page.items.map((i) => String(i[key]));

/** B's view of its own data, to prove A's attempts changed nothing. */
async function snapshotB() {
  const token = B.ownerToken;
  const dashboardId = (await bDashboard()).id;
  await bCommands();
  await bConnected();
  await bFirmware();
  await bRollout();
  const alarms = await bAlarms();
  return {
    tenant: await expectOk(api("GET", "/api/v1/tenant", { token })),
    device: await expectOk(api("GET", `/api/v1/devices/${B.only.device}`, { token })),
    devices: await expectOk(api("GET", "/api/v1/devices?limit=200", { token })),
    profiles: await expectOk(api("GET", "/api/v1/device-profiles?limit=200", { token })),
    asset: await expectOk(api("GET", `/api/v1/assets/${B.only.asset}`, { token })),
    sensors: await expectOk(api("GET", `/api/v1/assets/${B.only.asset}/sensors`, { token })),
    members: await expectOk(api("GET", "/api/v1/members", { token })),
    invitations: await expectOk(api("GET", "/api/v1/invitations", { token })),
    keys: await expectOk(api("GET", "/api/v1/api-keys", { token })),
    domains: await expectOk(api("GET", "/api/v1/domains", { token })),
    telemetry: await expectOk(api("GET", `/api/v1/telemetry?device=dev-1&from=0&to=${TELEMETRY_TO}`, { token })),
    rejected: await expectOk(api("GET", "/api/v1/telemetry/rejected", { token })),
    deadLetters: await expectOk(api("GET", "/api/v1/telemetry/dead-letters", { token })),
    twin: await expectOk(api("GET", `/api/v1/devices/${B.only.device}/attributes`, { token })),
    dashboards: await expectOk(api("GET", "/api/v1/dashboards?limit=200", { token })),
    dashboard: await expectOk(api("GET", `/api/v1/dashboards/${dashboardId}`, { token })),
    fleet: await expectOk(api("GET", "/api/v1/fleet/summary", { token })),
    latest: await expectOk(api("GET", `/api/v1/telemetry/latest?device=dev-1,${B.only.device}`, { token })),
    commands: await expectOk(api("GET", "/api/v1/devices/dev-1/commands", { token })),
    onlyCommands: await expectOk(api("GET", `/api/v1/devices/${B.only.device}/commands`, { token })),
    commandSettings: await expectOk(api("GET", "/api/v1/devices/dev-1/command-settings", { token })),
    fleetHealth: await expectOk(api("GET", "/api/v1/fleet/health", { token })),
    firmware: await expectOk(api("GET", "/api/v1/firmware", { token })),
    firmwareStorage: await expectOk(api("GET", "/api/v1/firmware/storage", { token })),
    firmwareSigning: await expectOk(api("GET", "/api/v1/firmware/signing", { token })),
    rollouts: await expectOk(api("GET", "/api/v1/rollouts", { token })),
    rollout: await expectOk(api("GET", "/api/v1/rollouts/ro-b-only", { token })),
    rolloutDevices: await expectOk(api("GET", "/api/v1/rollouts/ro-b-only/devices", { token })),
    firmwareBytes: [...new Uint8Array(await (await env.FIRMWARE.get(`tenants/${B.tenantId}/firmware/fw-b-only`))!.arrayBuffer())],
    health: await expectOk(api("GET", `/api/v1/devices/${B.only.device}/health`, { token })),
    connectivity: await expectOk(api("GET", "/api/v1/devices/dev-1/connectivity", { token })),
    alarmRules: await expectOk(api("GET", "/api/v1/alarm-rules", { token })),
    alarms: await expectOk(api("GET", "/api/v1/alarms", { token })),
    alarm: await expectOk(api("GET", `/api/v1/alarms/${alarms.alarmId}`, { token })),
    alarmCounts: await expectOk(api("GET", "/api/v1/alarms/counts", { token })),
    webhooks: await expectOk(api("GET", "/api/v1/alarm-webhooks", { token })),
    webhookDeliveries: await expectOk(api("GET", `/api/v1/alarm-webhooks/${alarms.webhookId}/deliveries`, { token })),
  };
}

/**
 * Alarms only B has (made once, before the first snapshot): a rule on its dev-1, the alarm B's
 * reading raised, a webhook target. A watches its own dev-1 (same id) before B's reading arrives.
 */
let bAlarmsOnce: Promise<{ ruleId: string; alarmId: string; webhookId: string; aRuleId: string }> | undefined;
const bAlarms = () =>
  (bAlarmsOnce ??= (async () => {
    const rule = { scope: { kind: "device", deviceId: "dev-1" }, condition: { type: "above", metric: "temp", value: -1000 }, severity: "minor" };
    const aRule = await expectOk(api("POST", "/api/v1/alarm-rules", { token: A.ownerToken, body: { name: "A watches dev-1", ...rule } }), 201);
    const bRule = await expectOk(api("POST", "/api/v1/alarm-rules", { token: B.ownerToken, body: { name: "B only", ...rule } }), 201);
    // Critical only: B's minor alarm sends nothing anywhere.
    const hook = await expectOk(api("POST", "/api/v1/alarm-webhooks", { token: B.ownerToken, body: { name: "B only", url: "https://hooks.test/b", minSeverity: "critical" } }), 201);
    await runBatch([deviceTelemetry(B.tenantId, "dev-1", { values: { temp: 5 } })]);
    const [alarm] = (await expectOk(api("GET", "/api/v1/alarms?device=dev-1", { token: B.ownerToken }))).items;
    return { ruleId: bRule.id as string, alarmId: alarm.id as string, webhookId: hook.target.id as string, aRuleId: aRule.id as string };
  })());

/** Commands only B sent (once, before the first snapshot): to its dev-1 (A has a dev-1 too) and to its own device. */
let bCommandsOnce: Promise<{ dev1: string; only: string }> | undefined;
const bCommands = () =>
  (bCommandsOnce ??= (async () => {
    const send = (device: string) => expectOk(api("POST", `/api/v1/devices/${device}/commands`, { token: B.ownerToken, body: { method: "b-only" } }), 201);
    return { dev1: (await send("dev-1")).id as string, only: (await send(B.only.device)).id as string };
  })());

/**
 * B's dev-1 connected once over MQTT and left (before the first snapshot): B has a connection
 * sequence, connectivity events and a health state for an id A also has.
 */
let bConnectedOnce: Promise<void> | undefined;
const bConnected = () =>
  (bConnectedOnce ??= (async () => {
    const { credentials } = await expectOk(api("POST", "/api/v1/devices/dev-1/credentials/rotate", { token: B.ownerToken }));
    const device = await connect(B.tenantId, { clientId: "dev-1", username: "dev-1", password: credentials.password });
    device.send({ type: "disconnect", reasonCode: 0 });
    device.close();
    for (let i = 0; i < 50; i++) {
      // The hub knows at once; the registry's mirror (and last-seen) follows within a second or so.
      if ((await expectOk(api("GET", "/api/v1/devices/dev-1", { token: B.ownerToken }))).healthReason === "client") return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error("B's dev-1 never showed its disconnect");
  })());

/** Firmware only B has (uploaded once, before the first snapshot), and one id both have. */
let bFirmwareOnce: Promise<void> | undefined;
const bFirmware = () =>
  (bFirmwareOnce ??= (async () => {
    await expectOk(api("PUT", "/api/v1/firmware/signing", { token: B.ownerToken, body: { publicKey: btoa(String.fromCharCode(...new Uint8Array(32).fill(7))), requireSigned: false } }));
    for (const [id, version] of [
      ["fw-b-only", "1.0.0"],
      ["fw-shared", "2.0.0"],
    ]) {
      await expectOk(api("POST", "/api/v1/firmware", { token: B.ownerToken, body: { id, title: "B's", version } }), 201);
      const res = await exports.default.fetch(`http://localhost/api/v1/firmware/${id}/artifact`, { method: "PUT", headers: { authorization: `Bearer ${B.ownerToken}` }, body: new Uint8Array([66, 66, 66]) });
      expect(res.status).toBe(200);
    }
  })());

/** A rollout only B has (started and canceled once, before the first snapshot), to its dev-1 (A has a dev-1 too). */
let bRolloutOnce: Promise<void> | undefined;
const bRollout = () =>
  (bRolloutOnce ??= (async () => {
    await bFirmware();
    const strategy = { kind: "phases", phases: [{ percent: 100, waitMinutes: 0 }], updateTimeoutMinutes: 60 };
    await expectOk(api("POST", "/api/v1/rollouts", { token: B.ownerToken, body: { id: "ro-b-only", firmwareId: "fw-b-only", target: { devices: ["dev-1"] }, strategy } }), 201);
    await expectOk(api("POST", "/api/v1/rollouts/ro-b-only/cancel", { token: B.ownerToken }));
  })());

/** A dashboard only B has (created once, before the first snapshot), naming B's device. */
let bDashboardOnce: Promise<{ id: string }> | undefined;
const bDashboard = () =>
  (bDashboardOnce ??= expectOk(api("POST", "/api/v1/dashboards", { token: B.ownerToken, body: { name: "B only", widgets: [{ id: "v", type: "value", x: 0, y: 0, w: 3, h: 2, deviceId: B.only.device, metric: "temp" }] } }), 201));

async function publicJwk() {
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const { kty, crv, x, y } = (await crypto.subtle.exportKey("jwk", pair.publicKey)) as JsonWebKey;
  return { kty, crv, x, y };
}

/** A key registered on B's device (once), for the device-credential cases. */
let bCredentialOnce: Promise<{ id: string; fingerprint: string; jwk: Record<string, unknown> }> | undefined;
const bCredential = () => (bCredentialOnce ??= publicJwk().then((jwk) => expectOk(api("POST", `/api/v1/devices/${B.only.device}/credentials`, { token: B.ownerToken, body: { type: "jwk", jwk } }), 201)));

type Case = () => Promise<void>;
const cases: Record<string, Case> = {
  "GET /api/v1/tenant": async () => expect((await expectOk(api("GET", "/api/v1/tenant", { token: A.ownerToken }))).tenant.id).toBe(A.tenantId),
  "PATCH /api/v1/tenant": async () => {
    const updated = await expectOk(api("PATCH", "/api/v1/tenant", { token: A.ownerToken, body: { name: "A renamed" } }));
    expect(updated.id).toBe(A.tenantId);
    expect((await expectOk(api("GET", "/api/v1/tenant", { token: B.ownerToken }))).tenant.name).not.toBe("A renamed");
  },

  "POST /api/v1/devices": async () => {
    // B's id is free in A (ids are per tenant), and creating it in A leaves B's untouched.
    const created = await expectOk(api("POST", "/api/v1/devices", { token: A.ownerToken, body: { id: B.only.device, name: "A's copy" } }), 201);
    expect(created.device.name).toBe("A's copy");
    expect((await expectOk(api("GET", `/api/v1/devices/${B.only.device}`, { token: B.ownerToken }))).name).not.toBe("A's copy");
    await expectOk(api("DELETE", `/api/v1/devices/${B.only.device}`, { token: A.ownerToken }), 204);
    // B's gateway and profile cannot be referenced from A.
    for (const body of [
      { id: "x1", parentId: B.only.gateway },
      { id: "x2", profileId: B.only.profile },
    ]) {
      const r = await api("POST", "/api/v1/devices", { token: A.ownerToken, body });
      expect(r.status).toBe(400);
    }
  },
  "GET /api/v1/devices": async () => {
    const all = ids(await expectOk(api("GET", "/api/v1/devices?limit=200", { token: A.ownerToken })));
    expect(all).toContain("dev-1");
    expect(all).not.toContain(B.only.device);
    for (const q of ["?tag=shared-tag", `?q=${B.only.device}`, "?type=gateway", `?parent=gw-1`]) {
      expect(ids(await expectOk(api("GET", `/api/v1/devices${q}`, { token: A.ownerToken })))).not.toContain(B.only.device);
    }
    const names = (await expectOk(api("GET", "/api/v1/devices?limit=200", { token: A.ownerToken }))).items.map((d: { name: string }) => d.name);
    expect(names.some((n: string) => n.startsWith(B.tenantId))).toBe(false);
  },
  "GET /api/v1/devices/:id": () => expectNotFound("GET", `/api/v1/devices/${B.only.device}`),
  "PATCH /api/v1/devices/:id": () => expectNotFound("PATCH", `/api/v1/devices/${B.only.device}`, { name: "pwned" }),
  "DELETE /api/v1/devices/:id": () => expectNotFound("DELETE", `/api/v1/devices/${B.only.device}`),
  "POST /api/v1/devices/:id/credentials/rotate": () => expectNotFound("POST", `/api/v1/devices/${B.only.device}/credentials/rotate`),
  "POST /api/v1/devices/:id/credentials": async () => {
    await expectNotFound("POST", `/api/v1/devices/${B.only.device}/credentials`, { type: "jwk", jwk: await publicJwk() });
    // The same key may be registered in both tenants: fingerprints are unique per tenant only.
    const theirs = await bCredential();
    expect((await expectOk(api("POST", "/api/v1/devices/dev-1/credentials", { token: A.ownerToken, body: { type: "jwk", jwk: theirs.jwk } }), 201)).fingerprint).toBe(theirs.fingerprint);
  },
  "GET /api/v1/devices/:id/credentials": async () => {
    await expectNotFound("GET", `/api/v1/devices/${B.only.device}/credentials`);
    const theirs = await bCredential();
    expect(ids(await expectOk(api("GET", "/api/v1/devices/dev-1/credentials", { token: A.ownerToken })))).not.toContain(theirs.id);
  },
  "POST /api/v1/devices/:id/credentials/rotation-request": async () => {
    const theirs = await bCredential();
    await expectNotFound("POST", `/api/v1/devices/${B.only.device}/credentials/rotation-request`, { replaces: theirs.id });
    await expectNotFound("POST", `/api/v1/devices/dev-1/credentials/rotation-request`, { replaces: theirs.id });
  },
  "DELETE /api/v1/devices/:id/credentials/:credentialId": async () => {
    const theirs = await bCredential();
    await expectNotFound("DELETE", `/api/v1/devices/${B.only.device}/credentials/${theirs.id}`);
    await expectNotFound("DELETE", `/api/v1/devices/dev-1/credentials/${theirs.id}`);
    const after = await expectOk(api("GET", `/api/v1/devices/${B.only.device}/credentials`, { token: B.ownerToken }));
    expect(after.items.find((c: { id: string }) => c.id === theirs.id).status).toBe("active");
  },

  "POST /api/v1/device-profiles": async () => {
    await expectOk(api("POST", "/api/v1/device-profiles", { token: A.ownerToken, body: { id: B.only.profile, name: "A's" } }), 201);
    await expectOk(api("DELETE", `/api/v1/device-profiles/${B.only.profile}`, { token: A.ownerToken }), 204);
  },
  "GET /api/v1/device-profiles": async () => expect(ids(await expectOk(api("GET", "/api/v1/device-profiles", { token: A.ownerToken })))).not.toContain(B.only.profile),
  "GET /api/v1/device-profiles/:id": () => expectNotFound("GET", `/api/v1/device-profiles/${B.only.profile}`),
  "PATCH /api/v1/device-profiles/:id": () => expectNotFound("PATCH", `/api/v1/device-profiles/${B.only.profile}`, { name: "pwned" }),
  "DELETE /api/v1/device-profiles/:id": () => expectNotFound("DELETE", `/api/v1/device-profiles/${B.only.profile}`),

  "POST /api/v1/assets": async () => {
    await expectOk(api("POST", "/api/v1/assets", { token: A.ownerToken, body: { id: B.only.asset, type: "truck" } }), 201);
    await expectOk(api("DELETE", `/api/v1/assets/${B.only.asset}`, { token: A.ownerToken }), 204);
  },
  "GET /api/v1/assets": async () => expect(ids(await expectOk(api("GET", "/api/v1/assets", { token: A.ownerToken })))).not.toContain(B.only.asset),
  "GET /api/v1/assets/:assetId": () => expectNotFound("GET", `/api/v1/assets/${B.only.asset}`),
  "PATCH /api/v1/assets/:assetId": () => expectNotFound("PATCH", `/api/v1/assets/${B.only.asset}`, { name: "pwned" }),
  "DELETE /api/v1/assets/:assetId": () => expectNotFound("DELETE", `/api/v1/assets/${B.only.asset}`),
  "POST /api/v1/assets/:assetId/sensors": () => expectNotFound("POST", `/api/v1/assets/${B.only.asset}/sensors`, { id: "s9", type: "t" }),
  "GET /api/v1/assets/:assetId/sensors": async () => {
    await expectNotFound("GET", `/api/v1/assets/${B.only.asset}/sensors`);
    expect(ids(await expectOk(api("GET", "/api/v1/assets/truck-1/sensors", { token: A.ownerToken })))).not.toContain(B.only.sensor);
  },
  "GET /api/v1/assets/:assetId/sensors/:sensorId": async () => {
    await expectNotFound("GET", `/api/v1/assets/${B.only.asset}/sensors/temp-1`);
    await expectNotFound("GET", `/api/v1/assets/truck-1/sensors/${B.only.sensor}`);
  },
  "PATCH /api/v1/assets/:assetId/sensors/:sensorId": () => expectNotFound("PATCH", `/api/v1/assets/truck-1/sensors/${B.only.sensor}`, { unit: "K" }),
  "DELETE /api/v1/assets/:assetId/sensors/:sensorId": () => expectNotFound("DELETE", `/api/v1/assets/${B.only.asset}/sensors/temp-1`),

  "GET /api/v1/members": async () => {
    const members = ids(await expectOk(api("GET", "/api/v1/members", { token: A.ownerToken })), "userId");
    expect(members).not.toContain(B.ownerId);
    expect(members).not.toContain(B.memberId);
  },
  "GET /api/v1/members/:userId": () => expectNotFound("GET", `/api/v1/members/${B.memberId}`),
  "PATCH /api/v1/members/:userId": () => expectNotFound("PATCH", `/api/v1/members/${B.memberId}`, { role: "VIEWER" }),
  "DELETE /api/v1/members/:userId": () => expectNotFound("DELETE", `/api/v1/members/${B.ownerId}`),

  "POST /api/v1/invitations": async () => {
    const token = await invite(A.ownerToken, "x@example.com", "VIEWER");
    expect(token).toMatch(new RegExp(`^inv_${A.tenantId}_`));
  },
  "GET /api/v1/invitations": async () => expect(ids(await expectOk(api("GET", "/api/v1/invitations", { token: A.ownerToken })))).not.toContain(B.invitationId),
  "DELETE /api/v1/invitations/:id": () => expectNotFound("DELETE", `/api/v1/invitations/${B.invitationId}`),

  "POST /api/v1/api-keys": async () => {
    const key = await expectOk(api("POST", "/api/v1/api-keys", { token: A.ownerToken, body: { name: "k", role: "VIEWER" } }), 201);
    expect((await expectOk(api("GET", "/api/v1/tenant", { token: key.key }))).tenant.id).toBe(A.tenantId);
  },
  "GET /api/v1/api-keys": async () => expect(ids(await expectOk(api("GET", "/api/v1/api-keys", { token: A.ownerToken })))).not.toContain(B.apiKeyId),
  "DELETE /api/v1/api-keys/:id": () => expectNotFound("DELETE", `/api/v1/api-keys/${B.apiKeyId}`),

  "GET /api/v1/audit": async () => {
    const mine = ids(await expectOk(api("GET", "/api/v1/audit?limit=200", { token: A.ownerToken })));
    const theirs = ids(await expectOk(api("GET", "/api/v1/audit?limit=200", { token: B.ownerToken })));
    expect(mine.length).toBeGreaterThan(0);
    expect(theirs.length).toBeGreaterThan(0);
    expect(mine.filter((id) => theirs.includes(id))).toEqual([]);
    const actors = (await expectOk(api("GET", "/api/v1/audit?limit=200", { token: A.ownerToken }))).items.map((e: { actorId: string | null }) => e.actorId);
    for (const foreign of [B.ownerId, B.memberId, B.apiKeyId]) expect(actors).not.toContain(foreign);
  },

  // Public identity routes: credentials for A never yield access to B.
  "POST /api/v1/auth/signup": async () => {
    const r = await api("POST", "/api/v1/auth/signup", { body: { email: A.email, password: A.password, tenant: { id: B.tenantId, name: "steal" } } });
    expect(r.status).toBe(409);
  },
  "POST /api/v1/auth/login": async () => {
    const r = await api("POST", "/api/v1/auth/login", { body: { email: A.email, password: A.password, tenant: B.tenantId } });
    expect(r.status).toBe(401);
  },
  "POST /api/v1/auth/token": async () => {
    const vended = await expectOk(api("POST", "/api/v1/auth/token", { body: { apiKey: A.apiKey } }));
    expect(vended.tenant).toBe(A.tenantId);
    expect((await api("GET", `/api/v1/devices/${B.only.device}`, { token: vended.token })).status).toBe(404);
  },
  "GET /api/v1/auth/workspaces": async () => {
    const ws = (await expectOk(api("GET", "/api/v1/auth/workspaces", { token: A.ownerToken }))).items.map((w: { tenant: { id: string } }) => w.tenant.id);
    expect(ws).toEqual([A.tenantId]);
  },
  "POST /api/v1/auth/switch": async () => {
    const r = await api("POST", "/api/v1/auth/switch", { token: A.ownerToken, body: { tenant: B.tenantId } });
    expect(r.status).toBe(404);
  },
  "POST /api/v1/auth/invitations/accept": async () => {
    // An invitation token cannot be re-pointed at another tenant: the hash belongs to one tenant's row.
    const token = await invite(A.ownerToken, "y@example.com", "ADMIN");
    const forged = token.replace(`inv_${A.tenantId}_`, `inv_${B.tenantId}_`);
    expect((await api("POST", "/api/v1/auth/invitations/accept", { body: { token: forged, password: "a long password" } })).status).toBe(401);
  },

  "POST /api/v1/auth/verify-email": async () => {
    // Proving A's owner address touches A's owner account only (B's snapshot is compared after all cases).
    const verified = await expectOk(api("POST", "/api/v1/auth/verify-email", { body: { token: linkToken(await lastMail(A.email, "email_verification")) } }));
    expect(verified.user).toMatchObject({ id: A.ownerId, emailVerified: true });
    expect((await api("POST", "/api/v1/auth/verify-email", { body: { token: `ver_${"0".repeat(12)}_${"0".repeat(32)}` } })).status).toBe(401);
  },
  "POST /api/v1/auth/verify-email/resend": async () => {
    const r = await api("POST", "/api/v1/auth/verify-email/resend", { token: A.ownerToken });
    expect(r.status).toBe(409); // verified by the case above; never mails B's owner
    expect((await api("POST", "/api/v1/auth/verify-email/resend", { token: A.apiKey })).status).toBe(401);
  },

  // Telemetry: both tenants have dev-1 reporting `temp`; only the values differ (A 1, B 1000).
  "GET /api/v1/telemetry": async () => {
    for (const bucket of ["raw", "1m", "1h", "1d"]) {
      const r = await expectOk(api("GET", `/api/v1/telemetry?device=dev-1&metric=temp&bucket=${bucket}&agg=max&from=0&to=${TELEMETRY_TO}`, { token: A.ownerToken }));
      expect(
        r.series.flatMap((s: { points: { value: unknown }[] }) => s.points.map((p) => p.value)),
        bucket,
      ).toEqual([A.telemetry.telemetryValue]);
    }
    // B's device is unknown to A: 404, as on every telemetry route that names devices.
    await expectNotFound("GET", `/api/v1/telemetry?device=dev-1,${B.only.device}&metric=temp&from=0&to=${TELEMETRY_TO}`);
  },
  "GET /api/v1/telemetry/export": async () => {
    await expectNotFound("GET", `/api/v1/telemetry/export?device=${B.only.device}&from=0&to=${TELEMETRY_TO}`);
    const r = await api("GET", `/api/v1/telemetry/export?device=dev-1&from=0&to=${TELEMETRY_TO}`, { token: A.ownerToken });
    const rows = String(r.body).trim().split("\r\n").slice(1);
    expect(rows.map((row) => row.split(",")[4])).toEqual([String(A.telemetry.telemetryValue)]);
  },
  "GET /api/v1/telemetry/stream": () => expectNotFound("GET", `/api/v1/telemetry/stream?device=${B.only.device}`),
  "GET /api/v1/telemetry/rejected": async () => {
    const msgIds = (await expectOk(api("GET", "/api/v1/telemetry/rejected", { token: A.ownerToken }))).items.map((r: { msgId: string }) => r.msgId);
    expect(msgIds).toContain(A.telemetry.rejectedMsgId);
    expect(msgIds).not.toContain(B.telemetry.rejectedMsgId);
  },
  "GET /api/v1/status": async () => {
    // A's status counts A's own dead letters and rejections (B has one of each too).
    const status = await expectOk(api("GET", "/api/v1/status", { token: A.ownerToken }));
    const letters = await expectOk(api("GET", "/api/v1/telemetry/dead-letters?status=dead", { token: A.ownerToken }));
    const rejected = await expectOk(api("GET", "/api/v1/telemetry/rejected", { token: A.ownerToken }));
    expect(status.deadLetters.count).toBe(letters.items.length);
    expect(status.rejectedLastHour).toBe(rejected.items.length);
    expect(status.hub.reachable).toBe(true);
  },
  "GET /api/v1/telemetry/trace/:traceId": async () => {
    // Each tenant's rejected message is traced under its message id, in its own hot store only.
    expect((await expectOk(api("GET", `/api/v1/telemetry/trace/${A.telemetry.rejectedMsgId}`, { token: A.ownerToken }))).outcome).toBe("rejected");
    await expectNotFound("GET", `/api/v1/telemetry/trace/${B.telemetry.rejectedMsgId}`);
  },
  "GET /api/v1/telemetry/dead-letters": async () => {
    const all = ids(await expectOk(api("GET", "/api/v1/telemetry/dead-letters", { token: A.ownerToken })));
    expect(all).toContain(A.telemetry.deadLetterId);
    expect(all).not.toContain(B.telemetry.deadLetterId);
  },
  "POST /api/v1/telemetry/dead-letters/:id/redrive": () => expectNotFound("POST", `/api/v1/telemetry/dead-letters/${B.telemetry.deadLetterId}/redrive`),
  "DELETE /api/v1/telemetry/dead-letters/:id": () => expectNotFound("DELETE", `/api/v1/telemetry/dead-letters/${B.telemetry.deadLetterId}`),
  "GET /api/v1/usage": async () => {
    const usage = await expectOk(api("GET", "/api/v1/usage", { token: A.ownerToken }));
    expect(usage.tenant).toBe(A.tenantId);
    expect(usage.dataPointsStored).toBe(1);
  },
  "GET /api/v1/telemetry/latest": async () => {
    // B's device is simply absent; A's dev-1 carries A's value, never B's.
    const r = await expectOk(api("GET", `/api/v1/telemetry/latest?device=dev-1,${B.only.device}`, { token: A.ownerToken }));
    expect(r.items.map((i: { device: string }) => i.device)).toEqual(["dev-1"]);
    expect(r.items[0].values.temp.value).toBe(A.telemetry.telemetryValue);
    expect((await expectOk(api("GET", `/api/v1/telemetry/latest?device=${B.only.device}`, { token: A.ownerToken }))).items).toEqual([]);
  },
  "GET /api/v1/fleet/summary": async () => {
    // The tenants have look-alike fleets: any of B's rows would show as a count above A's own.
    const s = await expectOk(api("GET", "/api/v1/fleet/summary", { token: A.ownerToken }));
    const mine = await expectOk(api("GET", "/api/v1/devices?limit=200", { token: A.ownerToken }));
    expect(s.devices.total).toBe(mine.items.length);
    expect(s.devices.byType.gateway).toBe(mine.items.filter((d: { type: string }) => d.type === "gateway").length);
    const rejected = await expectOk(api("GET", "/api/v1/telemetry/rejected", { token: A.ownerToken }));
    expect(s.rejectedLastHour).toBe(rejected.items.length);
  },
  "GET /api/v1/devices/:id/telemetry/latest": async () => {
    await expectNotFound("GET", `/api/v1/devices/${B.only.device}/telemetry/latest`);
    expect((await expectOk(api("GET", "/api/v1/devices/dev-1/telemetry/latest", { token: A.ownerToken }))).values.temp.value).toBe(A.telemetry.telemetryValue);
  },
  "GET /api/v1/devices/:id/attributes": () => expectNotFound("GET", `/api/v1/devices/${B.only.device}/attributes`),
  "PUT /api/v1/devices/:id/attributes/desired": () => expectNotFound("PUT", `/api/v1/devices/${B.only.device}/attributes/desired`, { mode: "pwned" }),
  "PATCH /api/v1/devices/:id/attributes/desired": () => expectNotFound("PATCH", `/api/v1/devices/${B.only.device}/attributes/desired`, { mode: "pwned" }),

  // Commands live in each tenant's own hub: B's device ids are unknown to A, and A's dev-1 is not B's dev-1.
  "POST /api/v1/devices/:id/commands": async () => {
    await expectNotFound("POST", `/api/v1/devices/${B.only.device}/commands`, { method: "pwned" });
    const mine = await expectOk(api("POST", "/api/v1/devices/dev-1/commands", { token: A.ownerToken, body: { method: "a-only" } }), 201);
    expect(ids(await expectOk(api("GET", "/api/v1/devices/dev-1/commands", { token: B.ownerToken })))).not.toContain(mine.id);
  },
  "GET /api/v1/devices/:id/commands": async () => {
    await expectNotFound("GET", `/api/v1/devices/${B.only.device}/commands`);
    expect(ids(await expectOk(api("GET", "/api/v1/devices/dev-1/commands", { token: A.ownerToken })))).not.toContain((await bCommands()).dev1);
  },
  "GET /api/v1/devices/:id/commands/:commandId": async () => {
    await expectNotFound("GET", `/api/v1/devices/${B.only.device}/commands/${(await bCommands()).only}`);
    await expectNotFound("GET", `/api/v1/devices/dev-1/commands/${(await bCommands()).dev1}`);
  },
  "POST /api/v1/devices/:id/commands/:commandId/cancel": async () => {
    await expectNotFound("POST", `/api/v1/devices/${B.only.device}/commands/${(await bCommands()).only}/cancel`);
    await expectNotFound("POST", `/api/v1/devices/dev-1/commands/${(await bCommands()).dev1}/cancel`);
  },
  "GET /api/v1/fleet/health": async () => {
    // Look-alike fleets: any of B's devices would show as a count above A's own.
    const h = await expectOk(api("GET", "/api/v1/fleet/health", { token: A.ownerToken }));
    const mine = await expectOk(api("GET", "/api/v1/devices?limit=200", { token: A.ownerToken }));
    expect(h.counts.total + h.disabled).toBe(mine.items.length);
    const ids = new Set(mine.items.map((d: { id: string }) => d.id));
    for (const d of h.worst) expect(ids.has(d.id)).toBe(true);
    // A filter on B's tag or profile finds nothing of B's.
    for (const q of [`tag=${B.only.device}`, `profile=${B.only.profile}`]) expect((await expectOk(api("GET", `/api/v1/fleet/health?${q}`, { token: A.ownerToken }))).counts.total).toBe(0);
  },
  "GET /api/v1/devices/:id/health": async () => {
    await expectNotFound("GET", `/api/v1/devices/${B.only.device}/health`);
    // Same id in both tenants: B's dev-1 connected and left; A's never connected.
    const b = await expectOk(api("GET", "/api/v1/devices/dev-1/health", { token: B.ownerToken }));
    expect([b.state, b.connectionSeq]).toEqual(["offline", 1]);
    expect(await expectOk(api("GET", "/api/v1/devices/dev-1/health", { token: A.ownerToken }))).toMatchObject({ deviceId: "dev-1", state: "never_seen", connectionSeq: 0, connectedAt: null });
  },
  "GET /api/v1/devices/:id/connectivity": async () => {
    await expectNotFound("GET", `/api/v1/devices/${B.only.device}/connectivity`);
    const b = await expectOk(api("GET", "/api/v1/devices/dev-1/connectivity", { token: B.ownerToken }));
    expect(b.items.map((e: { type: string }) => e.type)).toEqual(["health_changed", "disconnected", "health_changed", "connected"]);
    expect((await expectOk(api("GET", "/api/v1/devices/dev-1/connectivity", { token: A.ownerToken }))).items).toEqual([]);
  },
  "GET /api/v1/firmware": async () => {
    const ids = (await expectOk(api("GET", "/api/v1/firmware", { token: A.ownerToken }))).items.map((f: { id: string }) => f.id);
    expect(ids).not.toContain("fw-b-only");
  },
  "GET /api/v1/firmware/storage": async () => {
    const mine = (await expectOk(api("GET", "/api/v1/firmware?limit=200", { token: A.ownerToken }))).items.reduce((n: number, f: { size: number | null }) => n + (f.size ?? 0), 0);
    expect((await expectOk(api("GET", "/api/v1/firmware/storage", { token: A.ownerToken }))).storedBytes).toBe(mine);
  },
  "POST /api/v1/firmware": async () => {
    // The same id and version as B's: A's own artifact, under A's own prefix.
    await expectOk(api("POST", "/api/v1/firmware", { token: A.ownerToken, body: { id: "fw-shared", title: "A's", version: "2.0.0" } }), 201);
    const res = await exports.default.fetch("http://localhost/api/v1/firmware/fw-shared/artifact", { method: "PUT", headers: { authorization: `Bearer ${A.ownerToken}` }, body: new Uint8Array([65]) });
    expect(res.status).toBe(200);
    expect((await env.FIRMWARE.head(`tenants/${A.tenantId}/firmware/fw-shared`))!.size).toBe(1);
  },
  "GET /api/v1/firmware/:id": () => expectNotFound("GET", "/api/v1/firmware/fw-b-only"),
  "GET /api/v1/firmware/signing": async () => {
    // B registered a key; A has none.
    expect(await expectOk(api("GET", "/api/v1/firmware/signing", { token: A.ownerToken }))).toEqual({ publicKey: null, requireSigned: false });
  },
  "PUT /api/v1/firmware/signing": async () => {
    // A's own settings; B's key and policy stay (the snapshot compares B's).
    await expectOk(api("PUT", "/api/v1/firmware/signing", { token: A.ownerToken, body: { publicKey: null, requireSigned: true } }));
    await expectOk(api("PUT", "/api/v1/firmware/signing", { token: A.ownerToken, body: { publicKey: null, requireSigned: false } }));
  },
  "POST /api/v1/firmware/:id/download-urls": async () => {
    await expectNotFound("POST", "/api/v1/firmware/fw-b-only/download-urls", { deviceId: "dev-1" });
    // A's link to A's fw-shared never serves B's bytes of the same id; on B's host it is not served at all.
    const { url } = await expectOk(api("POST", "/api/v1/firmware/fw-shared/download-urls", { token: A.ownerToken, body: { deviceId: "dev-1" } }), 201);
    const mine = await exports.default.fetch(`http://localhost${url}`);
    expect([...new Uint8Array(await mine.arrayBuffer())]).toEqual([65]);
    expect((await exports.default.fetch(`http://${B.tenantId}.localhost${url}`)).status).toBe(404);
  },
  "GET /api/v1/ota/download/:token": async () => {
    // A token is the credential: one made for B is B's alone, and a forged tenant in it breaks the signature.
    const { url } = await expectOk(api("POST", "/api/v1/firmware/fw-b-only/download-urls", { token: B.ownerToken, body: { deviceId: "dev-1" } }), 201);
    expect((await exports.default.fetch(`http://${A.tenantId}.localhost${url}`)).status).toBe(404);
    const [h, p, sig] = url.split("/").pop()!.split(".");
    const claims = JSON.parse(atob(p!.replace(/-/g, "+").replace(/_/g, "/")));
    const forged = btoa(JSON.stringify({ ...claims, tid: A.tenantId, fw: "fw-shared" }))
      .replace(/=+$/, "")
      .replace(/\+/g, "-")
      .replace(/\//g, "_");
    expect((await exports.default.fetch(`http://localhost/api/v1/ota/download/${h}.${forged}.${sig}`)).status).toBe(404);
  },
  "PUT /api/v1/firmware/:id/artifact": async () => {
    const res = await exports.default.fetch("http://localhost/api/v1/firmware/fw-b-only/artifact", { method: "PUT", headers: { authorization: `Bearer ${A.ownerToken}` }, body: new Uint8Array([65, 65]) });
    expect(res.status).toBe(404);
  },
  "POST /api/v1/firmware/:id/deprecate": () => expectNotFound("POST", "/api/v1/firmware/fw-b-only/deprecate"),
  "DELETE /api/v1/firmware/:id": () => expectNotFound("DELETE", "/api/v1/firmware/fw-b-only"),

  // Rollouts: B's is invisible and untouchable; A cannot install B's firmware or reach B's devices.
  "GET /api/v1/rollouts": async () => {
    expect((await expectOk(api("GET", "/api/v1/rollouts?limit=200", { token: A.ownerToken }))).items.map((r: { id: string }) => r.id)).not.toContain("ro-b-only");
  },
  "POST /api/v1/rollouts": async () => {
    const strategy = { kind: "phases", phases: [{ percent: 100, waitMinutes: 0 }] };
    await expectNotFound("POST", "/api/v1/rollouts", { firmwareId: "fw-b-only", target: { all: true }, strategy });
    await expectOk(api("POST", "/api/v1/firmware", { token: A.ownerToken, body: { id: "fw-a-rollout", title: "A's", version: "9.0.0" } }), 201);
    const res = await exports.default.fetch("http://localhost/api/v1/firmware/fw-a-rollout/artifact", { method: "PUT", headers: { authorization: `Bearer ${A.ownerToken}` }, body: new Uint8Array([65]) });
    expect(res.status).toBe(200);
    const foreign = await api("POST", "/api/v1/rollouts", { token: A.ownerToken, body: { firmwareId: "fw-a-rollout", target: { devices: ["dev-1", B.only.device] }, strategy } });
    expect([foreign.status, foreign.body.detail]).toEqual([400, expect.stringContaining(B.only.device)]);
    // By tag, only A's devices are ever targeted (both tenants tag devices `shared-tag`).
    const byTag = await expectOk(api("POST", "/api/v1/rollouts", { token: A.ownerToken, body: { id: "ro-a", firmwareId: "fw-a-rollout", target: { tags: ["shared-tag"] }, strategy } }), 201);
    const targeted = (await expectOk(api("GET", "/api/v1/rollouts/ro-a/devices", { token: A.ownerToken }))).items.map((e: { deviceId: string }) => e.deviceId);
    expect(targeted.sort()).toEqual(["dev-1", A.only.device].sort());
    expect(byTag.rollout.devices).toBe(2);
    await expectOk(api("POST", "/api/v1/rollouts/ro-a/cancel", { token: A.ownerToken }));
  },
  "GET /api/v1/rollouts/:id": () => expectNotFound("GET", "/api/v1/rollouts/ro-b-only"),
  "GET /api/v1/rollouts/:id/devices": () => expectNotFound("GET", "/api/v1/rollouts/ro-b-only/devices"),
  "POST /api/v1/rollouts/:id/pause": () => expectNotFound("POST", "/api/v1/rollouts/ro-b-only/pause"),
  "POST /api/v1/rollouts/:id/resume": () => expectNotFound("POST", "/api/v1/rollouts/ro-b-only/resume", { acknowledgeFailures: true }),
  "POST /api/v1/rollouts/:id/cancel": () => expectNotFound("POST", "/api/v1/rollouts/ro-b-only/cancel"),
  "POST /api/v1/rollouts/:id/rollback": () => expectNotFound("POST", "/api/v1/rollouts/ro-b-only/rollback", {}),
  "GET /api/v1/devices/:id/command-settings": () => expectNotFound("GET", `/api/v1/devices/${B.only.device}/command-settings`),
  "PUT /api/v1/devices/:id/command-settings": async () => {
    await expectNotFound("PUT", `/api/v1/devices/${B.only.device}/command-settings`, { maxInFlight: 5 });
    // A's dev-1 setting is A's alone (B's dev-1 stays at the default: the snapshot).
    expect(await expectOk(api("PUT", "/api/v1/devices/dev-1/command-settings", { token: A.ownerToken, body: { maxInFlight: 3 } }))).toEqual({ maxInFlight: 3 });
  },
  "POST /api/v1/commands": async () => {
    const byList = await expectOk(api("POST", "/api/v1/commands", { token: A.ownerToken, body: { method: "a-fleet", devices: ["dev-1", B.only.device] } }));
    expect(byList.commands.map((c: { deviceId: string }) => c.deviceId)).toEqual(["dev-1"]);
    expect(byList.rejected).toEqual([{ deviceId: B.only.device, code: "not_found", detail: "no such device" }]);
    // Both tenants tag devices `shared-tag`: only A's are reached.
    const byTag = await expectOk(api("POST", "/api/v1/commands", { token: A.ownerToken, body: { method: "a-fleet", tag: "shared-tag" } }));
    expect(byTag.commands.map((c: { deviceId: string }) => c.deviceId).sort()).toEqual(["dev-1", A.only.device].sort());
  },

  // Dashboards: both tenants have the starter `overview`; B also has one of its own.
  "GET /api/v1/dashboards": async () => {
    const mine = ids(await expectOk(api("GET", "/api/v1/dashboards?limit=200", { token: A.ownerToken })));
    expect(mine).toContain("overview");
    expect(mine).not.toContain((await bDashboard()).id);
  },
  "POST /api/v1/dashboards": async () => {
    const created = await expectOk(api("POST", "/api/v1/dashboards", { token: A.ownerToken, body: { name: "A's" } }), 201);
    expect((await api("GET", `/api/v1/dashboards/${created.id}`, { token: B.ownerToken })).status).toBe(404);
  },
  "POST /api/v1/dashboards/import": async () => {
    const imported = await expectOk(api("POST", "/api/v1/dashboards/import", { token: A.ownerToken, body: { schemaVersion: 1, name: "A's import" } }), 201);
    expect((await api("GET", `/api/v1/dashboards/${imported.id}`, { token: B.ownerToken })).status).toBe(404);
  },
  "GET /api/v1/dashboards/:id": async () => expectNotFound("GET", `/api/v1/dashboards/${(await bDashboard()).id}`),
  "GET /api/v1/dashboards/:id/export": async () => expectNotFound("GET", `/api/v1/dashboards/${(await bDashboard()).id}/export`),
  "PUT /api/v1/dashboards/:id": async () => {
    // With the version B's dashboard has, and with *: never 412 (which would tell it exists), always 404.
    for (const ifMatch of ['"1"', "*"]) {
      const r = await api("PUT", `/api/v1/dashboards/${(await bDashboard()).id}`, { token: A.ownerToken, body: { name: "pwned" }, headers: { "if-match": ifMatch } });
      expect([r.status, r.body.code]).toEqual([404, "not_found"]);
    }
  },
  "DELETE /api/v1/dashboards/:id": async () => {
    await expectNotFound("DELETE", `/api/v1/dashboards/${(await bDashboard()).id}`);
    const r = await api("DELETE", `/api/v1/dashboards/${(await bDashboard()).id}`, { token: A.ownerToken, headers: { "if-match": '"2"' } });
    expect([r.status, r.body.code]).toEqual([404, "not_found"]);
  },

  // Alarms: B's rule, alarm and webhook exist nowhere for A; A's rule on its own dev-1 never saw B's reading.
  "POST /api/v1/alarm-rules": async () => {
    const { aRuleId } = await bAlarms();
    expect((await expectOk(api("GET", "/api/v1/alarms", { token: A.ownerToken }))).items.filter((a: { ruleId: string }) => a.ruleId === aRuleId)).toEqual([]);
    const mine = await expectOk(api("POST", "/api/v1/alarm-rules", { token: A.ownerToken, body: { name: "A's", scope: { kind: "tag", tag: "shared-tag" }, condition: { type: "changed", metric: "temp" } } }), 201);
    expect((await api("GET", `/api/v1/alarm-rules/${mine.id}`, { token: B.ownerToken })).status).toBe(404);
  },
  "GET /api/v1/alarm-rules": async () => expect(ids(await expectOk(api("GET", "/api/v1/alarm-rules?limit=200", { token: A.ownerToken })))).not.toContain((await bAlarms()).ruleId),
  "GET /api/v1/alarm-rules/:id": async () => expectNotFound("GET", `/api/v1/alarm-rules/${(await bAlarms()).ruleId}`),
  "PATCH /api/v1/alarm-rules/:id": async () => expectNotFound("PATCH", `/api/v1/alarm-rules/${(await bAlarms()).ruleId}`, { name: "pwned" }),
  "DELETE /api/v1/alarm-rules/:id": async () => expectNotFound("DELETE", `/api/v1/alarm-rules/${(await bAlarms()).ruleId}`),
  "GET /api/v1/alarms": async () => {
    const { alarmId } = await bAlarms();
    for (const q of ["", "?device=dev-1", "?status=active", "?severity=minor"]) expect(ids(await expectOk(api("GET", `/api/v1/alarms${q}`, { token: A.ownerToken })))).not.toContain(alarmId);
  },
  "GET /api/v1/alarms/counts": async () => {
    const active = (await expectOk(api("GET", "/api/v1/alarms?status=active&limit=200", { token: A.ownerToken }))).items.length;
    expect((await expectOk(api("GET", "/api/v1/alarms/counts", { token: A.ownerToken }))).active).toBe(active);
  },
  "GET /api/v1/alarms/:id": async () => expectNotFound("GET", `/api/v1/alarms/${(await bAlarms()).alarmId}`),
  "POST /api/v1/alarms/:id/acknowledge": async () => expectNotFound("POST", `/api/v1/alarms/${(await bAlarms()).alarmId}/acknowledge`),
  "POST /api/v1/alarms/:id/clear": async () => expectNotFound("POST", `/api/v1/alarms/${(await bAlarms()).alarmId}/clear`),
  "POST /api/v1/alarm-webhooks": async () => {
    const mine = await expectOk(api("POST", "/api/v1/alarm-webhooks", { token: A.ownerToken, body: { name: "A's", url: "https://hooks.test/a", minSeverity: "critical" } }), 201);
    expect((await api("GET", `/api/v1/alarm-webhooks/${mine.target.id}`, { token: B.ownerToken })).status).toBe(404);
  },
  "GET /api/v1/alarm-webhooks": async () => expect(ids(await expectOk(api("GET", "/api/v1/alarm-webhooks", { token: A.ownerToken })))).not.toContain((await bAlarms()).webhookId),
  "GET /api/v1/alarm-webhooks/:id": async () => expectNotFound("GET", `/api/v1/alarm-webhooks/${(await bAlarms()).webhookId}`),
  "PATCH /api/v1/alarm-webhooks/:id": async () => expectNotFound("PATCH", `/api/v1/alarm-webhooks/${(await bAlarms()).webhookId}`, { url: "https://evil.example/steal" }),
  "DELETE /api/v1/alarm-webhooks/:id": async () => expectNotFound("DELETE", `/api/v1/alarm-webhooks/${(await bAlarms()).webhookId}`),
  "GET /api/v1/alarm-webhooks/:id/deliveries": async () => expectNotFound("GET", `/api/v1/alarm-webhooks/${(await bAlarms()).webhookId}/deliveries`),

  // Control plane: custom domains, exports, branding, offboarding.
  "POST /api/v1/domains": async () => {
    // A pending hostname is no one's yet: A may register B's too, but only DNS proof activates it, and B's row is untouched.
    const mine = await expectOk(api("POST", "/api/v1/domains", { token: A.ownerToken, body: { hostname: B.domain } }), 201);
    const theirs = await expectOk(api("GET", `/api/v1/domains/${B.domain}`, { token: B.ownerToken }));
    const challenge = (d: { dnsRecords: { purpose: string; value: string }[] }) => d.dnsRecords.find((r) => r.purpose === "ownership")!.value;
    expect(challenge(mine)).not.toBe(challenge(theirs));
    await expectOk(api("DELETE", `/api/v1/domains/${B.domain}`, { token: A.ownerToken }), 204);
  },
  "GET /api/v1/domains": async () => {
    const hostnames = (await expectOk(api("GET", "/api/v1/domains", { token: A.ownerToken }))).items.map((d: { hostname: string }) => d.hostname);
    expect(hostnames).toContain(A.domain);
    expect(hostnames).not.toContain(B.domain);
  },
  "GET /api/v1/domains/:hostname": () => expectNotFound("GET", `/api/v1/domains/${B.domain}`),
  "POST /api/v1/domains/:hostname/verify": () => expectNotFound("POST", `/api/v1/domains/${B.domain}/verify`),
  "DELETE /api/v1/domains/:hostname": () => expectNotFound("DELETE", `/api/v1/domains/${B.domain}`),
  "GET /api/v1/exports": async () => expect((await expectOk(api("GET", "/api/v1/exports", { token: A.ownerToken }))).items).toEqual([]),
  "GET /api/v1/exports/:exportId/manifest": () => expectNotFound("GET", "/api/v1/exports/exp-abc123/manifest"),
  "GET /api/v1/exports/:exportId/files/:name": () => expectNotFound("GET", "/api/v1/exports/exp-abc123/files/registry.devices.0001.ndjson"),
  "GET /api/v1/branding": async () => {
    // Public: each tenant host shows its own tenant's name, never another's; the platform host has none.
    expect((await expectOk(api("GET", "/api/v1/branding", { host: `${A.tenantId}.localhost` }))).tenant.id).toBe(A.tenantId);
    expect((await api("GET", "/api/v1/branding", { token: A.ownerToken, host: `${B.tenantId}.localhost` })).body.tenant.id).toBe(B.tenantId);
    expect((await api("GET", "/api/v1/branding", { token: A.ownerToken })).status).toBe(404);
  },
  "POST /api/v1/tenant/offboard": async () => {
    // A tenant can only offboard itself: naming B is refused, and B stays active (the snapshot checks the rest).
    const r = await api("POST", "/api/v1/tenant/offboard", { token: A.ownerToken, body: { confirm: B.tenantId } });
    expect(r.status).toBe(400);
    expect((await expectOk(api("GET", "/api/v1/tenant", { token: B.ownerToken }))).tenant.status).toBe("active");
  },
};

/** Routes that are not tenant data: the operator's (own credential), public documents, and the dev mail outbox (absent in deployments: test/runtime/mail.test.ts). */
const NOT_TENANT_SCOPED = [/^\/api\/v1\/admin\//, /^\/api\/v1\/openapi\.json$/, /^\/api\/v1\/docs$/, /^\/api\/v1\/dev\/outbox$/];

describe("tenant isolation", () => {
  beforeAll(async () => {
    [A, B] = [await richTenant("iso-a", 1), await richTenant("iso-b", 1000)];
  });

  it("has an isolation case for every API route", () => {
    const routes = describeRoutes(app)
      .filter((r) => r.path.startsWith("/api/v1/") && !NOT_TENANT_SCOPED.some((re) => re.test(r.path)))
      .map((r) => `${r.method} ${r.path}`);
    expect(routes.length).toBeGreaterThan(30);
    expect(routes.filter((r) => !cases[r])).toEqual([]);
    expect(Object.keys(cases).filter((c) => !routes.includes(c))).toEqual([]);
  });

  it("A's credentials never reach B's data, and B's data is unchanged", async () => {
    const before = await snapshotB();
    for (const [route, run] of Object.entries(cases)) {
      try {
        await run();
      } catch (err) {
        throw new Error(`isolation case ${route}: ${(err as Error).message}`);
      }
    }
    expect(await snapshotB()).toEqual(before);
  }, 30_000);

  it("refuses A's credentials on B's host and audits the attempt", async () => {
    for (const token of [A.ownerToken, A.apiKey]) {
      const r = await api("GET", "/api/v1/tenant", { token, host: `${B.tenantId}.localhost` });
      expect(r.status).toBe(403);
      expect(r.body.code).toBe("forbidden");
    }
    const audit = await expectOk(api("GET", "/api/v1/audit?action=auth.cross_tenant", { token: A.ownerToken }));
    expect(audit.items.length).toBeGreaterThanOrEqual(2);
    expect(audit.items[0].details.host).toBe(B.tenantId);
    expect(audit.items[0].outcome).toBe("denied");
  });

  it("serves a tenant host only to its own tenant", async () => {
    expect((await expectOk(api("GET", "/api/v1/tenant", { token: A.ownerToken, host: `${A.tenantId}.localhost` }))).tenant.id).toBe(A.tenantId);
    expect((await api("GET", "/api/v1/tenant", { token: A.ownerToken, host: "nobody-here.localhost" })).status).toBe(404);
    expect((await api("GET", "/api/v1/tenant", { token: A.ownerToken, host: "evil.example.com" })).status).toBe(404);
  });

  it("rejects a token whose tenant claim was altered", async () => {
    const [h, p, s] = A.ownerToken.split(".");
    const claims = JSON.parse(atob(p!.replaceAll("-", "+").replaceAll("_", "/")));
    const forged = btoa(JSON.stringify({ ...claims, tid: B.tenantId }))
      .replaceAll("=", "")
      .replaceAll("+", "-")
      .replaceAll("/", "_");
    const r = await api("GET", "/api/v1/tenant", { token: `${h}.${forged}.${s}` });
    expect(r.status).toBe(401);
    expect(r.body.code).toBe("invalid_credentials");
  });
});
