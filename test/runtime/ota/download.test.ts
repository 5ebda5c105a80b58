/** Device download links for firmware: bound to tenant, device and exact bytes; resumable with Range; counted in usage. */
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { api, createDevice, expectOk, signup, type TenantFixture } from "../helpers";

let t: TenantFixture;
let other: TenantFixture;
const bytes = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 31 + 7) % 251);

async function put(token: string, id: string, body: Uint8Array) {
  const res = await exports.default.fetch(`http://localhost/api/v1/firmware/${id}/artifact`, { method: "PUT", headers: { authorization: `Bearer ${token}` }, body });
  expect(res.status).toBe(200);
}
const get = (url: string, headers: Record<string, string> = {}, host = "localhost") => exports.default.fetch(`http://${host}${url}`, { headers });
const link = (token: string, fw: string, deviceId: string) => expectOk(api("POST", `/api/v1/firmware/${fw}/download-urls`, { token, body: { deviceId } }), 201);

beforeAll(async () => {
  [t, other] = [await signup(), await signup()];
  for (const x of [t, other]) {
    await createDevice(x.ownerToken, { id: "dev-1" });
    await expectOk(api("POST", "/api/v1/firmware", { token: x.ownerToken, body: { id: "fw-1", title: "image", version: "1.0.0" } }), 201);
  }
  await put(t.ownerToken, "fw-1", bytes);
  await put(other.ownerToken, "fw-1", new Uint8Array([9, 9, 9]));
});

describe("a firmware download link", () => {
  it("serves the whole artifact with its SHA-256 as ETag, and counts the bytes", async () => {
    const l = await link(t.ownerToken, "fw-1", "dev-1");
    expect(l.url).toMatch(/^\/api\/v1\/ota\/download\/[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(l.expiresAt - Date.now()).toBeGreaterThan(3_500_000);
    const res = await get(l.url);
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe(`"${l.sha256}"`);
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
    await expect.poll(async () => (await expectOk(api("GET", "/api/v1/usage", { token: t.ownerToken }))).otaBytesDownloaded).toBeGreaterThanOrEqual(bytes.byteLength);
  });

  it("resumes a cut-off download with Range; If-Range with another ETag gets the whole; a range past the end is 416", async () => {
    const { url, sha256 } = await link(t.ownerToken, "fw-1", "dev-1");
    const tail = await get(url, { range: "bytes=150000-" });
    expect(tail.status).toBe(206);
    expect(tail.headers.get("content-range")).toBe(`bytes 150000-199999/200000`);
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(bytes.slice(150_000));
    const middle = await get(url, { range: "bytes=10-19", "if-range": `"${sha256}"` });
    expect([middle.status, [...new Uint8Array(await middle.arrayBuffer())]]).toEqual([206, [...bytes.slice(10, 20)]]);
    const last = await get(url, { range: "bytes=-5" });
    expect(new Uint8Array(await last.arrayBuffer())).toEqual(bytes.slice(-5));
    const changed = await get(url, { range: "bytes=10-19", "if-range": '"something-else"' });
    expect([changed.status, (await changed.arrayBuffer()).byteLength]).toEqual([200, 200_000]);
    const past = await get(url, { range: "bytes=200000-" });
    expect([past.status, past.headers.get("content-range")]).toEqual([416, "bytes */200000"]);
  });

  it("is refused when tampered with, when its artifact was replaced, for a deleted device, or on another tenant's host", async () => {
    const { url } = await link(t.ownerToken, "fw-1", "dev-1");
    const token = url.split("/").pop()!;
    const [h, p, s] = token.split(".");
    const forged = JSON.parse(atob(p!.replace(/-/g, "+").replace(/_/g, "/")));
    const tampered = `${h}.${btoa(JSON.stringify({ ...forged, tid: other.tenantId }))
      .replace(/=+$/, "")
      .replace(/\+/g, "-")
      .replace(/\//g, "_")}.${s}`;
    for (const bad of [`/api/v1/ota/download/${tampered}`, "/api/v1/ota/download/not-a-token", `/api/v1/ota/download/${token.slice(0, -2)}xx`]) {
      const r = await get(bad);
      expect(r.status, bad).toBe(404);
      expect(await r.text()).not.toContain("\u0009\u0009\u0009");
    }
    // On another tenant's own host the link is not served.
    expect((await get(url, {}, `${other.tenantId}.localhost`)).status).toBe(404);
    expect((await get(url, {}, `${t.tenantId}.localhost`)).status).toBe(200);
    // The other tenant's link to its own fw-1 serves its own bytes, never ours.
    const theirs = await link(other.ownerToken, "fw-1", "dev-1");
    expect([...new Uint8Array(await (await get(theirs.url)).arrayBuffer())]).toEqual([9, 9, 9]);
    // Deleted and registered again under the same id: the old link does not serve the new bytes.
    await expectOk(api("DELETE", "/api/v1/firmware/fw-1", { token: other.ownerToken }), 204);
    await expectOk(api("POST", "/api/v1/firmware", { token: other.ownerToken, body: { id: "fw-1", title: "image", version: "1.0.1" } }), 201);
    await put(other.ownerToken, "fw-1", new Uint8Array([1, 2, 3, 4]));
    expect((await get(theirs.url)).status).toBe(404);
    await expectOk(api("DELETE", "/api/v1/devices/dev-1", { token: other.ownerToken }), 204);
    expect((await get((await link(other.ownerToken, "fw-1", "dev-1").catch(() => theirs)).url)).status).toBe(404);
  });

  it("is made only for an uploaded artifact and a device of the tenant", async () => {
    await expectOk(api("POST", "/api/v1/firmware", { token: t.ownerToken, body: { id: "fw-empty", title: "none yet", version: "3.0.0" } }), 201);
    expect((await api("POST", "/api/v1/firmware/fw-empty/download-urls", { token: t.ownerToken, body: { deviceId: "dev-1" } })).status).toBe(409);
    expect((await api("POST", "/api/v1/firmware/fw-1/download-urls", { token: t.ownerToken, body: { deviceId: "nobody" } })).status).toBe(404);
    expect((await api("POST", "/api/v1/firmware/fw-1/download-urls", { token: t.ownerToken, body: { deviceId: "dev-1", ttlSeconds: 5 } })).status).toBe(400);
  });
});
