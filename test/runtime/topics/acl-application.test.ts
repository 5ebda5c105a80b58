import { describe, expect, it } from "vitest";
import { ROLES, type Role } from "../../../domain/roles";
import { canPublish, canSubscribe, type AclDecision, type Principal } from "../../../domain/topics";

const app = (role: Role, tenant = "acme"): Principal => ({ kind: "application", tenant, role, clientId: `app-${role}` });
const outcome = (decision: AclDecision) => (decision.allowed ? "allow" : decision.reason);

type Expectation = Record<Role, string>;
const all = (value: string): Expectation => ({ VIEWER: value, MEMBER: value, ADMIN: value, OWNER: value });
const adminOnly: Expectation = { VIEWER: "read_only_role", MEMBER: "insufficient_role", ADMIN: "allow", OWNER: "allow" };
const memberUp: Expectation = { VIEWER: "read_only_role", MEMBER: "allow", ADMIN: "allow", OWNER: "allow" };

const PUBLISH: readonly (readonly [string, Expectation])[] = [
  ["t/acme/devices/d1/cmd/c-1", memberUp],
  ["t/acme/devices/d1/attributes/set", memberUp],
  // OTA changes firmware on the fleet: ADMIN and up (documented decision).
  ["t/acme/devices/d1/ota", adminOnly],
  ["t/acme/devices/d1/telemetry", adminOnly],
  ["t/acme/devices/d1/cmd/c-1/response", adminOnly],
  ["t/acme/devices/d1/cmd/not valid id", adminOnly],
  ["t/acme/gateways/gw/telemetry", adminOnly],
  ["t/acme/dashboards/main", adminOnly],
  ["t/acme", adminOnly],
  ["tenants/acme/assets/a/sensors/s/telemetry", adminOnly],
  ["tenants/acme/notes", adminOnly],
  ["$SYS/t/acme/stats", all("sys_read_only")],
  ["$SYS/t/acme/stats/connections", all("sys_read_only")],
  // cross-tenant and look-alikes
  ["t/globex/devices/d1/cmd/c-1", all("foreign_tenant")],
  ["t/acme2/devices/d1/cmd/c-1", all("foreign_tenant")],
  ["t/acm/devices/d1/cmd/c-1", all("foreign_tenant")],
  ["t/acme-/x", all("foreign_tenant")],
  ["tenants/globex/assets/a/sensors/s/telemetry", all("foreign_tenant")],
  ["$SYS/t/globex/stats", all("foreign_tenant")],
  ["t//acme/devices/d1/cmd/c-1", all("foreign_tenant")],
  ["acme/devices/d1/cmd/c-1", all("outside_tenant_namespace")],
  ["$SYS/broker/uptime", all("outside_tenant_namespace")],
  ["$SYS/t/acme", all("outside_tenant_namespace")],
  ["t/acme/devices/+/cmd/c-1", all("invalid_topic")],
  ["t/acme/#", all("invalid_topic")],
];

const SUBSCRIBE: readonly (readonly [string, string])[] = [
  ["t/acme/#", "allow"],
  ["t/acme/devices/+/telemetry", "allow"],
  ["t/acme/devices/d1/#", "allow"],
  ["t/acme/+/+/cmd/+/response", "allow"],
  ["t/acme", "allow"],
  ["tenants/acme/#", "allow"],
  ["tenants/acme/assets/+/sensors/+/telemetry", "allow"],
  ["$SYS/t/acme/stats/#", "allow"],
  ["$SYS/t/acme/stats", "allow"],
  ["$SYS/t/acme/stats/+", "allow"],
  ["$share/ingest/t/acme/devices/+/telemetry", "allow"],
  ["$share/ingest/t/acme/#", "allow"],
  // too broad: a wildcard where the tenant is named
  ["#", "wildcard_too_broad"],
  ["+", "wildcard_too_broad"],
  ["+/#", "wildcard_too_broad"],
  ["+/acme/#", "wildcard_too_broad"],
  ["t/+/#", "wildcard_too_broad"],
  ["t/#", "wildcard_too_broad"],
  ["t/+/devices/d1/telemetry", "wildcard_too_broad"],
  ["tenants/+/assets/#", "wildcard_too_broad"],
  ["$SYS/#", "wildcard_too_broad"],
  ["$SYS/+/acme/stats", "wildcard_too_broad"],
  ["$SYS/t/+/stats/#", "wildcard_too_broad"],
  ["$SYS/t/acme/#", "wildcard_too_broad"],
  ["$SYS/t/acme/+", "wildcard_too_broad"],
  ["$share/g/#", "wildcard_too_broad"],
  ["$share/g/t/+/#", "wildcard_too_broad"],
  // other tenants and look-alikes
  ["t/globex/#", "foreign_tenant"],
  ["t/acme2/#", "foreign_tenant"],
  ["t/acm/#", "foreign_tenant"],
  ["t/ACME/#", "foreign_tenant"],
  ["t//acme/#", "foreign_tenant"],
  ["tenants/globex/#", "foreign_tenant"],
  ["$SYS/t/globex/stats/#", "foreign_tenant"],
  ["$share/g/t/globex/#", "foreign_tenant"],
  ["$share/acme/t/globex/#", "foreign_tenant"],
  // outside every namespace
  ["t", "outside_tenant_namespace"],
  ["acme/#", "outside_tenant_namespace"],
  ["/t/acme/#", "outside_tenant_namespace"],
  ["$SYS/broker/#", "outside_tenant_namespace"],
  ["$SYS/t/acme", "outside_tenant_namespace"],
  ["$SYS/t/acme/other/#", "outside_tenant_namespace"],
  ["$SYS", "outside_tenant_namespace"],
  // malformed
  ["t/acme/#/x", "invalid_filter"],
  ["t/acme/a+", "invalid_filter"],
  ["$share//t/acme/#", "invalid_filter"],
  ["$share/g", "invalid_filter"],
];

describe("application ACL", () => {
  for (const role of ROLES) {
    describe(role, () => {
      it.each(PUBLISH)(`publish %j`, (topic, expected) => {
        expect(outcome(canPublish(app(role), topic))).toBe(expected[role]);
      });

      it.each(SUBSCRIBE)(`subscribe %j → %s`, (filter, expected) => {
        expect(outcome(canSubscribe(app(role), filter))).toBe(expected);
      });
    });
  }

  it("judges every principal against its own tenant only", () => {
    const globex = app("OWNER", "globex");
    expect(outcome(canPublish(globex, "t/globex/devices/d1/ota"))).toBe("allow");
    expect(outcome(canPublish(globex, "t/acme/devices/d1/ota"))).toBe("foreign_tenant");
    expect(outcome(canSubscribe(globex, "t/acme/#"))).toBe("foreign_tenant");
    expect(outcome(canSubscribe(globex, "t/globex/#"))).toBe("allow");
  });

  it.each([
    ["acme/", "look-alike with a slash"],
    ["acme/#", "wildcard smuggled into the tenant"],
    ["+", "wildcard tenant"],
    ["ACME", "uppercase"],
    ["a", "too short"],
  ])("fails closed on principal tenant %j (%s)", (tenant) => {
    const principal = app("OWNER", tenant);
    expect(outcome(canPublish(principal, "t/acme/x"))).toBe("invalid_principal");
    expect(outcome(canSubscribe(principal, "t/acme/#"))).toBe("invalid_principal");
    expect(outcome(canSubscribe(principal, "#"))).toBe("invalid_principal");
  });

  it("fails closed on an unknown role", () => {
    const principal = { ...app("OWNER"), role: "ROOT" } as unknown as Principal;
    expect(outcome(canPublish(principal, "t/acme/x"))).toBe("invalid_principal");
    expect(outcome(canSubscribe(principal, "t/acme/#"))).toBe("invalid_principal");
  });
});
