import { z } from "zod";

export const Email = z.string().trim().toLowerCase().pipe(z.email()).pipe(z.string().max(254));
export const Password = z.string().min(10, "at least 10 characters").max(256);
export const DisplayName = z.string().trim().min(1).max(120);
export const Timestamp = z.number().int().describe("milliseconds since the Unix epoch");
export const Tags = z.array(z.string().trim().min(1).max(64)).max(32);
export const Attributes = z.record(z.string().max(128), z.unknown());

/**
 * Opaque list cursors: base64url of a marker and the position (the last id of the previous page).
 * The marker is what lets every list tell its own cursor from garbage and answer 400 for the
 * latter, instead of reading junk as a position (which silently answered the first page).
 */
const CURSOR_MARKER = "c:";

export function encodeCursor(position: string): string {
  return btoa(CURSOR_MARKER + position)
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replaceAll("=", "");
}

/** The position a cursor holds, or null when it is not a cursor this API gave. */
export function decodeCursor(cursor: string): string | null {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  let text: string;
  try {
    text = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
  } catch {
    return null;
  }
  return text.startsWith(CURSOR_MARKER) && text.length > CURSOR_MARKER.length ? text.slice(CURSOR_MARKER.length) : null;
}

const CURSOR_MESSAGE = "not a cursor from this list (use nextCursor as given)";
export const ApiCursor = z
  .string()
  .max(200)
  .refine((c) => decodeCursor(c) !== null, CURSOR_MESSAGE)
  .describe("`nextCursor` of the previous page");

/**
 * Milliseconds since the epoch or an ISO 8601 date-time, for every time in a query string
 * (`from`, `to`, `since`, …): one rule for all routes.
 */
export const QueryTime = z
  // A number too: the console checks its filters with the same schema before they become a query string.
  .union([z.number(), z.string().max(40)])
  .transform((s, ctx) => {
    const ms = typeof s === "number" ? s : /^-?\d+$/.test(s) ? Number(s) : /^\d{4}-\d{2}-\d{2}/.test(s) ? Date.parse(s) : Number.NaN;
    if (!Number.isSafeInteger(ms)) {
      ctx.addIssue({ code: "custom", message: "milliseconds since the epoch or an ISO 8601 date-time" });
      return z.NEVER;
    }
    return ms;
  });

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: ApiCursor.optional(),
});
export type PageQuery = z.infer<typeof PageQuery>;

/** A page of a list: `nextCursor` is null on the last page. */
export const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
export type Page<T> = { items: T[]; nextCursor: string | null };

export const Location = z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) });
