/**
 * Bad input on every route gets a clear problem+json answer: a 4xx with a stable code, the
 * failing fields listed for validation errors, never a 500 or a stack trace.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ERROR_CODES } from "../../domain/errors";
import { api, OPERATOR_TOKEN, signup, type TenantFixture } from "./helpers";
import { apiRoutes, authScopeOf, concretePath } from "./route-table";

let t: TenantFixture;
beforeAll(async () => {
  t = await signup();
});

const BAD_BODIES: { label: string; body: string; contentType?: string }[] = [
  { label: "malformed JSON", body: "{not json" },
  { label: "JSON array", body: "[1,2,3]" },
  { label: "JSON null", body: "null" },
  { label: "wrong types", body: JSON.stringify({ id: 42, name: { a: 1 }, email: [], password: true, role: "KING", tenant: "x", type: 7, location: "here", tags: "t" }) },
  { label: "unknown fields", body: JSON.stringify({ surprise: 1, __proto__: { admin: true } }) },
  { label: "huge string", body: JSON.stringify({ id: "x".repeat(5000), name: "y".repeat(100_000) }) },
  { label: "not JSON content type", body: "id=1", contentType: "application/x-www-form-urlencoded" },
  { label: "NUL and control characters", body: JSON.stringify({ id: "a\u0000b", name: "\u0001\u0002", email: "a\u0000@x.y" }) },
];
const BAD_QUERIES = ["?limit=-1", "?limit=abc", "?limit=100000", "?cursor=%%%", "?cursor=" + "z".repeat(500), "?status=exploded&kind=nope&type=x", "?since=yesterday"];
const BAD_IDS = ["%00", "a%2Fb", "..", "x".repeat(300), "%F0%9F%94%A5", "id%20with%20spaces", "'%3B%20drop%20table%20devices%3B--"];

function tokenFor(scope: string | undefined) {
  return scope === "operator" ? OPERATOR_TOKEN : t.ownerToken;
}

function expectProblem(r: { status: number; body: any; headers: Headers }, label: string) {
  expect(r.status, label).toBeGreaterThanOrEqual(400);
  expect(r.status, label).toBeLessThan(500);
  expect(r.headers.get("content-type"), label).toContain("application/problem+json");
  expect(Object.keys(ERROR_CODES), label).toContain(r.body.code);
  expect(r.body.status, label).toBe(r.status);
  expect(JSON.stringify(r.body), label).not.toMatch(/at \w+ \(|\.ts:\d+|Error:/);
  expect(r.body.requestId, label).toMatch(/^req_/);
}

describe("bad input on every route", () => {
  it("bodies: every route with a JSON body answers 4xx problem+json", async () => {
    const routes = apiRoutes().filter((r) => r.metas.some((m) => m.kind === "validate" && m.target === "json"));
    expect(routes.length).toBeGreaterThan(15);
    for (const route of routes) {
      for (const bad of BAD_BODIES) {
        const r = await api(route.method, concretePath(route.path, "fixture-id"), { token: tokenFor(authScopeOf(route)), body: bad.body, headers: bad.contentType ? { "content-type": bad.contentType } : {} });
        expectProblem(r, `${route.method} ${route.path} with ${bad.label}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      }
    }
  });

  it("validation errors name the failing fields", async () => {
    const r = await api("POST", "/api/v1/devices", { token: t.ownerToken, body: { id: "bad/id", type: "toaster", location: { lat: 200, lon: 0 } } });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe("validation_failed");
    const paths = r.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["body.id", "body.type", "body.location.lat"]));
  });

  it("queries: every list route refuses bad query values with 400", async () => {
    const routes = apiRoutes().filter((r) => r.method === "GET" && r.metas.some((m) => m.kind === "validate" && m.target === "query"));
    expect(routes.length).toBeGreaterThan(5);
    for (const route of routes) {
      for (const q of BAD_QUERIES) {
        const r = await api("GET", concretePath(route.path, "fixture-id") + q, { token: tokenFor(authScopeOf(route)) });
        // Some routes ignore unknown parameters; what they must never do is fail on them.
        if (r.status !== 200) expectProblem(r, `GET ${route.path}${q}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
      }
      const r = await api("GET", `${concretePath(route.path, "fixture-id")}?limit=-1`, { token: tokenFor(authScopeOf(route)) });
      expectProblem(r, `GET ${route.path}?limit=-1`);
    }
  });

  it("ids: hostile path parameters get 400 or 404, never 500", async () => {
    const routes = apiRoutes().filter((r) => r.path.includes("/:"));
    for (const route of routes) {
      for (const id of BAD_IDS) {
        const path = concretePath(route.path, id);
        // `..` is resolved by the client before sending: `/rollouts/../devices` is a request for
        // `/devices`, another route altogether, so it says nothing about this one.
        if (new URL(path, "http://x").pathname !== path && apiRoutes().some((other) => other.method === route.method && new RegExp(`^${other.path.replace(/:[A-Za-z0-9_]+/g, "[^/]+")}$`).test(new URL(path, "http://x").pathname))) continue;
        const r = await api(route.method, path, { token: tokenFor(authScopeOf(route)), ...(["POST", "PATCH"].includes(route.method) ? { body: {} } : {}) });
        expectProblem(r, `${route.method} ${route.path} with id ${id}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      }
    }
  });

  it("authentication problems are problem+json too", async () => {
    for (const headers of [{}, { authorization: "Basic abc" }, { authorization: "Bearer not-a-token" }, { authorization: "Bearer a.b.c" }, { "x-api-key": "sky_nope" }] as Record<string, string>[]) {
      const r = await api("GET", "/api/v1/devices", { headers });
      expectProblem(r, JSON.stringify(headers));
      expect(r.status).toBe(401);
    }
  });

  it("unknown routes and methods are problem+json 404s", async () => {
    expectProblem(await api("GET", "/api/v1/nope", { token: t.ownerToken }), "unknown route");
    expectProblem(await api("PUT", "/api/v1/devices", { token: t.ownerToken, body: {} }), "unknown method");
  });
});
