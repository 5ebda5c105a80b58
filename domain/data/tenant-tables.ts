/**
 * Every registry table a tenant owns, found from the drizzle schema itself (any table with a
 * `tenant_id` column), so a table added later is exported, counted and deleted at offboarding
 * without anyone remembering to list it. Ordered so that tables pointing at others come first:
 * deleting in this order never trips a foreign key.
 */
import { is, sql } from "drizzle-orm";
import { getTableConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "./db";
import * as schema from "./schema";

/** Tables with a tenant_id that must outlive the tenant's data: the certificate is the proof of deletion. */
const RETAINED = new Set(["deletion_certificates"]);
/** Columns never exported: credential hashes (and webhook signing secrets) are no use to the owner and a risk in an archive. */
const REDACTED_COLUMN = /(_hash|password|^secret)$/;

export type TenantTable = { name: string; columns: string[]; references: string[] };

function discover(): TenantTable[] {
  const tables = (Object.values(schema) as unknown[])
    .filter((v): v is SQLiteTable => is(v, SQLiteTable))
    .map((t) => getTableConfig(t))
    .filter((c) => c.columns.some((col) => col.name === "tenant_id") && !RETAINED.has(c.name))
    .map((c) => ({ name: c.name, columns: c.columns.map((col) => col.name), references: c.foreignKeys.map((fk) => getTableConfig(fk.reference().foreignTable).name) }));
  // Topological order: a table comes before every table it references.
  const ordered: TenantTable[] = [];
  const pending = new Map(tables.map((t) => [t.name, t]));
  while (pending.size) {
    const next = [...pending.values()].find((t) => ![...pending.values()].some((other) => other !== t && other.references.includes(t.name)));
    if (!next) throw new Error("cyclic foreign keys between tenant tables");
    ordered.push(next);
    pending.delete(next.name);
  }
  return ordered;
}

export const TENANT_TABLES: readonly TenantTable[] = discover();

const ident = (name: string) => sql.raw(`"${name.replace(/"/g, '""')}"`);

export async function countTenantRows(db: Db, tenantId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const t of TENANT_TABLES) {
    const row = await db.get<{ n: number }>(sql`SELECT COUNT(*) AS n FROM ${ident(t.name)} WHERE tenant_id = ${tenantId}`);
    counts[t.name] = row?.n ?? 0;
  }
  return counts;
}

/** One page of a table's rows for the tenant, in rowid order, credential hashes left out. */
export async function tenantRowsPage(db: Db, table: TenantTable, tenantId: string, afterRowid: number, limit: number): Promise<{ rows: Record<string, unknown>[]; lastRowid: number | null }> {
  const rows = await db.all<Record<string, unknown>>(sql`SELECT rowid AS "__rowid", * FROM ${ident(table.name)} WHERE tenant_id = ${tenantId} AND rowid > ${afterRowid} ORDER BY rowid LIMIT ${limit}`);
  const last = rows.length ? Number(rows[rows.length - 1]!.__rowid) : null;
  return {
    rows: rows.map(({ __rowid: _r, ...row }) => Object.fromEntries(Object.entries(row).filter(([col]) => !REDACTED_COLUMN.test(col)))),
    lastRowid: last,
  };
}

/** Deletes the tenant's rows table by table, in chunks small enough for D1's statement limits. */
export async function deleteTenantRows(db: Db, tenantId: string, chunk = 500): Promise<Record<string, number>> {
  const deleted: Record<string, number> = {};
  for (const t of TENANT_TABLES) {
    let total = 0;
    for (;;) {
      const result = await db.run(sql`DELETE FROM ${ident(t.name)} WHERE rowid IN (SELECT rowid FROM ${ident(t.name)} WHERE tenant_id = ${tenantId} LIMIT ${chunk})`);
      const changes = (result as unknown as { meta?: { changes?: number } }).meta?.changes ?? 0;
      total += changes;
      deleted[t.name] = total;
      if (changes < chunk) break;
    }
  }
  return deleted;
}
