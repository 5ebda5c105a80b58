/**
 * Walls that keep tenant isolation true by construction, checked on the source itself:
 * - route handlers reach tenant-owned tables only through the tenant-scoped data layer;
 * - shared domain code imports no Hono, no Durable Object class and no binding.
 */
import { describe, expect, it } from "vitest";

const routeSources = import.meta.glob(["../../workers/routes/**/*.ts"], { query: "?raw", import: "default", eager: true }) as Record<string, string>;
const httpSources = import.meta.glob(["../../workers/http/**/*.ts"], { query: "?raw", import: "default", eager: true }) as Record<string, string>;
const domainSources = import.meta.glob(["../../domain/**/*.ts"], { query: "?raw", import: "default", eager: true }) as Record<string, string>;

/** Lines that show direct table or database access. */
const DIRECT_DB = [
  /\bREGISTRY\b/, // the D1 binding
  /from\s+["'][^"']*domain\/data\/(schema|db|repos\/[^"']+)["']/, // drizzle tables, raw db, repositories
  /from\s+["']drizzle-orm/, // query builders
  /\bforTenant\s*\(/, // building a scope from an unverified id
  /\bplatformData\s*\(/,
];

describe("architecture", () => {
  it("finds the sources it checks", () => {
    expect(Object.keys(routeSources).length).toBeGreaterThanOrEqual(9);
    expect(Object.keys(domainSources).length).toBeGreaterThan(10);
  });

  it("route handlers never touch drizzle tables or env.REGISTRY directly", () => {
    const offences: string[] = [];
    for (const [file, source] of Object.entries(routeSources)) {
      source.split("\n").forEach((line, i) => {
        if (DIRECT_DB.some((re) => re.test(line))) offences.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offences).toEqual([]);
  });

  it("only the auth, host and scoped-data middlewares open the registry", () => {
    const allowed = ["auth.ts", "audit.ts", "host.ts", "scoped.ts"];
    const opening = Object.entries(httpSources)
      .filter(([, s]) => /\bREGISTRY\b/.test(s))
      .map(([f]) => f.split("/").pop()!);
    expect(opening.filter((f) => !allowed.includes(f))).toEqual([]);
  });

  it("domain code imports no Hono, no Durable Object class and no binding", () => {
    const offences: string[] = [];
    for (const [file, source] of Object.entries(domainSources)) {
      source.split("\n").forEach((line, i) => {
        if (/from\s+["'](hono|cloudflare:workers)/.test(line) || /\benv\.[A-Z_]+\b/.test(line) || /durable-objects\//.test(line) || /workers\//.test(line.match(/from\s+["']([^"']+)/)?.[1] ?? "")) {
          offences.push(`${file}:${i + 1}: ${line.trim()}`);
        }
      });
    }
    expect(offences).toEqual([]);
  });

  it("every repository query pins tenant_id", () => {
    const repos = Object.entries(domainSources).filter(([f]) => f.includes("/data/repos/"));
    expect(repos.length).toBeGreaterThanOrEqual(6);
    for (const [file, source] of repos) {
      // Each repository is a function of (db, tenantId) and derives its conditions from tenantId.
      expect(source, file).toMatch(/export function \w+Repo\(db: Db, tenantId: string\)/);
      expect(source, file).toMatch(/eq\(\w+\.tenantId, tenantId\)|tenantId,/);
    }
  });
});
