/**
 * Every device id the hot store holds points for, registered or not: a device deleted from the
 * registry leaves its telemetry here, and the tenant's export must still carry it.
 */
import { z } from "zod";

export const StoredDevicesInput = z.object({ after: z.string().max(256).nullable(), limit: z.number().int().min(1).max(1000) });

/** Device ids in order, after `after`; read from the series index, so no point is scanned. */
export function storedDevices(sql: SqlStorage, q: z.infer<typeof StoredDevicesInput>): string[] {
  const rows =
    q.after === null
      ? sql.exec<{ device: string }>("SELECT DISTINCT device FROM points ORDER BY device LIMIT ?", q.limit)
      : sql.exec<{ device: string }>("SELECT DISTINCT device FROM points WHERE device > ? ORDER BY device LIMIT ?", q.after, q.limit);
  return rows.toArray().map((r) => r.device);
}
