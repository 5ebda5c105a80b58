/**
 * OpenAPI 3.1, generated from the mounted routes: each route's `doc()`, `validate()`,
 * `authenticate` and `requireRole()` middlewares carry their metadata (route-meta.ts).
 */
import type { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "./app-env";
import { ERROR_CODES } from "../../domain/errors";
import { ERROR_DESCRIPTIONS } from "./doc";
import { metaOf, type RouteMeta } from "./route-meta";

export type RouteInfo = { method: string; path: string; metas: RouteMeta[] };

/** Groups the router's handler list into routes with their metadata, middleware included. */
export function describeRoutes(app: Hono<AppEnv>): RouteInfo[] {
  const routes = new Map<string, RouteInfo>();
  const wildcard: { path: string; metas: RouteMeta[] }[] = [];
  for (const r of app.routes) {
    const meta = metaOf(r.handler);
    if (r.method === "ALL") {
      if (meta) wildcard.push({ path: r.path, metas: [meta] });
      continue;
    }
    const key = `${r.method} ${r.path}`;
    const info = routes.get(key) ?? { method: r.method, path: r.path, metas: [] };
    if (meta) info.metas.push(meta);
    routes.set(key, info);
  }
  for (const info of routes.values()) {
    for (const w of wildcard) {
      const prefix = w.path.replace(/\/?\*$/, "");
      if (info.path === prefix || info.path.startsWith(`${prefix}/`)) info.metas.unshift(...w.metas);
    }
  }
  return [...routes.values()];
}

const jsonSchema = (schema: z.ZodType, io: "input" | "output") => z.toJSONSchema(schema, { io, unrepresentable: "any", target: "draft-2020-12" });
const openApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
const problemResponse = (status: number) => ({ description: ERROR_DESCRIPTIONS[status] ?? "Error", content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } } });

/**
 * The client errors a route can answer because of the middleware it runs, whether or not its
 * doc() lists them: validation → 400 (a JSON body also 413, 415); credentials → 401; a tenant's
 * routes → 403 (suspended tenant, another tenant's host) and 429 (the plan's API rate); a role →
 * 403; a path naming a resource → 404.
 */
function impliedErrors(info: RouteInfo): number[] {
  const statuses = new Set<number>();
  for (const m of info.metas) {
    if (m.kind === "validate") {
      statuses.add(400);
      if (m.target === "json") (statuses.add(413), statuses.add(415));
    } else if (m.kind === "auth") {
      statuses.add(401);
      if (m.scope === "tenant") (statuses.add(403), statuses.add(429));
    } else if (m.kind === "role") statuses.add(403);
  }
  if (/:[A-Za-z0-9_]+/.test(info.path)) statuses.add(404);
  return [...statuses];
}

function operation(info: RouteInfo) {
  const op: Record<string, unknown> = { operationId: `${info.method.toLowerCase()}${openApiPath(info.path).replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ?? "").toUpperCase())}` };
  const parameters: unknown[] = [];
  const responses: Record<string, unknown> = {};
  const notes: string[] = [];
  for (const m of info.metas) {
    if (m.kind === "doc") {
      op.summary = m.summary;
      if (m.description) notes.push(m.description);
      if (m.tags) op.tags = m.tags;
      for (const r of m.responses) {
        const type = r.contentType ?? (r.status >= 400 ? "application/problem+json" : "application/json");
        // A declared content type without a schema (CSV, an event stream) is text.
        const schema = r.schema ? jsonSchema(r.schema, "output") : r.status >= 400 ? { $ref: "#/components/schemas/Problem" } : r.contentType ? { type: "string" } : null;
        responses[String(r.status)] = { description: r.description, ...(schema ? { content: { [type]: { schema } } } : {}) };
      }
      for (const h of m.headers ?? []) parameters.push({ name: h.name, in: "header", required: false, description: h.description, schema: h.schema ?? { type: "string" } });
    } else if (m.kind === "validate") {
      const schema = jsonSchema(m.schema, "input") as { properties?: Record<string, unknown>; required?: string[] };
      if (m.target === "json") op.requestBody = { required: true, content: { "application/json": { schema } } };
      else for (const [name, s] of Object.entries(schema.properties ?? {})) parameters.push({ name, in: m.target === "param" ? "path" : "query", required: m.target === "param" || (schema.required ?? []).includes(name), schema: s });
    } else if (m.kind === "auth") {
      op.security = m.scope === "operator" ? [{ operatorToken: [] }] : [{ bearerToken: [] }, { apiKey: [] }];
    } else if (m.kind === "role") {
      notes.push(`Requires role ${m.min} or higher.`);
      op["x-min-role"] = m.min;
    }
  }
  if (!op.security) op.security = [];
  if (notes.length) op.description = notes.join("\n\n");
  if (parameters.length) op.parameters = parameters;
  if (!Object.keys(responses).some((s) => s.startsWith("2"))) responses["200"] = { description: "OK" };
  for (const status of impliedErrors(info)) responses[String(status)] ??= problemResponse(status);
  op.responses = responses;
  return op;
}

export function buildOpenApi(app: Hono<AppEnv>, serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const info of describeRoutes(app)) {
    if (!info.path.startsWith("/api/")) continue;
    (paths[openApiPath(info.path)] ??= {})[info.method.toLowerCase()] = operation(info);
  }
  return {
    openapi: "3.1.0",
    info: { title: "Skylark API", version: "1.0.0", description: "Multi-tenant IoT platform. Errors are RFC 9457 problem+json with a stable `code`." },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      securitySchemes: {
        bearerToken: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
        apiKey: { type: "apiKey", in: "header", name: "X-API-Key" },
        operatorToken: { type: "http", scheme: "bearer", description: "The platform operator token (OPERATOR_TOKEN)" },
      },
      schemas: {
        Problem: {
          type: "object",
          required: ["type", "title", "status", "detail", "code"],
          properties: {
            type: { type: "string" },
            title: { type: "string" },
            status: { type: "integer" },
            detail: { type: "string" },
            code: { type: "string", enum: Object.keys(ERROR_CODES), description: "stable machine-readable code (domain/errors.ts)" },
            requestId: { type: "string" },
            errors: { type: "array", description: "with validation_failed: each failing field", items: { type: "object", required: ["path", "message"], properties: { path: { type: "string" }, message: { type: "string" } } } },
          },
          additionalProperties: true,
        },
      },
    },
  };
}
