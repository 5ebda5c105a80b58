import type { MiddlewareHandler } from "hono";
import type { z } from "zod";
import type { AppEnv } from "./app-env";
import { withMeta, type HeaderDoc, type ResponseDoc } from "./route-meta";

type DocInput = { summary: string; description?: string; tags?: string[]; ok?: { status?: number; schema?: z.ZodType; description?: string; contentType?: string }; errors?: number[]; headers?: HeaderDoc[] };

export const ERROR_DESCRIPTIONS: Record<number, string> = {
  304: "Not modified (If-None-Match names the current version)",
  400: "Invalid request (problem+json lists the failing fields)",
  401: "Missing or invalid credentials",
  403: "Not allowed for this role, tenant state or plan limit",
  404: "Not found in this tenant",
  409: "Conflicts with the current state",
  412: "Changed since it was read: If-Match names a version that is no longer current (problem+json `currentVersion`)",
  413: "Body too large",
  415: "Body is not JSON",
  428: "If-Match is required (the ETag of the version being replaced)",
  429: "Rate limited (Retry-After says when to try again)",
  503: "Temporarily unavailable; try again",
};

/** Documents a route for OpenAPI; at run time it only passes through. */
export function doc(input: DocInput): MiddlewareHandler<AppEnv> {
  const responses: ResponseDoc[] = [
    { status: input.ok?.status ?? 200, description: input.ok?.description ?? "OK", ...(input.ok?.schema ? { schema: input.ok.schema } : {}), ...(input.ok?.contentType ? { contentType: input.ok.contentType } : {}) },
    ...(input.errors ?? []).map((status) => ({ status, description: ERROR_DESCRIPTIONS[status] ?? "Error" })),
  ];
  const mw: MiddlewareHandler<AppEnv> = async (_c, next) => next();
  return withMeta(mw, { kind: "doc", summary: input.summary, ...(input.description ? { description: input.description } : {}), ...(input.tags ? { tags: input.tags } : {}), responses, ...(input.headers ? { headers: input.headers } : {}) });
}
