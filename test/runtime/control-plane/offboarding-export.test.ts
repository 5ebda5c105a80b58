/**
 * The offboarding export as the owner downloads it: the manifest is the stored file byte for byte
 * (its hash is the one the deletion certificate signs); every hub table the manifest counts is in
 * the files row for row; telemetry of devices deleted earlier is exported too.
 */
import { introspectWorkflowInstance, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../../domain/lifecycle/manifest";
import { offboardingInstanceId } from "../../../domain/lifecycle/params";
import { api, createDevice, expectOk, OPERATOR_TOKEN, signup } from "../helpers";
import { bytes, connect } from "../hub/mqtt-client";
import { alarmsOf, createRule, send, until } from "../alarms/helpers";
import { deviceTelemetry, runBatch } from "../telemetry/helpers";
import { untilStatus } from "./helpers";

async function ownerDownload(token: string, path: string) {
  const res = await exports.default.fetch(`http://localhost/api/v1/exports/${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status, path).toBe(200);
  return { bytes: new Uint8Array(await res.arrayBuffer()), sha256Header: res.headers.get("x-sha256"), contentType: res.headers.get("content-type") };
}

async function endRun(tenantId: string) {
  const run = await env.TENANT_LIFECYCLE.get(offboardingInstanceId(tenantId));
  await run.terminate();
  await untilStatus(run, "terminated");
}

describe("offboarding export", () => {
  it("counts every table of the telemetry hot store, so offboarding verifies all of them", async () => {
    const t = await signup();
    const store = env.TELEMETRY_STORE.getByName(t.tenantId);
    const counted = Object.keys(await store.counts(t.tenantId)).sort();
    const tables = await runInDurableObject(store, (_instance, state) =>
      state.storage.sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'meta'")
        .toArray()
        .map((r) => r.name)
        .sort(),
    );
    expect(counted).toEqual(tables);
  });

  it("serves the manifest as stored: sha256(download) is the hash the certificate signs", async () => {
    const t = await signup();
    await using instance = await introspectWorkflowInstance(env.TENANT_LIFECYCLE, offboardingInstanceId(t.tenantId));
    await expectOk(api("POST", `/api/v1/admin/tenants/${t.tenantId}/offboard`, { token: OPERATOR_TOKEN, body: { confirm: t.tenantId, downloadWindowHours: 24 } }), 202);
    const written = (await instance.waitForStepResult({ name: "write manifest" })) as { sha256: string };
    const { items } = await expectOk(api("GET", "/api/v1/exports", { token: t.ownerToken }));

    const manifest = await ownerDownload(t.ownerToken, `${items[0].id}/manifest`);
    expect(await sha256Hex(manifest.bytes)).toBe(written.sha256);
    expect(manifest.sha256Header).toBe(written.sha256);
    expect(manifest.contentType).toBe("application/json");
    expect(JSON.parse(new TextDecoder().decode(manifest.bytes))).toMatchObject({ format: "skylark-export/1", exportId: items[0].id, tenant: { id: t.tenantId } });
    await endRun(t.tenantId);
  });

  it("holds every hub table the manifest counts, and the telemetry of a device deleted before", async () => {
    const t = await signup();
    const dev = await createDevice(t.ownerToken, { id: "sleeper" });
    const c = await connect(t.tenantId, {
      clientId: "sleeper",
      username: "sleeper",
      password: dev.credentials.password,
      cleanStart: false,
      properties: { sessionExpiryInterval: 3600 },
      will: { topic: `t/${t.tenantId}/devices/sleeper/events`, payload: bytes("gone"), qos: 1, retain: false, properties: { willDelayInterval: 600 } },
    });
    c.send({ type: "subscribe", packetId: 1, subscriptions: [{ topicFilter: `t/${t.tenantId}/devices/sleeper/attributes/set`, qos: 1, noLocal: false, retainAsPublished: false, retainHandling: 0 }] });
    await c.next("suback");
    c.close();
    await c.waitClosed();
    // Waiting for it while offline: its desired attributes (queued to its session) and a command.
    await expectOk(api("PUT", "/api/v1/devices/sleeper/attributes/desired", { token: t.ownerToken, body: { rate: 5 } }));
    await expectOk(api("POST", "/api/v1/devices/sleeper/commands", { token: t.ownerToken, body: { method: "reboot", expiresInSeconds: 3600 } }), 201);
    // A device with readings, deleted before the tenant is.
    await createDevice(t.ownerToken, { id: "gone-1" });
    await runBatch([deviceTelemetry(t.tenantId, "gone-1", { ts: Date.now() - 5_000, values: { temp: 21.5 } })]);
    expect((await api("DELETE", "/api/v1/devices/gone-1", { token: t.ownerToken })).status).toBe(204);
    // An alarm raised on a device: the alarm and its history are the tenant's too.
    await createDevice(t.ownerToken, { id: "hot-1" });
    await createRule(t, { name: "hot", scope: { kind: "device", deviceId: "hot-1" }, condition: { type: "above", metric: "temp", value: 50 } });
    await send(t, "hot-1", "temp", [60]);
    const [raised] = await until(
      async () => {
        const list = await alarmsOf(t);
        return list.length ? list : null;
      },
      10_000,
      "the alarm",
    );

    await using instance = await introspectWorkflowInstance(env.TENANT_LIFECYCLE, offboardingInstanceId(t.tenantId));
    await expectOk(api("POST", `/api/v1/admin/tenants/${t.tenantId}/offboard`, { token: OPERATOR_TOKEN, body: { confirm: t.tenantId, downloadWindowHours: 24 } }), 202);
    await instance.waitForStepResult({ name: "write manifest" });
    const { items } = await expectOk(api("GET", "/api/v1/exports", { token: t.ownerToken }));
    const manifest = JSON.parse(new TextDecoder().decode((await ownerDownload(t.ownerToken, `${items[0].id}/manifest`)).bytes));
    type File = { name: string; store: string; table: string; rows: number };
    const files = manifest.files as File[];
    const rowsOf = async (store: string, table: string) => {
      const lines: Record<string, unknown>[] = [];
      for (const f of files.filter((f) => f.store === store && f.table === table))
        lines.push(
          ...new TextDecoder()
            .decode((await ownerDownload(t.ownerToken, `${items[0].id}/files/${f.name}`)).bytes)
            .split("\n")
            .filter(Boolean)
            .map((l) => JSON.parse(l)),
        );
      return lines;
    };

    expect(manifest.counts.hub).toMatchObject({ sessions: 1, subscriptions: 1, wills: 1, commands: 1 });
    expect(manifest.counts.hub.messages).toBeGreaterThanOrEqual(1);
    for (const [table, n] of Object.entries(manifest.counts.hub as Record<string, number>)) expect((await rowsOf("hub", table)).length, `hub.${table}`).toBe(n);
    expect((await rowsOf("hub", "sessions"))[0]).toMatchObject({ client_id: "sleeper", expiry_interval: 3600 });
    expect((await rowsOf("hub", "wills"))[0]).toMatchObject({ client_id: "sleeper", payloadBase64: btoa("gone") });
    expect(manifest.notes.join(" ")).toContain("meta");

    expect(manifest.counts.telemetry).toMatchObject({ alarms: 1, alarm_rules: 1 });
    expect(await rowsOf("telemetry", "alarms")).toEqual([expect.objectContaining({ id: raised!.id, deviceId: "hot-1", status: "active" })]);

    const points = await rowsOf("telemetry", "points");
    expect(points.length).toBe(manifest.counts.telemetry.points);
    expect(points).toContainEqual(expect.objectContaining({ device: "gone-1", metric: "temp", value: 21.5 }));
    await endRun(t.tenantId);
  });
});
