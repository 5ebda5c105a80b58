import { z } from "zod";

export const Email = z.string().trim().toLowerCase().pipe(z.email()).pipe(z.string().max(254));
export const Password = z.string().min(10, "at least 10 characters").max(256);
export const DisplayName = z.string().trim().min(1).max(120);
export const Timestamp = z.number().int().describe("milliseconds since the Unix epoch");
export const Tags = z.array(z.string().trim().min(1).max(64)).max(32);
export const Attributes = z.record(z.string().max(128), z.unknown());

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
export type PageQuery = z.infer<typeof PageQuery>;

/** A page of a list: `nextCursor` is null on the last page. */
export const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
export type Page<T> = { items: T[]; nextCursor: string | null };

export const Location = z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) });
