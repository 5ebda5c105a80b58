/**
 * The served OpenAPI document is valid OpenAPI 3.1 (checked with a real validator against the
 * specification's own schema, as a client's tooling would) and says what clients trip over:
 * `Problem.code` is the closed set of domain/errors.ts, every route lists the client errors its
 * middleware can answer, and the live stream is text/event-stream resumed with Last-Event-ID.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../../domain/errors";
import { http } from "./client";

type Operation = { security?: unknown[]; parameters?: { name: string; in: string }[]; responses: Record<string, { content?: Record<string, { schema?: unknown }> }>; "x-min-role"?: string };
type Doc = { paths: Record<string, Record<string, Operation>>; components: { schemas: { Problem: { properties: { code: { enum: string[] } } } } } };

async function document(): Promise<Doc> {
  const res = await http<Doc>("GET", "/api/v1/openapi.json");
  expect(res.status).toBe(200);
  return res.body;
}

const operations = (doc: Doc) => Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, path, op })));

describe("the OpenAPI document", () => {
  it("is valid OpenAPI 3.1 for a real validator", async () => {
    const validator = new Validator();
    const result = await validator.validate(await document());
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("gives Problem.code as the closed set of error codes", async () => {
    const doc = await document();
    expect(doc.components.schemas.Problem.properties.code.enum.sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });

  it("lists on every route the client errors its middleware can answer, each a problem+json", async () => {
    const doc = await document();
    const tenant = doc.paths["/api/v1/tenant"]!.get!;
    expect(Object.keys(tenant.responses)).toEqual(expect.arrayContaining(["200", "401", "403", "429"]));
    for (const { route, path, op } of operations(doc)) {
      const statuses = Object.keys(op.responses);
      if (op.security?.length) expect(statuses, route).toContain("401");
      if (op["x-min-role"]) expect(statuses, route).toContain("403");
      if (op.parameters?.some((p) => p.in === "query" || p.in === "path")) expect(statuses, route).toContain("400");
      if (path.includes("{")) expect(statuses, route).toContain("404");
      for (const status of statuses.filter((s) => s.startsWith("4"))) expect(op.responses[status]!.content?.["application/problem+json"], `${route} ${status}`).toBeDefined();
    }
  });

  it("describes the live stream as text/event-stream resumed with Last-Event-ID", async () => {
    const stream = (await document()).paths["/api/v1/telemetry/stream"]!.get!;
    expect(stream.responses["200"]!.content?.["text/event-stream"]).toEqual({ schema: { type: "string" } });
    expect(stream.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: "Last-Event-ID", in: "header" })]));
    expect(Object.keys(stream.responses)).toEqual(expect.arrayContaining(["400", "401", "403", "404", "429"]));
  });
});
