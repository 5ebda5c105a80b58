import type { MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import { z } from "zod";
import { AppError } from "../../domain/errors";
import type { AppEnv } from "./app-env";
import { fieldErrors } from "./problem";
import { metaOf, withMeta } from "./route-meta";

type Target = "json" | "query" | "param";
const MAX_JSON_BYTES = 1024 * 1024;

async function readJson(c: Parameters<MiddlewareHandler<AppEnv>>[0]): Promise<unknown> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type)) throw new AppError("unsupported_media_type", "send the body as application/json");
  const declared = Number(c.req.header("content-length") ?? 0);
  if (declared > MAX_JSON_BYTES) throw new AppError("payload_too_large", `bodies are limited to ${MAX_JSON_BYTES} bytes`);
  const text = await c.req.text();
  if (text.length > MAX_JSON_BYTES) throw new AppError("payload_too_large", `bodies are limited to ${MAX_JSON_BYTES} bytes`);
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "the body is not valid JSON");
  }
}

/** The parameter names a query schema knows, or null when it is not an object schema. */
function queryNames(schema: z.ZodType): Set<string> | null {
  if (schema instanceof z.ZodObject) return new Set(Object.keys(schema.shape));
  if (schema instanceof z.ZodPipe) return queryNames(schema.in as z.ZodType);
  return null;
}

/**
 * One rule for every query string: a parameter the route does not know is refused (a typo must
 * not silently widen a filter), and so is a parameter given twice — every parameter is single-
 * valued (lists are comma-separated), and taking the first of two would be a guess.
 */
function queryProblems(all: Record<string, string[]>, known: Set<string> | null): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  for (const [name, values] of Object.entries(all)) {
    if (known && !known.has(name)) problems.push({ path: `query.${name}`, message: `unknown parameter; this route takes ${[...known].join(", ") || "none"}` });
    else if (values.length > 1) problems.push({ path: `query.${name}`, message: "given more than once; give it once (lists are comma-separated)" });
  }
  return problems;
}

/**
 * The same rule on routes that take no query string at all: a parameter there is unknown too
 * (`GET /tenant?surprise=1` is a 400, not a silent 200). Mounted once before the routes; it reads
 * which handlers matched, so a route that validates its query is left to validate().
 */
export const refuseQueryWhereNoneIsTaken: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!c.req.url.includes("?")) return next();
  const matched = matchedRoutes(c);
  const isRoute = matched.some((r) => r.method !== "ALL");
  const takesQuery = matched.some((r) => {
    const meta = metaOf(r.handler);
    return meta?.kind === "validate" && meta.target === "query";
  });
  if (!isRoute || takesQuery) return next();
  const problems = queryProblems(c.req.queries(), new Set());
  if (problems.length) throw new AppError("validation_failed", `invalid query: ${problems.map((e) => `${e.path}: ${e.message}`).join("; ")}`, { errors: problems });
  return next();
};

/**
 * Validates one part of the request with a zod schema; failures become a 400 problem listing
 * every failing field (`errors[].path` is prefixed with the part: `body.name`, `query.limit`).
 */
export function validate<T extends Target, S extends z.ZodType>(target: T, schema: S): MiddlewareHandler<AppEnv, string, { in: { [K in T]: z.input<S> }; out: { [K in T]: z.output<S> } }> {
  const known = target === "query" ? queryNames(schema) : null;
  const mw: MiddlewareHandler<AppEnv> = async (c, next) => {
    if (target === "query") {
      const problems = queryProblems(c.req.queries(), known);
      if (problems.length) throw new AppError("validation_failed", `invalid query: ${problems.map((e) => `${e.path}: ${e.message}`).join("; ")}`, { errors: problems });
    }
    const raw = target === "json" ? await readJson(c) : target === "query" ? c.req.query() : c.req.param();
    const result = await schema.safeParseAsync(raw);
    if (!result.success) {
      const where = target === "json" ? "body" : target;
      const errors = fieldErrors(result.error).map((e) => ({ ...e, path: e.path === "(root)" ? where : `${where}.${e.path}` }));
      throw new AppError("validation_failed", `invalid ${where}: ${errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`, { errors });
    }
    c.req.addValidatedData(target, result.data as object);
    await next();
  };
  return withMeta(mw, { kind: "validate", target, schema }) as never;
}
