/**
 * The offboarding export as the owner downloads it: the manifest is the stored file byte for byte
 * (its hash is the one the deletion certificate signs).
 */
import { introspectWorkflowInstance } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../../domain/lifecycle/manifest";
import { offboardingInstanceId } from "../../../domain/lifecycle/params";
import { api, expectOk, OPERATOR_TOKEN, signup } from "../helpers";
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
});
