/** Firmware artifacts: registered, uploaded once (streamed into R2 with the platform's SHA-256), limited by the plan, per tenant. */
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, expectOk, memberWithRole, signup, type TenantFixture } from "../helpers";

let t: TenantFixture;
let other: TenantFixture;

beforeAll(async () => {
  [t, other] = [await signup(), await signup()];
});

/** Deterministic bytes (not all zeros, so a wrong offset would show). */
function image(size: number, seed = 7): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}
const sha256 = async (b: Uint8Array) => [...new Uint8Array(await crypto.subtle.digest("SHA-256", b))].map((x) => x.toString(16).padStart(2, "0")).join("");

async function upload(token: string, id: string, body: BodyInit | null, headers: Record<string, string> = {}) {
  const res = await exports.default.fetch(`http://localhost/api/v1/firmware/${id}/artifact`, { method: "PUT", headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream", ...headers }, body });
  return { status: res.status, body: (await res.json()) as any };
}
const register = (token: string, body: Record<string, unknown>, status = 201) => expectOk(api("POST", "/api/v1/firmware", { token, body }), status);

describe("firmware artifacts", () => {
  it("are registered, then uploaded once: size and SHA-256 computed by the platform, bytes under the tenant's prefix", async () => {
    const created = await register(t.ownerToken, { id: "fw-sensor-120", title: "Sensor firmware", version: "1.2.0", targets: { profiles: ["sensor"], tags: ["rev-b"] }, releaseNotes: "Faster boot." });
    expect(created.firmware).toMatchObject({ id: "fw-sensor-120", status: "pending_upload", size: null, sha256: null, targets: { profiles: ["sensor"], tags: ["rev-b"] } });
    expect(created.upload).toMatchObject({ method: "PUT", url: "/api/v1/firmware/fw-sensor-120/artifact", maxBytes: 64 * 1024 * 1024 });

    const bytes = image(1024 * 1024 + 17);
    const up = await upload(t.ownerToken, "fw-sensor-120", bytes);
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ status: "ready", size: bytes.byteLength, sha256: await sha256(bytes) });
    const object = await env.FIRMWARE.get(`tenants/${t.tenantId}/firmware/fw-sensor-120`);
    expect(new Uint8Array(await object!.arrayBuffer())).toEqual(bytes);

    // Immutable: a second upload is refused and changes nothing.
    const again = await upload(t.ownerToken, "fw-sensor-120", image(10));
    expect([again.status, again.body.code]).toEqual([409, "conflict"]);
    expect((await expectOk(api("GET", "/api/v1/firmware/fw-sensor-120", { token: t.ownerToken }))).sha256).toBe(await sha256(bytes));
    expect(await expectOk(api("GET", "/api/v1/firmware/storage", { token: t.ownerToken }))).toMatchObject({ artifacts: 1, storedBytes: bytes.byteLength });
  });

  it("refuse what they cannot keep, with the reason: no length, over the plan's size, a body shorter than declared, a taken version", async () => {
    await register(t.ownerToken, { id: "fw-bad", title: "x", version: "2.0.0-rc.1" });
    const chunked = new ReadableStream({ start: (ctl) => (ctl.enqueue(image(100)), ctl.close()) });
    const noLength = await upload(t.ownerToken, "fw-bad", chunked);
    expect([noLength.status, noLength.body.code]).toEqual([411, "length_required"]);
    const tooBig = await upload(t.ownerToken, "fw-bad", image(10), { "content-length": String(64 * 1024 * 1024 + 1) });
    expect([tooBig.status, tooBig.body.limit]).toEqual([413, "maxArtifactBytes"]);
    const short = await upload(t.ownerToken, "fw-bad", new ReadableStream({ start: (ctl) => (ctl.enqueue(image(100)), ctl.close()) }), { "content-length": "1000" });
    expect(short.status).toBe(400);
    expect(await env.FIRMWARE.head(`tenants/${t.tenantId}/firmware/fw-bad`)).toBeNull();
    expect((await expectOk(api("GET", "/api/v1/firmware/fw-bad", { token: t.ownerToken }))).status).toBe("pending_upload");
    // The same version twice, and versions that are not semantic versions.
    const taken = await api("POST", "/api/v1/firmware", { token: t.ownerToken, body: { title: "again", version: "1.2.0" } });
    expect([taken.status, taken.body.detail]).toEqual([409, "version 1.2.0 is already firmware 'fw-sensor-120'"]);
    for (const version of ["1.2", "v1.2.0", "01.2.0"]) expect((await api("POST", "/api/v1/firmware", { token: t.ownerToken, body: { title: "x", version } })).status).toBe(400);
  });

  it("are deprecated (not when never uploaded) and deleted with their bytes", async () => {
    expect((await api("POST", "/api/v1/firmware/fw-bad/deprecate", { token: t.ownerToken })).status).toBe(409);
    expect((await expectOk(api("POST", "/api/v1/firmware/fw-sensor-120/deprecate", { token: t.ownerToken }))).status).toBe("deprecated");
    expect((await expectOk(api("GET", "/api/v1/firmware?status=deprecated", { token: t.ownerToken }))).items.map((f: { id: string }) => f.id)).toEqual(["fw-sensor-120"]);
    await expectOk(api("DELETE", "/api/v1/firmware/fw-sensor-120", { token: t.ownerToken }), 204);
    expect(await env.FIRMWARE.head(`tenants/${t.tenantId}/firmware/fw-sensor-120`)).toBeNull();
    expect(await expectOk(api("GET", "/api/v1/firmware/storage", { token: t.ownerToken }))).toMatchObject({ artifacts: 1, storedBytes: 0 });
  });

  it("MEMBER reads, ADMIN writes", async () => {
    const member = await memberWithRole(t, "MEMBER");
    expect((await api("GET", "/api/v1/firmware", { token: member.token })).status).toBe(200);
    expect((await api("POST", "/api/v1/firmware", { token: member.token, body: { title: "x", version: "9.9.9" } })).status).toBe(403);
    expect((await upload(member.token, "fw-bad", image(10))).status).toBe(403);
    expect((await api("DELETE", "/api/v1/firmware/fw-bad", { token: member.token })).status).toBe(403);
  });

  it("of one tenant are invisible to another, whose uploads never reach them", async () => {
    for (const [method, path] of [
      ["GET", "/api/v1/firmware/fw-bad"],
      ["POST", "/api/v1/firmware/fw-bad/deprecate"],
      ["DELETE", "/api/v1/firmware/fw-bad"],
    ] as const) {
      expect((await api(method, path, { token: other.ownerToken })).status).toBe(404);
    }
    expect((await upload(other.ownerToken, "fw-bad", image(10))).status).toBe(404);
    expect((await expectOk(api("GET", "/api/v1/firmware", { token: other.ownerToken }))).items).toEqual([]);
    // Same id and version in the other tenant: its own, under its own prefix.
    await register(other.ownerToken, { id: "fw-bad", title: "theirs", version: "2.0.0-rc.1" });
    expect((await upload(other.ownerToken, "fw-bad", image(64, 3))).status).toBe(200);
    expect(await env.FIRMWARE.head(`tenants/${t.tenantId}/firmware/fw-bad`)).toBeNull();
    expect((await expectOk(api("GET", "/api/v1/firmware/fw-bad", { token: t.ownerToken }))).status).toBe("pending_upload");
  });
});
