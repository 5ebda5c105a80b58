/**
 * `GET /api/v1/ota/download/{token}`: a device downloads its firmware. The token (issued by
 * `POST /firmware/{id}/download-urls`, later by rollouts) is the only credential: it names the
 * tenant, the device, the artifact and its SHA-256, and expires. Served from R2 with `Range` (a
 * download cut off resumes where it stopped), `ETag` (the SHA-256) and `If-Range`.
 */
import { Hono } from "hono";
import { verifyDownloadToken } from "../../domain/auth/tokens";
import { AppError } from "../../domain/errors";
import { USAGE_COUNTERS } from "../../domain/telemetry/usage";
import type { AppEnv } from "../http/app-env";
import { doc } from "../http/doc";
import { problemResponse } from "../http/problem";
import { dataForVerifiedTenant } from "../http/scoped";
import { parseRange } from "../ota/range";

const NOT_VALID = "this download link is not valid or has expired; ask for a new one";

export const otaDownloadRoutes = new Hono<AppEnv>().get(
  "/download/:token",
  doc({
    summary: "Download a firmware artifact (devices)",
    description: "The token in the path is the credential: bound to one device, one artifact and its SHA-256, short-lived. Supports Range (206, Content-Range) and If-Range; ETag is the SHA-256.",
    tags: ["firmware"],
    ok: { description: "The artifact's bytes (application/octet-stream)" },
    errors: [404, 416],
  }),
  async (c) => {
    const claims = await verifyDownloadToken(c.env, c.req.param("token"));
    // On a tenant's own host, only that tenant's links work.
    const hostTenant = c.get("hostTenant");
    if (!claims || (hostTenant && hostTenant.id !== claims.tid)) throw new AppError("not_found", NOT_VALID);
    const tenant = await c.get("platform").tenants.find(claims.tid);
    if (!tenant || tenant.status !== "active") throw new AppError("not_found", NOT_VALID);
    // The tenant is proven by the token's signature (checked above).
    const data = dataForVerifiedTenant(c.env, tenant.id);
    const fw = await data.firmware.stored(claims.fw).catch(() => null);
    // The exact bytes the link was made for: a deleted or replaced artifact is not served in their place.
    if (!fw || fw.sha256 !== claims.sha256 || fw.size === null || !(await data.devices.exists(claims.sub))) throw new AppError("not_found", NOT_VALID);

    const etag = `"${fw.sha256}"`;
    const ifRange = c.req.header("if-range");
    const range = ifRange && ifRange !== etag ? "whole" : parseRange(c.req.header("range"), fw.size);
    if (range === "unsatisfiable") return problemResponse(c, new AppError("range_not_satisfiable", `the artifact has ${fw.size} bytes`), { "content-range": `bytes */${fw.size}` });
    const object = await c.env.FIRMWARE.get(fw.objectKey, range === "whole" ? {} : { range: { offset: range.offset, length: range.length } });
    if (!object) throw new AppError("not_found", NOT_VALID);
    const served = range === "whole" ? fw.size : range.length;
    c.executionCtx.waitUntil(data.usage.add({ [USAGE_COUNTERS.otaBytesDownloaded]: served }).catch(() => undefined));
    const headers: Record<string, string> = {
      "content-type": "application/octet-stream",
      "content-length": String(served),
      "accept-ranges": "bytes",
      etag,
      "cache-control": "private, no-store",
      "content-disposition": `attachment; filename="${fw.id}-${fw.version}.bin"`,
    };
    if (range === "whole") return new Response(object.body, { status: 200, headers });
    return new Response(object.body, { status: 206, headers: { ...headers, "content-range": `bytes ${range.offset}-${range.offset + range.length - 1}/${fw.size}` } });
  },
);
