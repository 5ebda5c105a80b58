/**
 * Data residency. workerd does not implement Durable Object jurisdictions ("Jurisdiction
 * restrictions are not implemented in workerd"), so the routing decision lives in one function,
 * `hubFor`, tested here against a recording namespace; the tests' Worker runs `record-only`.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { jurisdictionFor, residencyMode } from "../../../domain/lifecycle/residency";
import { hubFor, namespaceFor } from "../../../workers/control-plane/residency";
import { api, expectOk, OPERATOR_TOKEN, unique } from "../helpers";

/** A namespace that records which jurisdiction it was narrowed to and which name it was asked for. */
function recordingNamespace() {
  const calls: string[] = [];
  const make = (scope: string): DurableObjectNamespace =>
    ({
      jurisdiction: (j: string) => (calls.push(`jurisdiction:${j}`), make(j)),
      getByName: (name: string) => (calls.push(`${scope}/${name}`), { scope, name }),
    }) as unknown as DurableObjectNamespace;
  return { ns: make("global"), calls };
}

describe("data residency", () => {
  it("places eu and fedramp tenants' hubs in their jurisdiction, default tenants anywhere", () => {
    for (const [region, expected] of [
      ["eu", ["jurisdiction:eu", "eu/t1"]],
      ["fedramp", ["jurisdiction:fedramp", "fedramp/t1"]],
      ["default", ["global/t1"]],
    ] as const) {
      const { ns, calls } = recordingNamespace();
      hubFor({ ...env, TENANT_HUB: ns, DURABLE_OBJECT_JURISDICTIONS: "enforce" } as unknown as Env, { id: "t1", region });
      expect(calls, region).toEqual(expected);
    }
  });

  it("only records the region when told to (runtimes without jurisdictions), and enforces on anything else", () => {
    const { ns, calls } = recordingNamespace();
    namespaceFor(ns, { DURABLE_OBJECT_JURISDICTIONS: "record-only" }, { id: "t1", region: "eu" }).getByName("t1");
    expect(calls).toEqual(["global/t1"]);
    expect(residencyMode(undefined)).toBe("enforce");
    expect(residencyMode("record_only")).toBe("enforce"); // a typo must not move EU data out of the EU
    expect(jurisdictionFor("eu", "enforce")).toBe("eu");
    expect(jurisdictionFor("eu", "record-only")).toBeNull();
  });

  it("this runtime really has no jurisdictions, which is why the tests run record-only", () => {
    expect(() => env.TENANT_HUB.jurisdiction("eu").getByName("probe")).toThrow(/not implemented/);
  });

  it("records the region at signup and shows it in the API; an eu tenant works end to end", async () => {
    const id = unique("eu");
    const body = await expectOk(api("POST", "/api/v1/auth/signup", { body: { email: `${unique("eu")}@example.com`, password: "correct horse battery", tenant: { id, name: "EU tenant", region: "eu" } } }), 201);
    expect(body.tenant).toMatchObject({ region: "eu", status: "active" });
    expect((await expectOk(api("GET", "/api/v1/tenant", { token: body.token.token }))).tenant.region).toBe("eu");
    expect((await expectOk(api("GET", `/api/v1/admin/tenants/${id}`, { token: OPERATOR_TOKEN }))).region).toBe("eu");
    const region = await api("PATCH", "/api/v1/tenant", { token: body.token.token, body: { region: "default" } });
    expect(region.status).toBe(400); // the region is fixed: objects cannot move between jurisdictions
  });
});
