/**
 * The hub's part of the offboarding export: every table offboarding counts, read page by page in
 * storage order, each row as stored (a BLOB column `c` becomes `cBase64`). Only `meta` is left out:
 * it binds the object to its tenant id and carries the month's message count, which the
 * registry's usage table already holds.
 */
const EXCLUDED_HUB_TABLES = ["meta"] as const;
const PAGE_ROWS = 1000;
/** Queued messages can be large; a page stops early so one RPC answer stays a few MiB. */
const PAGE_BYTES = 4 * 1024 * 1024;

type HubExportRow = Record<string, string | number | null>;
export type HubExportPage = { rows: HubExportRow[]; next: number | null };

function base64(bytes: Uint8Array): string {
  let binary = "";
  // In slices: spreading a large payload into one call would overflow the argument limit.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function exportedRow(raw: Record<string, SqlStorageValue>): { row: HubExportRow; bytes: number } {
  const row: HubExportRow = {};
  let bytes = 0;
  for (const [column, value] of Object.entries(raw)) {
    if (value instanceof ArrayBuffer) {
      row[`${column}Base64`] = base64(new Uint8Array(value));
      bytes += value.byteLength;
    } else {
      row[column] = value;
      bytes += typeof value === "string" ? value.length : 8;
    }
  }
  return { row, bytes };
}

/** Rows of `table` after `afterRowid`; `next` is where the following page starts (null: done). */
export function hubExportPage(sql: SqlStorage, counted: readonly string[], table: string, afterRowid: number): HubExportPage {
  // Only table names from the hub's own list reach the SQL text.
  if (!counted.includes(table) || (EXCLUDED_HUB_TABLES as readonly string[]).includes(table)) throw new Error(`not an exported hub table: ${table}`);
  const rows: HubExportRow[] = [];
  let bytes = 0;
  let last = afterRowid;
  for (const { _rowid, ...columns } of sql.exec<{ _rowid: number } & Record<string, SqlStorageValue>>(`SELECT rowid AS _rowid, * FROM ${table} WHERE rowid > ? ORDER BY rowid LIMIT ?`, afterRowid, PAGE_ROWS)) {
    const exported = exportedRow(columns);
    rows.push(exported.row);
    bytes += exported.bytes;
    last = _rowid;
    if (bytes >= PAGE_BYTES) break;
  }
  return { rows, next: rows.length === PAGE_ROWS || bytes >= PAGE_BYTES ? last : null };
}
