/**
 * Dead letters: the dead-letter consumer records what exhausted its retries (idempotently),
 * the API lists them, re-drives them through the real queue (no point stored twice) and
 * discards them.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { api, createDevice, expectOk, signup, type TenantFixture } from "../helpers";
import { deviceTelemetry, eventually, rawPoints, runBatch, runDeadLetters } from "./helpers";

let t: TenantFixture;

beforeAll(async () => {
  t = await signup();
  await createDevice(t.ownerToken, { id: "d1" });
});

const list = async (q = "") => (await expectOk(api("GET", `/api/v1/telemetry/dead-letters${q}`, { token: t.ownerToken }))).items as { id: string; msgId: string | null; status: string; kind: string; attempts: number; body: unknown }[];

describe("dead letters", () => {
  it("records dead letters once per queue message, per tenant", async () => {
    const e = deviceTelemetry(t.tenantId, "d1", { values: { temp: 1 } });
    const first = await runDeadLetters([
      { id: "dlq-1", body: e, attempts: 6 },
      { id: "dlq-x", body: { garbage: true } },
      { id: "dlq-ghost", body: { ...e, tenant: "no-such-tenant" } },
    ]);
    expect(first.outcome).toEqual({ recorded: 1, dropped: 2 });
    expect(first.result.explicitAcks).toHaveLength(3);
    await runDeadLetters([{ id: "dlq-1", body: e, attempts: 6 }]);
    const letters = (await list()).filter((l) => l.msgId === e.msgId);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ kind: "envelope", status: "dead", attempts: 6, body: e });
  });

  it("re-drives a dead letter through the queue, and never stores a point twice", async () => {
    const e = deviceTelemetry(t.tenantId, "d1", { values: { redriven: 5 } });
    // Part of it was stored before it died: re-driving must not double it.
    await runBatch([e]);
    await runDeadLetters([{ id: "dlq-2", body: e }]);
    const letter = (await list("?status=dead")).find((l) => l.msgId === e.msgId)!;
    const redriven = await expectOk(api("POST", `/api/v1/telemetry/dead-letters/${letter.id}/redrive`, { token: t.ownerToken }));
    expect(redriven.status).toBe("redriven");
    const audited = (await expectOk(api("GET", "/api/v1/audit?action=telemetry.dead_letter_redriven", { token: t.ownerToken }))).items[0];
    expect(audited.details).toEqual({ msgId: e.msgId, traceId: e.traceId });
    const other = deviceTelemetry(t.tenantId, "d1", { values: { redriven: 6 } });
    await runDeadLetters([{ id: "dlq-3", body: other }]);
    const second = (await list("?status=dead")).find((l) => l.msgId === other.msgId)!;
    await expectOk(api("POST", `/api/v1/telemetry/dead-letters/${second.id}/redrive`, { token: t.ownerToken }));
    const points = await eventually(async () => {
      const p = await rawPoints(t.tenantId, "d1", "redriven");
      return p.length === 2 ? p : null;
    });
    expect(points.map((p) => p.value)).toEqual([5, 6]);
    expect((await api("POST", `/api/v1/telemetry/dead-letters/${letter.id}/redrive`, { token: t.ownerToken })).status).toBe(409);
    expect((await list("?status=redriven")).map((l) => l.id)).toEqual(expect.arrayContaining([letter.id, second.id]));
  });

  it("refuses to re-drive what the hot store could no longer deduplicate, or what was malformed", async () => {
    const old = deviceTelemetry(t.tenantId, "d1", { values: { temp: 1 } }, { receivedAt: Date.now() - 8 * 86_400_000 });
    await runDeadLetters([
      { id: "dlq-old", body: old },
      { id: "dlq-bad", body: { v: 1, tenant: t.tenantId, msgId: 7 } },
    ]);
    const letters = await list();
    const stale = letters.find((l) => l.msgId === old.msgId)!;
    const malformed = letters.find((l) => l.kind === "malformed")!;
    const gone = await api("POST", `/api/v1/telemetry/dead-letters/${stale.id}/redrive`, { token: t.ownerToken });
    expect(gone.status).toBe(410);
    expect(gone.body.code).toBe("gone");
    expect((await api("POST", `/api/v1/telemetry/dead-letters/${malformed.id}/redrive`, { token: t.ownerToken })).status).toBe(409);
    await expectOk(api("DELETE", `/api/v1/telemetry/dead-letters/${stale.id}`, { token: t.ownerToken }), 204);
    expect((await list()).some((l) => l.id === stale.id)).toBe(false);
    expect((await api("DELETE", `/api/v1/telemetry/dead-letters/${stale.id}`, { token: t.ownerToken })).status).toBe(404);
  });
});
