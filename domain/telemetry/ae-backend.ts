/**
 * The Analytics Engine backend: SQL (ae-sql.ts) posted to the SQL API
 * (POST https://api.cloudflare.com/client/v4/accounts/{account}/analytics_engine/sql, bearer
 * token, the query as the body), rows validated with zod and grouped into series. Built for one
 * tenant; the tenant goes into every query it sends.
 */
import { z } from "zod";
import { AeLayoutError, unpackReadings } from "./ae-layout";
import { buildAeSeriesSql } from "./ae-sql";
import { SeriesQuery, type Series, type SeriesResult, type TelemetryBackend } from "./query";

export const AeApiConfig = z.object({
  accountId: z.string().regex(/^[0-9a-f]{32}$/, "a 32-character Cloudflare account id"),
  apiToken: z.string().min(1),
  dataset: z.string().optional(),
});
export type AeApiConfig = z.infer<typeof AeApiConfig>;

export const aeSqlEndpoint = (accountId: string) => `https://api.cloudflare.com/client/v4/accounts/${accountId}/analytics_engine/sql`;

export function aeSqlRequest(config: AeApiConfig, sql: string): Request {
  const c = AeApiConfig.parse(config);
  return new Request(aeSqlEndpoint(c.accountId), { method: "POST", headers: { authorization: `Bearer ${c.apiToken}`, "content-type": "text/plain" }, body: sql });
}

const num = z.coerce.number();
const RawRow = z.object({ device: z.string(), metric: z.string(), minute: num, readings: z.string() });
const BucketRow = z.object({ device: z.string(), metric: z.string(), bucket: num, value: num });
const Response = <R extends z.ZodType>(row: R) => z.object({ data: z.array(row) });

type Row = { device: string; metric: string; ts: number; value: number | boolean | string };

/** Unpacks raw rows (one per data point) into readings inside [from, to), ordered by series and time. */
function unpackRawRows(rows: z.infer<typeof RawRow>[], from: number, to: number): Row[] {
  const out: Row[] = [];
  for (const r of rows) {
    for (const reading of unpackReadings(r.minute, r.readings)) {
      if (reading.ts >= from && reading.ts < to) out.push({ device: r.device, metric: r.metric, ...reading });
    }
  }
  // Several data points may share a series' minute: order across them too (the sort is stable).
  return out.sort((a, b) => (a.device < b.device ? -1 : a.device > b.device ? 1 : a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : a.ts - b.ts));
}

/** Groups rows (ordered by device, metric, time) into series, keeping `limit` points each. */
function groupRows(rows: Row[], limit: number): SeriesResult {
  const byKey = new Map<string, Series>();
  for (const r of rows) {
    const key = `${r.device}\u0000${r.metric}`;
    let s = byKey.get(key);
    if (!s) byKey.set(key, (s = { device: r.device, metric: r.metric, points: [], truncated: false }));
    if (s.points.length < limit) s.points.push({ ts: r.ts, value: r.value });
    else s.truncated = true;
  }
  return { series: [...byKey.values()] };
}

export class AeQueryFailed extends Error {
  override readonly name = "AeQueryFailed";
}

export function analyticsEngineBackend(options: AeApiConfig & { tenant: string; fetch?: typeof fetch }): TelemetryBackend {
  const config = AeApiConfig.parse(options);
  const send = options.fetch ?? fetch;
  return {
    name: "analytics-engine",
    async series(query) {
      const q = SeriesQuery.parse(query);
      const sql = buildAeSeriesSql({ tenant: options.tenant, query: q, ...(config.dataset ? { dataset: config.dataset } : {}) });
      const res = await send(aeSqlRequest(config, sql));
      if (!res.ok) throw new AeQueryFailed(`Analytics Engine SQL API answered ${res.status}`);
      const json: unknown = await res.json();
      if (q.bucket === "raw") {
        try {
          return groupRows(unpackRawRows(Response(RawRow).parse(json).data, q.from, q.to), q.limit);
        } catch (err) {
          if (err instanceof AeLayoutError) throw new AeQueryFailed(err.message);
          throw err;
        }
      }
      const rows = Response(BucketRow)
        .parse(json)
        .data.map((r) => ({ device: r.device, metric: r.metric, ts: r.bucket, value: r.value }));
      return groupRows(rows, q.limit);
    },
  };
}
