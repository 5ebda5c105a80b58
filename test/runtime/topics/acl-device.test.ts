import { describe, expect, it } from "vitest";
import { canPublish, canSubscribe, type AclDecision, type Principal } from "../../../domain/topics";

const device: Principal = { kind: "device", tenant: "acme", deviceId: "d1", deviceType: "device", children: [] };
const gateway: Principal = { kind: "device", tenant: "acme", deviceId: "gw1", deviceType: "gateway", children: ["c1", "c2"] };
// A plain device with a stray children list: children only count for gateways.
const deviceWithChildren: Principal = { ...device, children: ["c1"] };

const outcome = (decision: AclDecision) => (decision.allowed ? "allow" : decision.reason);

// [principal, topic, expected]
const PUBLISH: readonly (readonly [string, Principal, string, string])[] = [
  // own uplink channels
  ["device", device, "t/acme/devices/d1/telemetry", "allow"],
  ["device", device, "t/acme/devices/d1/heartbeat", "allow"],
  ["device", device, "t/acme/devices/d1/attributes", "allow"],
  ["device", device, "t/acme/devices/d1/cmd/c-7/response", "allow"],
  ["device", device, "t/acme/devices/d1/ota/status", "allow"],
  ["device", device, "t/acme/devices/d1/events", "allow"],
  ["device", device, "tenants/acme/assets/pump/sensors/temp/telemetry", "allow"],
  // own downlink channels: wrong direction
  ["device", device, "t/acme/devices/d1/attributes/set", "wrong_direction"],
  ["device", device, "t/acme/devices/d1/cmd/c-7", "wrong_direction"],
  ["device", device, "t/acme/devices/d1/ota", "wrong_direction"],
  // someone else's device
  ["device", device, "t/acme/devices/d2/telemetry", "not_own_device"],
  ["device", device, "t/acme/devices/d10/telemetry", "not_own_device"],
  ["device", device, "t/acme/devices/D1/telemetry", "not_own_device"],
  ["device", deviceWithChildren, "t/acme/devices/c1/telemetry", "not_own_device"],
  // gateway topics are for gateways
  ["device", device, "t/acme/gateways/d1/telemetry", "not_a_gateway"],
  ["device", device, "t/acme/gateways/gw1/telemetry", "not_own_device"],
  // anything else in the tenant
  ["device", device, "t/acme/devices/d1/telemetry/extra", "not_device_topic"],
  ["device", device, "t/acme/devices/d1", "not_device_topic"],
  ["device", device, "t/acme/dashboards/x", "not_device_topic"],
  ["device", device, "t/acme", "not_device_topic"],
  ["device", device, "t/acme//devices/d1/telemetry", "not_device_topic"],
  ["device", device, "tenants/acme/assets/pump", "not_device_topic"],
  ["device", device, "$SYS/t/acme/stats", "sys_read_only"],
  // other tenants and outside the namespaces
  ["device", device, "t/globex/devices/d1/telemetry", "foreign_tenant"],
  ["device", device, "t/acme2/devices/d1/telemetry", "foreign_tenant"],
  ["device", device, "t/acm/devices/d1/telemetry", "foreign_tenant"],
  ["device", device, "t/ACME/devices/d1/telemetry", "foreign_tenant"],
  ["device", device, "tenants/globex/assets/a/sensors/s/telemetry", "foreign_tenant"],
  ["device", device, "$SYS/t/globex/stats", "foreign_tenant"],
  ["device", device, "devices/d1/telemetry", "outside_tenant_namespace"],
  ["device", device, "t", "outside_tenant_namespace"],
  ["device", device, "/t/acme/devices/d1/telemetry", "outside_tenant_namespace"],
  ["device", device, "$SYS/broker/load", "outside_tenant_namespace"],
  ["device", device, "$SYS/t/acme/other", "outside_tenant_namespace"],
  // malformed topics
  ["device", device, "t/acme/devices/+/telemetry", "invalid_topic"],
  ["device", device, "t/acme/devices/d1/#", "invalid_topic"],
  ["device", device, "", "invalid_topic"],
  ["device", device, "t/acme/devices/d1/telemetry\u0000", "invalid_topic"],
  // gateways: themselves, their gateway topics, their children's uplinks
  ["gateway", gateway, "t/acme/gateways/gw1/telemetry", "allow"],
  ["gateway", gateway, "t/acme/gateways/gw1/attributes", "allow"],
  ["gateway", gateway, "t/acme/devices/gw1/telemetry", "allow"],
  ["gateway", gateway, "t/acme/devices/c1/telemetry", "allow"],
  ["gateway", gateway, "t/acme/devices/c2/cmd/x/response", "allow"],
  ["gateway", gateway, "t/acme/devices/c2/ota/status", "allow"],
  ["gateway", gateway, "t/acme/devices/c1/cmd/x", "wrong_direction"],
  ["gateway", gateway, "t/acme/devices/c3/telemetry", "not_own_device"],
  ["gateway", gateway, "t/acme/gateways/gw2/telemetry", "not_own_device"],
  ["gateway", gateway, "t/acme/gateways/c1/telemetry", "not_own_device"],
  ["gateway", gateway, "t/globex/devices/c1/telemetry", "foreign_tenant"],
  ["gateway", gateway, "t/globex/gateways/gw1/telemetry", "foreign_tenant"],
];

const SUBSCRIBE: readonly (readonly [string, Principal, string, string])[] = [
  // addressed to the device
  ["device", device, "t/acme/devices/d1/attributes/set", "allow"],
  ["device", device, "t/acme/devices/d1/cmd/+", "allow"],
  ["device", device, "t/acme/devices/d1/cmd/c-7", "allow"],
  ["device", device, "t/acme/devices/d1/ota", "allow"],
  ["device", device, "$share/g/t/acme/devices/d1/cmd/+", "allow"],
  // wildcards reaching topics not addressed to the device
  ["device", device, "t/acme/devices/d1/#", "wildcard_too_broad"],
  ["device", device, "t/acme/devices/d1/+", "wildcard_too_broad"],
  ["device", device, "t/acme/devices/d1/+/+", "wildcard_too_broad"],
  ["device", device, "t/acme/devices/d1/+/set", "wildcard_too_broad"],
  ["device", device, "t/acme/devices/d1/attributes/+", "wildcard_too_broad"],
  ["device", device, "t/acme/devices/d1/cmd/#", "wildcard_too_broad"],
  ["device", device, "t/acme/devices/+/cmd/+", "wildcard_too_broad"],
  ["device", device, "t/acme/devices/+/ota", "wildcard_too_broad"],
  ["device", device, "t/acme/+/d1/ota", "wildcard_too_broad"],
  ["device", device, "t/acme/#", "wildcard_too_broad"],
  ["device", device, "t/acme/+/+/+/+", "wildcard_too_broad"],
  ["device", device, "$share/g/t/acme/devices/+/cmd/+", "wildcard_too_broad"],
  ["device", device, "#", "wildcard_too_broad"],
  ["device", device, "+/#", "wildcard_too_broad"],
  ["device", device, "t/+/devices/d1/cmd/+", "wildcard_too_broad"],
  ["device", device, "t/+/#", "wildcard_too_broad"],
  // not addressed to the device at all
  ["device", device, "t/acme/devices/d1/telemetry", "not_addressed_to_device"],
  ["device", device, "t/acme/devices/d1/cmd", "not_addressed_to_device"],
  ["device", device, "t/acme/devices/d1/cmd/c-7/response", "not_addressed_to_device"],
  ["device", device, "t/acme/devices/d1/cmd/+/+", "not_addressed_to_device"],
  ["device", device, "t/acme/devices/d1/ota/status", "not_addressed_to_device"],
  ["device", device, "t/acme/devices/d1/ota/+", "not_addressed_to_device"],
  ["device", device, "t/acme/devices/d1/telemetry/#", "not_addressed_to_device"],
  ["device", device, "t/acme/gateways/d1/telemetry", "not_addressed_to_device"],
  ["device", device, "t/acme/dashboards/#", "not_addressed_to_device"],
  ["device", device, "t/acme", "not_addressed_to_device"],
  ["device", device, "tenants/acme/#", "not_addressed_to_device"],
  ["device", device, "tenants/acme/assets/a/sensors/s/telemetry", "not_addressed_to_device"],
  // other devices
  ["device", device, "t/acme/devices/d2/cmd/+", "not_own_device"],
  ["device", device, "t/acme/devices/d1x/ota", "not_own_device"],
  ["device", deviceWithChildren, "t/acme/devices/c1/cmd/+", "not_own_device"],
  ["device", device, "t/acme/devices/d2/#", "not_own_device"],
  // $SYS, other tenants, outside
  ["device", device, "$SYS/t/acme/stats/#", "sys_not_for_devices"],
  ["device", device, "$SYS/t/acme/stats", "sys_not_for_devices"],
  ["device", device, "$SYS/#", "wildcard_too_broad"],
  ["device", device, "t/globex/devices/d1/cmd/+", "foreign_tenant"],
  ["device", device, "t/acme2/devices/d1/cmd/+", "foreign_tenant"],
  ["device", device, "t/acm/devices/d1/cmd/+", "foreign_tenant"],
  ["device", device, "$share/g/t/globex/devices/d1/cmd/+", "foreign_tenant"],
  ["device", device, "devices/d1/cmd/+", "outside_tenant_namespace"],
  ["device", device, "$share/g/devices/d1/cmd/+", "outside_tenant_namespace"],
  // malformed filters
  ["device", device, "t/acme/devices/d1/cmd/#/x", "invalid_filter"],
  ["device", device, "$share/+/t/acme/devices/d1/ota", "invalid_filter"],
  ["device", device, "", "invalid_filter"],
  // gateways subscribe for themselves and their children
  ["gateway", gateway, "t/acme/devices/gw1/cmd/+", "allow"],
  ["gateway", gateway, "t/acme/devices/c1/cmd/+", "allow"],
  ["gateway", gateway, "t/acme/devices/c2/attributes/set", "allow"],
  ["gateway", gateway, "t/acme/devices/c2/ota", "allow"],
  ["gateway", gateway, "t/acme/devices/c3/cmd/+", "not_own_device"],
  ["gateway", gateway, "t/acme/devices/+/cmd/+", "wildcard_too_broad"],
  ["gateway", gateway, "t/acme/gateways/gw1/#", "not_addressed_to_device"],
  ["gateway", gateway, "t/globex/devices/c1/cmd/+", "foreign_tenant"],
];

describe("device ACL", () => {
  it.each(PUBLISH)("%s publish %j → %s", (_label, principal, topic, expected) => {
    expect(outcome(canPublish(principal, topic))).toBe(expected);
  });

  it.each(SUBSCRIBE)("%s subscribe %j → %s", (_label, principal, filter, expected) => {
    expect(outcome(canSubscribe(principal, filter))).toBe(expected);
  });

  it("fails closed on a malformed principal", () => {
    const lookalikes: Principal[] = [
      { ...device, tenant: "acme/" },
      { ...device, tenant: "+" },
      { ...device, tenant: "" },
      { ...device, deviceId: "+" },
      { ...device, deviceId: "d1/cmd" },
      { ...device, deviceId: "" },
    ];
    for (const principal of lookalikes) {
      expect(outcome(canPublish(principal, "t/acme/devices/d1/telemetry"))).toBe("invalid_principal");
      expect(outcome(canSubscribe(principal, "t/acme/devices/d1/cmd/+"))).toBe("invalid_principal");
    }
  });

  it("ignores malformed child ids instead of letting them match odd levels", () => {
    const odd: Principal = { ...gateway, children: ["", "+", "#"] };
    expect(outcome(canSubscribe(odd, "t/acme/devices//cmd/+"))).toBe("not_own_device");
    expect(outcome(canSubscribe(odd, "t/acme/devices/+/cmd/+"))).toBe("wildcard_too_broad");
    expect(outcome(canPublish(odd, "t/acme/devices//telemetry"))).toBe("not_device_topic");
  });
});
