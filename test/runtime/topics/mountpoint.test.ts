import { describe, expect, it } from "vitest";
import { canPublish, canSubscribe, expandMountpoint, mountFilter, mountTopic, TENANT_MOUNTPOINT_TEMPLATE, unmountTopic, validateMountpoint, type Principal } from "../../../domain/topics";

const MP = "t/acme/";

describe("mountTopic / unmountTopic", () => {
  it.each([
    ["TopicA", "t/acme/TopicA"],
    ["devices/d1/telemetry", "t/acme/devices/d1/telemetry"],
    ["/x", "t/acme//x"],
    ["a/", "t/acme/a/"],
    // Topic levels are names, not paths: `..` is a literal level and stays inside.
    ["../globex/devices/d1/telemetry", "t/acme/../globex/devices/d1/telemetry"],
    ["t/globex/x", "t/acme/t/globex/x"],
  ])("mounts %j as %j and back", (relative, canonical) => {
    expect(mountTopic(MP, relative)).toBe(canonical);
    expect(unmountTopic(MP, canonical)).toBe(relative);
  });

  it("does not mount `$` topics (they are server topics outside any prefix)", () => {
    expect(mountTopic(MP, "$SYS/t/acme/stats")).toBe("$SYS/t/acme/stats");
    expect(unmountTopic(MP, "$SYS/t/acme/stats/connections")).toBe("$SYS/t/acme/stats/connections");
  });

  it.each(["t/globex/x", "t/acme", "t/acme/", "t/acme2/x", "t/acm/x", "tenants/acme/assets/a/sensors/s/telemetry", "x"])("returns null for %j, which the client must not receive", (canonical) => {
    expect(unmountTopic(MP, canonical)).toBeNull();
  });

  it("is the identity without a mountpoint", () => {
    expect(mountTopic("", "t/acme/x")).toBe("t/acme/x");
    expect(unmountTopic("", "t/globex/x")).toBe("t/globex/x");
    expect(mountFilter("", "$share/g/#")).toBe("$share/g/#");
  });

  it("mounts wills and retained messages like any topic", () => {
    const will = mountTopic("t/acme/devices/d1/", "events");
    expect(will).toBe("t/acme/devices/d1/events");
    expect(unmountTopic("t/acme/devices/d1/", will)).toBe("events");
  });
});

describe("mountFilter", () => {
  it.each([
    ["#", "t/acme/#"],
    ["+/x", "t/acme/+/x"],
    ["devices/+/telemetry", "t/acme/devices/+/telemetry"],
    ["$share/g/x", "$share/g/t/acme/x"],
    ["$share/g/#", "$share/g/t/acme/#"],
    ["$share/g/+/+", "$share/g/t/acme/+/+"],
    ["$SYS/t/acme/stats/#", "$SYS/t/acme/stats/#"],
    ["$share/g/$SYS/t/acme/stats/#", "$share/g/$SYS/t/acme/stats/#"],
    ["$share/g", "$share/g"],
  ])("mounts %j as %j", (filter, mounted) => {
    expect(mountFilter(MP, filter)).toBe(mounted);
  });

  it("keeps wildcards from climbing out: mounted filters stay in the tenant for the ACL", () => {
    const app: Principal = { kind: "application", tenant: "acme", role: "VIEWER", clientId: "c" };
    for (const filter of ["#", "+/#", "+", "../#", "../../+/#", "$share/g/#", "$share/g/+/#"]) {
      expect(canSubscribe(app, mountFilter(MP, filter)), filter).toEqual({ allowed: true });
    }
    // Unmounted `$` filters are not rescued by the mountpoint: the ACL still judges them.
    expect(canSubscribe(app, mountFilter(MP, "$SYS/#"))).toEqual({ allowed: false, reason: "wildcard_too_broad" });
    expect(canSubscribe(app, mountFilter(MP, "$SYS/t/globex/stats/#"))).toEqual({ allowed: false, reason: "foreign_tenant" });
    const admin: Principal = { ...app, role: "ADMIN" };
    expect(canPublish(admin, mountTopic(MP, "../globex/x"))).toEqual({ allowed: true }); // t/acme/../globex/x is acme's
    expect(canPublish(admin, mountTopic(MP, "$SYS/t/acme/stats"))).toEqual({ allowed: false, reason: "sys_read_only" });
  });
});

describe("expandMountpoint", () => {
  it("expands the tenant template", () => {
    expect(expandMountpoint(TENANT_MOUNTPOINT_TEMPLATE, { tenant: "acme", clientId: "c1" })).toEqual({
      ok: true,
      mountpoint: "t/acme/",
    });
  });

  it("expands client id and username inside the tenant", () => {
    expect(expandMountpoint("t/${tenant}/devices/${clientId}/", { tenant: "acme", clientId: "d1" })).toEqual({
      ok: true,
      mountpoint: "t/acme/devices/d1/",
    });
    expect(expandMountpoint("t/${tenant}/users/${username}/", { tenant: "acme", clientId: "c", username: "ann" })).toEqual({
      ok: true,
      mountpoint: "t/acme/users/ann/",
    });
    // A `/` or `..` in a client id only adds literal levels below the tenant.
    expect(expandMountpoint("t/${tenant}/${clientId}/", { tenant: "acme", clientId: "../globex" })).toEqual({
      ok: true,
      mountpoint: "t/acme/../globex/",
    });
  });

  it.each([
    ["t/${clientId}/", { tenant: "acme", clientId: "globex" }, "escapes_tenant"],
    ["t/${clientId}/", { tenant: "acme", clientId: "acme2" }, "escapes_tenant"],
    ["t/${tenant}${clientId}/", { tenant: "acme", clientId: "2" }, "escapes_tenant"],
    ["t/${tenant}", { tenant: "acme", clientId: "c" }, "escapes_tenant"],
    ["${clientId}", { tenant: "acme", clientId: "t/acme/" }, "ok"],
    ["${clientId}", { tenant: "acme", clientId: "t/globex/" }, "escapes_tenant"],
    ["${clientId}/", { tenant: "acme", clientId: "../t/globex" }, "escapes_tenant"],
    ["tenants/${tenant}/", { tenant: "acme", clientId: "c" }, "escapes_tenant"],
    ["$SYS/t/${tenant}/", { tenant: "acme", clientId: "c" }, "escapes_tenant"],
    ["", { tenant: "acme", clientId: "c" }, "escapes_tenant"],
    ["t/${tenant}/x", { tenant: "acme", clientId: "c" }, "missing_trailing_slash"],
    ["t/${tenant}/${clientId}/", { tenant: "acme", clientId: "+" }, "wildcard"],
    ["t/${tenant}/${clientId}/", { tenant: "acme", clientId: "#" }, "wildcard"],
    ["t/${tenant}/${clientId}/", { tenant: "acme", clientId: "a\u0000" }, "nul"],
    ["t/${tenant}/${clientId}/", { tenant: "acme", clientId: "a\n" }, "control_char"],
    ["t/${tenant}/${clientId}/", { tenant: "acme", clientId: "" }, "empty_placeholder_value"],
    ["t/${tenant}/${username}/", { tenant: "acme", clientId: "c" }, "empty_placeholder_value"],
    ["t/${tenant}/${peerhost}/", { tenant: "acme", clientId: "c" }, "unknown_placeholder"],
    ["t/${tenant}/${clientId/", { tenant: "acme", clientId: "c" }, "unterminated_placeholder"],
    ["t/${tenant}/", { tenant: "acme/", clientId: "c" }, "invalid_tenant"],
    ["t/${tenant}/", { tenant: "+", clientId: "c" }, "invalid_tenant"],
    ["t/${tenant}/", { tenant: "", clientId: "c" }, "empty_placeholder_value"],
  ])("%j with %j → %s", (template, variables, expected) => {
    const result = expandMountpoint(template, variables);
    expect(result.ok ? "ok" : result.reason).toBe(expected);
  });
});

describe("validateMountpoint", () => {
  it.each([
    ["t/acme/", "acme", "ok"],
    ["t/acme/devices/d1/", "acme", "ok"],
    ["t/acme", "acme", "escapes_tenant"],
    ["t/acme2/", "acme", "escapes_tenant"],
    ["t/acm/", "acme", "escapes_tenant"],
    ["t/+/", "acme", "escapes_tenant"],
    ["t/acme/+/", "acme", "wildcard"],
    ["t/acme/#/", "acme", "wildcard"],
    ["/t/acme/", "acme", "escapes_tenant"],
    ["t/acme/", "ACME", "invalid_tenant"],
  ])("%j for tenant %j → %s", (mountpoint, tenant, expected) => {
    const result = validateMountpoint(mountpoint, tenant);
    expect(result.ok ? "ok" : result.reason).toBe(expected);
  });
});
