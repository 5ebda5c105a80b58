/**
 * Route metadata rides on the middleware functions themselves, so the router's own route list
 * (`app.routes`) is the single source for the OpenAPI document, the permission-matrix tests
 * and the isolation suite's coverage check: a route cannot be documented or tested without
 * actually being mounted, and cannot be mounted without being seen by them.
 */
import type { z } from "zod";
import type { Role } from "../../domain/roles";

export type ResponseDoc = { status: number; description: string; schema?: z.ZodType; contentType?: string };
/** A request header a route reads (documented as an OpenAPI header parameter). */
export type HeaderDoc = { name: string; description: string; schema?: Record<string, unknown> };

export type RouteMeta =
  | { kind: "doc"; summary: string; description?: string; tags?: string[]; responses: ResponseDoc[]; headers?: HeaderDoc[] }
  | { kind: "validate"; target: "json" | "query" | "param"; schema: z.ZodType }
  | { kind: "auth"; scope: "tenant" | "operator" }
  | { kind: "role"; min: Role };

const registry = new WeakMap<object, RouteMeta>();

export function withMeta<F extends object>(fn: F, meta: RouteMeta): F {
  registry.set(fn, meta);
  return fn;
}

export function metaOf(fn: object): RouteMeta | undefined {
  return registry.get(fn);
}
