/**
 * The command API: idempotency, cancel, the plan's per-device bound (429), bad input naming the
 * field, the fleet form's summary, paging and filters, audit rows for who sent and who canceled,
 * live state changes on `…/cmd/{id}/state` (which a device cannot read), a PUBACK that refuses,
 * and the head-of-line release of a command that is never acknowledged.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, expectOk, memberWithRole, OPERATOR_TOKEN } from "../helpers";
import { connect, text } from "../hub/mqtt-client";
import { commandDevice, commandWorld, nextCommand, readCommand, sendCommand, statuses, waitForStatus, type CommandWorld } from "./helpers";

let w: CommandWorld;
const DEVICES = ["idem-dev", "cancel-dev", "full-dev", "live-dev", "refuse-dev", "hol-dev", "page-dev", "fleet-a", "fleet-b", "wide-dev", "doomed-dev"];
const hub = () => env.TENANT_HUB.getByName(w.tenantId);

beforeAll(async () => {
  w = await commandWorld(DEVICES);
  for (const id of ["fleet-a", "fleet-b"]) await expectOk(api("PATCH", `/api/v1/devices/${id}`, { token: w.ownerToken, body: { tags: ["valves"] } }));
});

describe("sending", () => {
  it("answers the first command for a repeated idempotency key (200, Idempotent-Replayed), and a new one for another key", async () => {
    const first = await sendCommand(w, "idem-dev", { method: "reboot", idempotencyKey: "k-1" });
    const again = await api("POST", "/api/v1/devices/idem-dev/commands", { token: w.ownerToken, body: { method: "reboot", idempotencyKey: "k-1" } });
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body.id).toBe(first.id);
    const other = await sendCommand(w, "idem-dev", { method: "reboot", idempotencyKey: "k-2" });
    expect(other.id).not.toBe(first.id);
    expect((await expectOk(api("GET", "/api/v1/devices/idem-dev/commands", { token: w.ownerToken }))).items).toHaveLength(2);
  });

  it("refuses bad input with the field named, and an unknown device with 404", async () => {
    const cases: [unknown, string][] = [
      [{}, "body.method"],
      [{ method: "x", expiresInSeconds: 60, expiresAt: Date.now() + 60_000 }, "body.expiresAt"],
      [{ method: "x", expiresAt: Date.now() - 1 }, "body.expiresAt"],
      [{ method: "x", expiresInSeconds: 0 }, "body.expiresInSeconds"],
      [{ method: "x", responseTimeoutSeconds: 99_999 }, "body.responseTimeoutSeconds"],
      [{ method: "x", params: { blob: "x".repeat(20_000) } }, "body.params"],
    ];
    for (const [body, path] of cases) {
      const r = await api("POST", "/api/v1/devices/idem-dev/commands", { token: w.ownerToken, body });
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    expect((await api("POST", "/api/v1/devices/no-such-dev/commands", { token: w.ownerToken, body: { method: "x" } })).status).toBe(404);
    expect((await api("GET", "/api/v1/devices/idem-dev/commands?status=lost", { token: w.ownerToken })).body.errors[0].path).toBe("query.status");
  });

  it("bounds a device's unfinished commands by the plan: 429 naming maxQueuedCommandsPerDevice, counted as a limit hit", async () => {
    await expectOk(api("PATCH", `/api/v1/admin/tenants/${w.tenantId}`, { token: OPERATOR_TOKEN, body: { limits: { apiRequestsPerMinute: 1_000_000, maxQueuedCommandsPerDevice: 2 } } }));
    const kept = [await sendCommand(w, "full-dev", { method: "a" }), await sendCommand(w, "full-dev", { method: "b" })];
    const over = await api("POST", "/api/v1/devices/full-dev/commands", { token: w.ownerToken, body: { method: "c" } });
    expect(over.status).toBe(429);
    expect(over.headers.get("content-type")).toContain("application/problem+json");
    expect(over.body).toMatchObject({ code: "rate_limited", limit: "maxQueuedCommandsPerDevice", max: 2 });
    // A finished command frees its place.
    await expectOk(api("POST", `/api/v1/devices/full-dev/commands/${kept[0]!.id}/cancel`, { token: w.ownerToken }));
    await sendCommand(w, "full-dev", { method: "c" });
    // The refusal shows in the month's usage as a hit of that limit (written by the hub within seconds).
    const deadline = Date.now() + 5_000;
    let hits: number | undefined;
    while ((hits = (await expectOk(api("GET", "/api/v1/usage", { token: w.ownerToken }))).limitHits.maxQueuedCommandsPerDevice) === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(hits).toBe(1);
    await expectOk(api("PATCH", `/api/v1/admin/tenants/${w.tenantId}`, { token: OPERATOR_TOKEN, body: { limits: { apiRequestsPerMinute: 1_000_000 } } }));
  });
});

describe("cancel", () => {
  it("cancels a queued command, which is then never sent; a finished one answers 409; both are audited with who", async () => {
    const member = await memberWithRole(w, "MEMBER");
    const queued = await expectOk(api("POST", "/api/v1/devices/cancel-dev/commands", { token: member.token, body: { method: "stop" } }), 201);
    const canceled = await expectOk(api("POST", `/api/v1/devices/cancel-dev/commands/${queued.id}/cancel`, { token: w.ownerToken }));
    expect(statuses(canceled)).toEqual(["queued", "canceled"]);
    const again = await api("POST", `/api/v1/devices/cancel-dev/commands/${queued.id}/cancel`, { token: w.ownerToken });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("conflict");
    const dev = await commandDevice(w, "cancel-dev");
    await dev.nothing("publish", 400);
    dev.close();
    const sent = await expectOk(api("GET", "/api/v1/audit?action=command.create", { token: w.ownerToken }));
    expect(sent.items.find((a: { details: { commandId: string } }) => a.details.commandId === queued.id)).toMatchObject({ actorId: member.userId, targetId: "cancel-dev" });
    const cancels = await expectOk(api("GET", "/api/v1/audit?action=command.cancel", { token: w.ownerToken }));
    expect(cancels.items.find((a: { details: { commandId: string } }) => a.details.commandId === queued.id)).toMatchObject({ actorId: w.ownerId });
  });
});

describe("live state and device answers", () => {
  it("publishes every state change on …/cmd/{id}/state to application clients; a device may not subscribe to it", async () => {
    const watcher = await connect(w.tenantId, { clientId: "state-watcher", username: "api", password: w.ownerToken });
    watcher.send({ type: "subscribe", packetId: 1, subscriptions: [{ topicFilter: `t/${w.tenantId}/devices/live-dev/cmd/+/state`, qos: 0, noLocal: false, retainAsPublished: false, retainHandling: 0 }] });
    await watcher.next("suback");
    const created = await sendCommand(w, "live-dev", { method: "beep", responseRequired: false });
    const dev = await commandDevice(w, "live-dev");
    const sneaky = { type: "subscribe" as const, packetId: 2, subscriptions: [{ topicFilter: `t/${w.tenantId}/devices/live-dev/cmd/+/state`, qos: 0 as const, noLocal: false, retainAsPublished: false, retainHandling: 0 as const }] };
    dev.send(sneaky);
    expect((await dev.next("suback")).reasonCodes).toEqual([0x87]);
    const { packet } = await nextCommand(dev);
    dev.send({ type: "puback", packetId: packet.packetId!, reasonCode: 0 });
    const seen: string[] = [];
    while (seen.at(-1) !== "delivered") {
      const p = await watcher.next("publish");
      expect(p.topic).toBe(`t/${w.tenantId}/devices/live-dev/cmd/${created.id}/state`);
      seen.push(JSON.parse(text(p.payload)).status);
    }
    expect(seen).toEqual(["queued", "sent", "delivered"]);
    dev.close();
    watcher.close();
  });

  it("fails a command the device refuses in its PUBACK (MQTT 5 reason ≥ 0x80), after recording its delivery", async () => {
    const dev = await commandDevice(w, "refuse-dev");
    const created = await sendCommand(w, "refuse-dev", { method: "self-destruct" });
    const { packet } = await nextCommand(dev);
    dev.send({ type: "puback", packetId: packet.packetId!, reasonCode: 0x87 });
    const failed = await waitForStatus(w, "refuse-dev", created.id, "failed");
    expect(statuses(failed)).toEqual(["queued", "sent", "delivered", "failed"]);
    expect(failed.error).toEqual({ code: "refused_by_device", reasonCode: 0x87 });
    dev.close();
  });

  it("lets the next command go when one is never acknowledged (head-of-line timeout), and the stuck one stays sent", async () => {
    const dev = await commandDevice(w, "hol-dev");
    const stuck = await sendCommand(w, "hol-dev", { method: "first", responseRequired: false });
    const behind = await sendCommand(w, "hol-dev", { method: "second", responseRequired: false });
    expect((await nextCommand(dev)).body.id).toBe(stuck.id);
    await dev.nothing("publish", 300);
    // Thirty seconds pass for the stuck command (its head-of-line deadline moved to now), then the alarm runs.
    await runInDurableObject(hub(), (_instance, state) => void state.storage.sql.exec("UPDATE commands SET hol_until = ?, deadline = ? WHERE id = ?", Date.now() - 1, Date.now() - 1, stuck.id));
    await runDurableObjectAlarm(hub());
    const { packet, body } = await nextCommand(dev);
    expect(body.id).toBe(behind.id);
    dev.send({ type: "puback", packetId: packet.packetId!, reasonCode: 0 });
    await waitForStatus(w, "hol-dev", behind.id, "delivered");
    expect((await readCommand(w, "hol-dev", stuck.id)).status).toBe("sent");
    dev.close();
  });
});

describe("reading and the fleet form", () => {
  it("lists newest first, filters by status and pages with the cursor", async () => {
    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push((await sendCommand(w, "page-dev", { method: `m${n}` })).id);
    await expectOk(api("POST", `/api/v1/devices/page-dev/commands/${ids[1]}/cancel`, { token: w.ownerToken }));
    const first = await expectOk(api("GET", "/api/v1/devices/page-dev/commands?limit=2", { token: w.ownerToken }));
    expect(first.items.map((c: { id: string }) => c.id)).toEqual([ids[2], ids[1]]);
    const rest = await expectOk(api("GET", `/api/v1/devices/page-dev/commands?limit=2&cursor=${first.nextCursor}`, { token: w.ownerToken }));
    expect(rest.items.map((c: { id: string }) => c.id)).toEqual([ids[0]]);
    expect(rest.nextCursor).toBeNull();
    const canceled = await expectOk(api("GET", "/api/v1/devices/page-dev/commands?status=canceled", { token: w.ownerToken }));
    expect(canceled.items.map((c: { id: string }) => c.id)).toEqual([ids[1]]);
    expect((await api("GET", "/api/v1/devices/page-dev/commands?cursor=abc", { token: w.ownerToken })).body.errors[0].path).toBe("query.cursor");
  });

  it("sends one command per device of a tag or a list, with a summary naming what was refused", async () => {
    const byTag = await expectOk(api("POST", "/api/v1/commands", { token: w.ownerToken, body: { method: "close", tag: "valves", idempotencyKey: "close-1" } }));
    expect(byTag.commands.map((c: { deviceId: string }) => c.deviceId).sort()).toEqual(["fleet-a", "fleet-b"]);
    expect(byTag.summary).toEqual({ requested: 2, queued: 2, replayed: 0, rejected: 0 });
    await expectOk(api("PATCH", "/api/v1/devices/fleet-b", { token: w.ownerToken, body: { disabled: true } }));
    const byList = await expectOk(api("POST", "/api/v1/commands", { token: w.ownerToken, body: { method: "close", devices: ["fleet-a", "fleet-b", "ghost"], idempotencyKey: "close-1" } }));
    expect(byList.summary).toEqual({ requested: 3, queued: 0, replayed: 1, rejected: 2 });
    expect(byList.commands[0].id).toBe(byTag.commands.find((c: { deviceId: string }) => c.deviceId === "fleet-a").id);
    expect(byList.rejected.map((r: { code: string }) => r.code).sort()).toEqual(["disabled", "not_found"]);
    const bad = await api("POST", "/api/v1/commands", { token: w.ownerToken, body: { method: "close" } });
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toContain("body.devices");
    const viewer = await memberWithRole(w, "VIEWER");
    expect((await api("POST", "/api/v1/commands", { token: viewer.token, body: { method: "close", tag: "valves" } })).status).toBe(403);
  });
});

describe("per-device settings and deletion", () => {
  it("lets a device have more commands in flight when its settings say so (default 1)", async () => {
    expect(await expectOk(api("GET", "/api/v1/devices/wide-dev/command-settings", { token: w.ownerToken }))).toEqual({ maxInFlight: 1 });
    const bad = await api("PUT", "/api/v1/devices/wide-dev/command-settings", { token: w.ownerToken, body: { maxInFlight: 0 } });
    expect(bad.body.errors[0].path).toBe("body.maxInFlight");
    const dev = await commandDevice(w, "wide-dev");
    const ids: string[] = [];
    for (const n of [1, 2, 3]) ids.push((await sendCommand(w, "wide-dev", { method: `w${n}`, responseRequired: false })).id);
    expect((await nextCommand(dev)).body.id).toBe(ids[0]);
    await dev.nothing("publish", 300);
    // Raising the limit sends the waiting ones at once, without any PUBACK.
    expect(await expectOk(api("PUT", "/api/v1/devices/wide-dev/command-settings", { token: w.ownerToken, body: { maxInFlight: 3 } }))).toEqual({ maxInFlight: 3 });
    expect((await nextCommand(dev)).body.id).toBe(ids[1]);
    expect((await nextCommand(dev)).body.id).toBe(ids[2]);
    dev.close();
  });

  it("cancels a deleted device's unfinished commands; a new device with its id starts with none", async () => {
    const open = await sendCommand(w, "doomed-dev", { method: "never" });
    const watcher = await connect(w.tenantId, { clientId: "doom-watcher", username: "api", password: w.ownerToken });
    watcher.send({ type: "subscribe", packetId: 1, subscriptions: [{ topicFilter: `t/${w.tenantId}/devices/doomed-dev/cmd/+/state`, qos: 0, noLocal: false, retainAsPublished: false, retainHandling: 0 }] });
    await watcher.next("suback");
    await expectOk(api("DELETE", "/api/v1/devices/doomed-dev", { token: w.ownerToken }), 204);
    const last = JSON.parse(text((await watcher.next("publish")).payload));
    expect(last).toMatchObject({ id: open.id, status: "canceled" });
    await expectOk(api("POST", "/api/v1/devices", { token: w.ownerToken, body: { id: "doomed-dev" } }), 201);
    expect((await expectOk(api("GET", "/api/v1/devices/doomed-dev/commands", { token: w.ownerToken }))).items).toEqual([]);
    watcher.close();
  });
});
