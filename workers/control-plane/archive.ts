/**
 * Offboarding archives in R2 (`ARCHIVES`): `exports/{tenant}/{exportId}/{file}` plus
 * `manifest.json`. Writers return each file's entry for the manifest (rows, bytes, SHA-256).
 */
import { EXPORT_FORMAT, ExportFileName, ExportManifest, sha256Hex, toNdjson, type ExportFile } from "../../domain/lifecycle/manifest";

export const archivePrefix = (tenantId: string) => `exports/${tenantId}/`;
const fileKey = (tenantId: string, exportId: string, name: string) => `${archivePrefix(tenantId)}${exportId}/${name}`;
export const MANIFEST_NAME = "manifest.json";

export class ArchiveWriter {
  constructor(
    private readonly bucket: R2Bucket,
    private readonly tenantId: string,
    private readonly exportId: string,
  ) {}

  async putNdjson(name: string, store: string, table: string, rows: readonly unknown[]): Promise<ExportFile> {
    return this.putBytes(name, store, table, new TextEncoder().encode(toNdjson(rows)), rows.length, "application/x-ndjson");
  }

  async putBytes(name: string, store: string, table: string, bytes: Uint8Array, rows: number, contentType: string): Promise<ExportFile> {
    const file = ExportFileName.parse(name);
    const sha256 = await sha256Hex(bytes);
    await this.bucket.put(fileKey(this.tenantId, this.exportId, file), bytes, { httpMetadata: { contentType }, sha256 });
    return { name: file, store, table, rows, bytes: bytes.byteLength, sha256, contentType };
  }
}

/** Writes the manifest and returns its SHA-256 (over the exact bytes stored). */
export async function putManifest(bucket: R2Bucket, manifest: Omit<ExportManifest, "format">): Promise<string> {
  const body = JSON.stringify(ExportManifest.parse({ format: EXPORT_FORMAT, ...manifest }), null, 2);
  const sha256 = await sha256Hex(body);
  await bucket.put(fileKey(manifest.tenant.id, manifest.exportId, MANIFEST_NAME), body, { httpMetadata: { contentType: "application/json" }, sha256 });
  return sha256;
}

export async function readArchiveObject(bucket: R2Bucket, tenantId: string, exportId: string, name: string): Promise<R2ObjectBody | null> {
  return bucket.get(fileKey(tenantId, exportId, name));
}

/** Export ids present for a tenant (one per offboarding). */
export async function listExportIds(bucket: R2Bucket, tenantId: string): Promise<string[]> {
  const listed = await bucket.list({ prefix: archivePrefix(tenantId), delimiter: "/" });
  return listed.delimitedPrefixes.map((p) => p.slice(archivePrefix(tenantId).length).replace(/\/$/, ""));
}

/** Every key under a prefix, page by page. */
export async function* keysUnder(bucket: R2Bucket, prefix: string): AsyncGenerator<R2Object> {
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, ...(cursor ? { cursor } : {}) });
    yield* page.objects;
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
}

export async function deleteUnder(bucket: R2Bucket, prefix: string): Promise<number> {
  let deleted = 0;
  let batch: string[] = [];
  for await (const o of keysUnder(bucket, prefix)) {
    batch.push(o.key);
    if (batch.length === 1000) {
      await bucket.delete(batch);
      deleted += batch.length;
      batch = [];
    }
  }
  if (batch.length) await bucket.delete(batch);
  return deleted + batch.length;
}

export async function countUnder(bucket: R2Bucket, prefix: string): Promise<number> {
  let n = 0;
  for await (const _ of keysUnder(bucket, prefix)) n++;
  return n;
}
