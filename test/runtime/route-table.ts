/** The mounted API routes with their declared metadata, for suites that must cover every route. */
import { app } from "../../workers/app";
import { describeRoutes, type RouteInfo } from "../../workers/http/openapi";
import type { Role } from "../../domain/roles";

export const apiRoutes = (): RouteInfo[] => describeRoutes(app).filter((r) => r.path.startsWith("/api/v1/"));

export const minRoleOf = (r: RouteInfo): Role | undefined => r.metas.find((m) => m.kind === "role")?.min as Role | undefined;
export const authScopeOf = (r: RouteInfo) => (r.metas.find((m) => m.kind === "auth") as { scope: string } | undefined)?.scope;

/** A concrete path for a route pattern, with placeholder ids that exist nowhere. */
export const concretePath = (pattern: string, fill = "does-not-exist") => pattern.replace(/:[A-Za-z0-9_]+/g, fill);
