/**
 * OpenAPI 3.1, generated from the mounted routes: each route's `doc()`, `validate()`,
 * `authenticate` and `requireRole()` middlewares carry their metadata (route-meta.ts).
 */
import type { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "./app-env";
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
        responses[String(r.status)] = { description: r.description, ...(r.schema ? { content: { [type]: { schema: jsonSchema(r.schema, "output") } } } : r.status >= 400 ? { content: { [type]: { schema: { $ref: "#/components/schemas/Problem" } } } } : {}) };
      }
    } else if (m.kind === "validate") {
      const schema = jsonSchema(m.schema, "input") as { properties?: Record<string, unknown>; required?: string[] };
      if (m.target === "json") op.requestBody = { required: true, content: { "application/json": { schema } } };
      else
        for (const [name, s] of Object.entries(schema.properties ?? {}))
          parameters.push({ name, in: m.target === "param" ? "path" : "query", required: m.target === "param" || (schema.required ?? []).includes(name), schema: s });
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
  op.responses = Object.keys(responses).length ? responses : { "200": { description: "OK" } };
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
          properties: { type: { type: "string" }, title: { type: "string" }, status: { type: "integer" }, detail: { type: "string" }, code: { type: "string" }, requestId: { type: "string" }, errors: { type: "array", items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } } } } },
        },
      },
    },
  };
}
