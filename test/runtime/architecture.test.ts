/**
 * Walls that keep tenant isolation true by construction, checked on the source itself:
 * - route handlers reach tenant-owned tables only through the tenant-scoped data layer;
 * - shared domain code imports no Hono, no Durable Object class and no binding.
 */
import { describe, expect, it } from "vitest";
import { queryCount, unpinnedQueries } from "./tenant-pin";

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
    // Each repository is a function of (db, tenantId)…
    for (const [file, source] of repos) expect(source, file).toMatch(/export function \w+Repo\(db: Db, tenantId: string\)/);
    // …and every one of its queries derives its condition, its values or its raw SQL from that tenantId.
    expect(repos.reduce((n, [, source]) => n + queryCount(source), 0)).toBeGreaterThan(100);
    const offences = repos.flatMap(([file, source]) => unpinnedQueries(source).map((o) => `${file}:${o.line}: ${o.why}: ${o.query}`));
    expect(offences).toEqual([]);
  });

  it("the tenant-pin check flags a query that is not pinned", () => {
    const repo = (body: string) => `export function thingRepo(db: Db, tenantId: string) {\n  const mine = eq(things.tenantId, tenantId);\n  const byId = (id: string) => and(mine, eq(things.id, id));\n${body}\n}`;
    const whys = (body: string) => unpinnedQueries(repo(body)).map((o) => o.why);
    expect(whys("return db.select().from(things).where(byId(id)).get();")).toEqual([]);
    expect(whys("return db.insert(things).values({ tenantId, id }).run();")).toEqual([]);
    expect(whys("return db.run(sql`DELETE FROM things WHERE tenant_id = ${tenantId} AND id = ${id}`);")).toEqual([]);
    expect(whys("return db.select().from(things).where(eq(things.id, id)).get();")).toEqual([".where(…) does not restrict to tenantId"]);
    expect(whys("return db.select().from(things).all();")).toEqual(["no .where(…)"]);
    expect(whys("return db.update(things).set({ name }).where(eq(things.tenantId, things.tenantId));")).toEqual([".where(…) does not restrict to tenantId"]);
    expect(whys("return db.insert(things).values({ id, name });")).toEqual(["inserted rows do not carry tenantId"]);
    expect(whys("return db.insert(things).select(sql`SELECT ${tenantId}, id FROM others`);")).toEqual([]);
    expect(whys("return db.insert(things).select(sql`SELECT tenant_id, id FROM others`);")).toEqual(["inserted rows do not carry tenantId"]);
    expect(whys("return db.run(sql`DELETE FROM things WHERE id = ${id}`); // tenantId")).toEqual(["raw SQL does not bind tenantId"]);
    expect(whys("return db.select().from(things).where(afterCursor(things.id, cursor, and(byId(id), sql`x > 1`))).all();")).toEqual([]);
    // A term of an OR does not restrict anything: other tenants' rows get through.
    expect(whys("return db.select().from(things).where(or(mine, eq(things.id, id))).all();")).toEqual([".where(…) does not restrict to tenantId"]);
    expect(whys("const loose = (id: string) => or(mine, eq(things.id, id));\nreturn db.delete(things).where(loose(id));")).toEqual([".where(…) does not restrict to tenantId"]);
    expect(whys("return db.select().from(things).where(afterCursor(things.id, cursor, eq(things.id, id))).all();")).toEqual([".where(…) does not restrict to tenantId"]);
    // A local name that shadows a pinned one is judged by its own declaration.
    expect(whys("const f = () => { const mine = eq(things.id, id); return db.delete(things).where(mine); };")).toEqual([".where(…) does not restrict to tenantId"]);
  });
});
