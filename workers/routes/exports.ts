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
const ExportId = z.string().regex(/^exp-[a-z0-9]{1,16}$/, "an export id such as exp-lx2k9a1b");

export const exportRoutes = tenantRouter(authenticateForExport)
  .get(
    "/",
    doc({ summary: "List the tenant's exports", description: "Reachable by the owner also while the tenant is suspended or being offboarded.", tags, ok: { schema: z.object({ items: z.array(z.object({ id: z.string() })) }) }, errors: [403] }),
    requireRole("OWNER"),
    async (c) => c.json({ items: (await listExportIds(c.env.ARCHIVES, c.get("tenant").id)).map((id) => ({ id })) }),
  )
  .get(
    "/:exportId/manifest",
    doc({ summary: "An export's manifest (files, row counts, SHA-256 of each file)", tags, ok: { schema: ExportManifest }, errors: [403, 404] }),
    requireRole("OWNER"),
    validate("param", z.object({ exportId: ExportId })),
    async (c) => {
      const object = await readArchiveObject(c.env.ARCHIVES, c.get("tenant").id, c.req.valid("param").exportId, MANIFEST_NAME);
      if (!object) throw new AppError("not_found", "export not found");
      return c.json(ExportManifest.parse(await object.json()));
    },
  )
  .get(
    "/:exportId/files/:name",
    doc({ summary: "Download one file of an export", description: "NDJSON (one JSON value per line) or the original bytes of a firmware object; `x-sha256` matches the manifest.", tags, ok: { contentType: "application/x-ndjson" }, errors: [403, 404] }),
    requireRole("OWNER"),
    validate("param", z.object({ exportId: ExportId, name: ExportFileName })),
    async (c) => {
      const { exportId, name } = c.req.valid("param");
      if (name === MANIFEST_NAME) throw new AppError("not_found", "use the manifest endpoint for the manifest");
      const object = await readArchiveObject(c.env.ARCHIVES, c.get("tenant").id, exportId, name);
      if (!object) throw new AppError("not_found", "export file not found");
      const headers: Record<string, string> = { "content-type": object.httpMetadata?.contentType ?? "application/octet-stream", "content-disposition": `attachment; filename="${name}"` };
      const sha256 = object.checksums.sha256;
      if (sha256) headers["x-sha256"] = [...new Uint8Array(sha256)].map((b) => b.toString(16).padStart(2, "0")).join("");
      return new Response(object.body, { headers });
    },
  );
