import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import { and, gt, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { AppError } from "../errors";
import { decodeCursor as positionOf, encodeCursor } from "../schemas/common";

export type Db = DrizzleD1Database;

/** Wraps the registry database; callers pass the binding in, this module holds none. */
export function openRegistry(d1: D1Database): Db {
  return drizzle(d1);
}

/** The last id of the previous page. Query schemas check cursors first (ApiCursor); this is the backstop. */
export function decodeCursor(cursor: string): string {
  const position = positionOf(cursor);
  if (position === null) throw new AppError("validation_failed", "invalid query: query.cursor: not a cursor from this list", { errors: [{ path: "query.cursor", message: "not a cursor from this list" }] });
  return position;
}

/** Adds the `id > cursor` condition for keyset pagination. */
export function afterCursor(column: SQLiteColumn, cursor: string | undefined, where: SQL | undefined): SQL | undefined {
  return cursor ? and(where, gt(column, decodeCursor(cursor))) : where;
}

/** Builds a page from `limit + 1` fetched rows. */
export function toPage<R, T>(rows: R[], limit: number, idOf: (row: R) => string, map: (row: R) => T) {
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return { items: items.map(map), nextCursor: more && last ? encodeCursor(idOf(last)) : null };
}

/** D1 reports constraint failures as errors whose message names the constraint. */
export function isUniqueViolation(err: unknown): boolean {
  const text = `${(err as Error)?.message ?? ""} ${(err as { cause?: Error })?.cause?.message ?? ""}`;
  return /UNIQUE constraint failed|PRIMARY KEY/i.test(text);
}

export function isForeignKeyViolation(err: unknown): boolean {
  const text = `${(err as Error)?.message ?? ""} ${(err as { cause?: Error })?.cause?.message ?? ""}`;
  return /FOREIGN KEY constraint failed/i.test(text);
}
