/**
 * The offboarding export: NDJSON files (one JSON value per line) and a manifest listing each
 * file with its row count and SHA-256, so the owner can check the archive is complete and intact.
 * The manifest's own SHA-256 goes into the deletion certificate.
 */
import { z } from "zod";
import { TenantId } from "../ids";

export const EXPORT_FORMAT = "skylark-export/1";

/** File names are flat (no slashes) so each one is a single path segment in the download API. */
export const ExportFileName = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,127}$/, "export file names are lowercase letters, digits, '.', '_' and '-'");

export const ExportFile = z.object({
  name: ExportFileName,
  store: z.string(),
  /** The table, kind of record or object group the file holds. */
  table: z.string(),
  rows: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  contentType: z.string(),
});
export type ExportFile = z.infer<typeof ExportFile>;

export const ExportManifest = z.object({
  format: z.literal(EXPORT_FORMAT),
  exportId: z.string(),
  tenant: z.object({ id: TenantId, name: z.string(), region: z.string(), plan: z.string() }),
  createdAt: z.number().int(),
  /** Rows (or objects) per store and table at export time. */
  counts: z.record(z.string(), z.record(z.string(), z.number().int().nonnegative())),
  files: z.array(ExportFile),
  notes: z.array(z.string()),
});
export type ExportManifest = z.infer<typeof ExportManifest>;

export async function sha256Hex(bytes: Uint8Array | string): Promise<string> {
  const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
  const digest = await crypto.subtle.digest("SHA-256", data);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export const toNdjson = (rows: readonly unknown[]) => rows.map((r) => JSON.stringify(r)).join("\n") + (rows.length ? "\n" : "");
