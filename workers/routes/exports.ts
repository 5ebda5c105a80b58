/**
 * The owner's offboarding export: the manifest and each NDJSON file, downloadable while the
 * tenant is suspended or being offboarded (until the download window closes and it is deleted).
 */
import { z } from "zod";
import { AppError } from "../../domain/errors";
import { ExportFileName, ExportManifest } from "../../domain/lifecycle/manifest";
import { listExportIds, MANIFEST_NAME, readArchiveObject } from "../control-plane/archive";
import { authenticateForExport, requireRole } from "../http/auth";
import { doc } from "../http/doc";
import { tenantRouter } from "../http/tenant-router";
import { validate } from "../http/validate";

const tags = ["exports"];

/** The stored content type and the SHA-256 R2 kept for the object (computed when it was written). */
function storedFileHeaders(object: R2ObjectBody, fallbackType: string): Record<string, string> {
  const headers: Record<string, string> = { "content-type": object.httpMetadata?.contentType ?? fallbackType };
  const sha256 = object.checksums.sha256;
  if (sha256) headers["x-sha256"] = [...new Uint8Array(sha256)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return headers;
}
const ExportId = z.string().regex(/^exp-[a-z0-9]{1,16}$/, "an export id such as exp-lx2k9a1b");

export const exportRoutes = tenantRouter(authenticateForExport)
  .get(
    "/",
    doc({
      summary: "List the tenant's exports",
      description: "Reachable by the owner also while the tenant is suspended or being offboarded.",
      tags,
      ok: { schema: z.object({ items: z.array(z.object({ id: z.string() })) }) },
      errors: [403],
    }),
    requireRole("OWNER"),
    async (c) => c.json({ items: (await listExportIds(c.env.ARCHIVES, c.get("tenant").id)).map((id) => ({ id })) }),
  )
  .get(
    "/:exportId/manifest",
    doc({
      summary: "An export's manifest (files, row counts, SHA-256 of each file)",
      description: "The stored file byte for byte, with `x-sha256`: its SHA-256 is the deletion certificate's `manifestSha256`.",
      tags,
      ok: { schema: ExportManifest },
      errors: [403, 404],
    }),
    requireRole("OWNER"),
    validate("param", z.object({ exportId: ExportId })),
    async (c) => {
      const object = await readArchiveObject(c.env.ARCHIVES, c.get("tenant").id, c.req.valid("param").exportId, MANIFEST_NAME);
      if (!object) throw new AppError("not_found", "export not found");
      // Served as stored, never re-serialised: the certificate signs the hash of these exact bytes.
      return new Response(object.body, { headers: storedFileHeaders(object, "application/json") });
    },
  )
  .get(
    "/:exportId/files/:name",
    doc({
      summary: "Download one file of an export",
      description: "NDJSON (one JSON value per line) or the original bytes of a firmware object; `x-sha256` matches the manifest.",
      tags,
      ok: { contentType: "application/x-ndjson" },
      errors: [403, 404],
    }),
    requireRole("OWNER"),
    validate("param", z.object({ exportId: ExportId, name: ExportFileName })),
    async (c) => {
      const { exportId, name } = c.req.valid("param");
      if (name === MANIFEST_NAME) throw new AppError("not_found", "use the manifest endpoint for the manifest");
      const object = await readArchiveObject(c.env.ARCHIVES, c.get("tenant").id, exportId, name);
      if (!object) throw new AppError("not_found", "export file not found");
      return new Response(object.body, { headers: { ...storedFileHeaders(object, "application/octet-stream"), "content-disposition": `attachment; filename="${name}"` } });
    },
  );
