/** Signed firmware: Ed25519 over the SHA-256 digest, verified when the bytes arrive; a tenant may refuse unsigned artifacts. */
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, expectOk, signup, type TenantFixture } from "../helpers";

let t: TenantFixture;
let keys: CryptoKeyPair;
const b64 = (b: ArrayBuffer | Uint8Array) => btoa(String.fromCharCode(...new Uint8Array(b instanceof Uint8Array ? b : new Uint8Array(b))));
const image = Uint8Array.from({ length: 50_000 }, (_, i) => (i * 13) % 256);
const sign = async (bytes: Uint8Array, key = keys.privateKey) => b64(await crypto.subtle.sign({ name: "Ed25519" }, key, await crypto.subtle.digest("SHA-256", bytes)));

async function upload(id: string, body: Uint8Array) {
  const res = await exports.default.fetch(`http://localhost/api/v1/firmware/${id}/artifact`, { method: "PUT", headers: { authorization: `Bearer ${t.ownerToken}` }, body });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  t = await signup();
  keys = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as CryptoKeyPair;
});

describe("firmware signing", () => {
  it("needs a key before a signed artifact is registered", async () => {
    const r = await api("POST", "/api/v1/firmware", { token: t.ownerToken, body: { title: "x", version: "0.1.0", signature: await sign(image) } });
    expect([r.status, r.body.code]).toEqual([409, "conflict"]);
    const bad = await api("PUT", "/api/v1/firmware/signing", { token: t.ownerToken, body: { publicKey: b64(new Uint8Array(31)), requireSigned: false } });
    expect([bad.status, JSON.stringify(bad.body)]).toEqual([400, expect.stringContaining("publicKey")]);
    const publicKey = b64((await crypto.subtle.exportKey("raw", keys.publicKey)) as ArrayBuffer);
    expect(await expectOk(api("PUT", "/api/v1/firmware/signing", { token: t.ownerToken, body: { publicKey, requireSigned: false } }))).toEqual({ publicKey, requireSigned: false });
  });

  it("verifies the signature when the bytes arrive: a match is ready, a mismatch keeps nothing", async () => {
    const signature = await sign(image);
    await expectOk(api("POST", "/api/v1/firmware", { token: t.ownerToken, body: { id: "fw-signed", title: "signed", version: "1.0.0", signature } }), 201);
    const ok = await upload("fw-signed", image);
    expect([ok.status, ok.body.status, ok.body.signature]).toEqual([200, "ready", signature]);

    // Signed by someone else's key, or for other bytes.
    const stranger = (await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"])) as CryptoKeyPair;
    for (const [id, version, sig] of [
      ["fw-forged", "1.0.1", await sign(image, stranger.privateKey)],
      ["fw-other-bytes", "1.0.2", await sign(image.slice(1))],
    ] as const) {
      await expectOk(api("POST", "/api/v1/firmware", { token: t.ownerToken, body: { id, title: "bad", version, signature: sig } }), 201);
      const refused = await upload(id, image);
      expect([refused.status, refused.body.errors?.[0]?.path]).toEqual([400, "signature"]);
      expect(await env.FIRMWARE.head(`tenants/${t.tenantId}/firmware/${id}`)).toBeNull();
      expect((await expectOk(api("GET", `/api/v1/firmware/${id}`, { token: t.ownerToken }))).status).toBe("pending_upload");
    }
  });

  it("refuses unsigned artifacts when the tenant requires signatures", async () => {
    const publicKey = b64((await crypto.subtle.exportKey("raw", keys.publicKey)) as ArrayBuffer);
    await expectOk(api("PUT", "/api/v1/firmware/signing", { token: t.ownerToken, body: { publicKey, requireSigned: true } }));
    const r = await api("POST", "/api/v1/firmware", { token: t.ownerToken, body: { title: "unsigned", version: "2.0.0" } });
    expect([r.status, r.body.errors[0].path]).toEqual([400, "signature"]);
    expect((await expectOk(api("GET", "/api/v1/firmware/signing", { token: t.ownerToken }))).requireSigned).toBe(true);
  });
});
