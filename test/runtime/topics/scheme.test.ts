import { describe, expect, it } from "vitest";
import {
  DEVICE_CHANNELS,
  deviceDownlinkFilters,
  deviceTopic,
  formatSkylarkTopic,
  gatewayTopic,
  parseSkylarkTopic,
  sensorTelemetryTopic,
  tenantNamespaceFilters,
  tenantStatsTopic,
  validateTopicFilter,
  validateTopicName,
  type StructuredSkylarkTopic,
} from "../../../domain/topics";

describe("parseSkylarkTopic", () => {
  it.each([
    ["t/acme/devices/d1/telemetry", { kind: "device", tenant: "acme", device: "d1", channel: "telemetry" }],
    ["t/acme/devices/d1/heartbeat", { kind: "device", tenant: "acme", device: "d1", channel: "heartbeat" }],
    ["t/acme/devices/d1/attributes", { kind: "device", tenant: "acme", device: "d1", channel: "attributes" }],
    ["t/acme/devices/d1/attributes/set", { kind: "device", tenant: "acme", device: "d1", channel: "attributes/set" }],
    ["t/acme/devices/d1/cmd/c-42", { kind: "device", tenant: "acme", device: "d1", channel: "cmd", commandId: "c-42" }],
    ["t/acme/devices/d1/cmd/c-42/response", { kind: "device", tenant: "acme", device: "d1", channel: "cmd/response", commandId: "c-42" }],
    ["t/acme/devices/d1/ota", { kind: "device", tenant: "acme", device: "d1", channel: "ota" }],
    ["t/acme/devices/d1/ota/status", { kind: "device", tenant: "acme", device: "d1", channel: "ota/status" }],
    ["t/acme/devices/d1/events", { kind: "device", tenant: "acme", device: "d1", channel: "events" }],
    ["t/acme/devices/AB:12.x_y-z/telemetry", { kind: "device", tenant: "acme", device: "AB:12.x_y-z", channel: "telemetry" }],
    ["t/acme/gateways/gw1/telemetry", { kind: "gateway", tenant: "acme", gateway: "gw1", channel: "telemetry" }],
    ["t/acme/gateways/gw1/attributes", { kind: "gateway", tenant: "acme", gateway: "gw1", channel: "attributes" }],
    ["tenants/acme/assets/pump-7/sensors/temp/telemetry", { kind: "sensor", tenant: "acme", asset: "pump-7", sensor: "temp" }],
    ["$SYS/t/acme/stats", { kind: "sys", tenant: "acme" }],
    ["$SYS/t/acme/stats/connections", { kind: "sys", tenant: "acme", metric: "connections" }],
    ["$SYS/t/acme/stats/messages/in", { kind: "sys", tenant: "acme", metric: "messages/in" }],
  ])("parses %j", (topic, expected) => {
    expect(parseSkylarkTopic(topic)).toStrictEqual(expected);
  });

  it.each([
    "t/acme",
    "t/acme/",
    "t/acme/dashboards/main",
    "t/acme/devices",
    "t/acme/devices/d1",
    "t/acme/devices/d1/unknown",
    "t/acme/devices/d1/telemetry/extra",
    "t/acme/devices/d1/attributes/get",
    "t/acme/devices/d1/cmd",
    "t/acme/devices/d1/cmd/c1/ack",
    "t/acme/devices/d1/cmd/c1/response/x",
    "t/acme/devices/d1/cmd/-bad/response",
    "t/acme/devices/-d1/telemetry",
    "t/acme/devices//telemetry",
    "t/acme//devices/d1/telemetry",
    "t/acme/gateways/gw1/events",
    "t/acme/gateways/gw1/telemetry/x",
  ])("classifies %j as another topic of tenant acme", (topic) => {
    expect(parseSkylarkTopic(topic)).toStrictEqual({ kind: "other", tenant: "acme", root: "t" });
  });

  it.each(["tenants/acme", "tenants/acme/assets/a/sensors/s", "tenants/acme/assets/a/sensors/s/telemetry/x", "tenants/acme/x"])("classifies %j as another asset-tree topic of tenant acme", (topic) => {
    expect(parseSkylarkTopic(topic)).toStrictEqual({ kind: "other", tenant: "acme", root: "tenants" });
  });

  it.each([
    "t",
    "t/",
    "t/ACME/devices/d1/telemetry",
    "t/a/devices/d1/telemetry",
    "t/-acme/x",
    "t/acme!/x",
    "T/acme/x",
    "tenant/acme/x",
    "x/t/acme",
    "/t/acme/devices/d1/telemetry",
    "devices/d1/telemetry",
    "$SYS",
    "$SYS/t/acme",
    "$SYS/t/acme/other",
    "$SYS/tenants/acme/stats",
    "$SYS/broker/uptime",
    "$share/g/t/acme/x",
  ])("returns null for %j (outside any tenant namespace)", (topic) => {
    expect(parseSkylarkTopic(topic)).toBeNull();
  });
});

describe("topic builders", () => {
  const structured: StructuredSkylarkTopic[] = [
    ...DEVICE_CHANNELS.map((channel): StructuredSkylarkTopic =>
      channel === "cmd" || channel === "cmd/response" ? { kind: "device", tenant: "acme", device: "d1", channel, commandId: "01hx-cmd" } : { kind: "device", tenant: "acme", device: "d1", channel },
    ),
    { kind: "gateway", tenant: "globex", gateway: "gw:1", channel: "telemetry" },
    { kind: "gateway", tenant: "globex", gateway: "gw:1", channel: "attributes" },
    { kind: "sensor", tenant: "a1", asset: "pump.7", sensor: "T_1" },
    { kind: "sys", tenant: "acme" },
    { kind: "sys", tenant: "acme", metric: "clients/connected" },
  ];

  it.each(structured)("round-trips %j through format and parse", (topic) => {
    const formatted = formatSkylarkTopic(topic);
    expect(validateTopicName(formatted)).toEqual({ ok: true });
    expect(parseSkylarkTopic(formatted)).toStrictEqual(topic);
    expect(formatSkylarkTopic(parseSkylarkTopic(formatted) as StructuredSkylarkTopic)).toBe(formatted);
  });

  it("builds the documented shapes", () => {
    expect(deviceTopic("acme", "d1", "telemetry")).toBe("t/acme/devices/d1/telemetry");
    expect(deviceTopic("acme", "d1", "cmd", "c1")).toBe("t/acme/devices/d1/cmd/c1");
    expect(deviceTopic("acme", "d1", "cmd/response", "c1")).toBe("t/acme/devices/d1/cmd/c1/response");
    expect(gatewayTopic("acme", "gw", "attributes")).toBe("t/acme/gateways/gw/attributes");
    expect(sensorTelemetryTopic("acme", "a", "s")).toBe("tenants/acme/assets/a/sensors/s/telemetry");
    expect(tenantStatsTopic("acme")).toBe("$SYS/t/acme/stats");
    expect(tenantStatsTopic("acme", "msgs")).toBe("$SYS/t/acme/stats/msgs");
  });

  it.each([
    () => deviceTopic("ACME", "d1", "telemetry"),
    () => deviceTopic("acme/x", "d1", "telemetry"),
    () => deviceTopic("acme", "+", "telemetry"),
    () => deviceTopic("acme", "d1/x", "telemetry"),
    () => deviceTopic("acme", "#", "telemetry"),
    () => deviceTopic("acme", "", "telemetry"),
    () => deviceTopic("acme", "d1", "cmd"),
    () => deviceTopic("acme", "d1", "cmd/response"),
    () => deviceTopic("acme", "d1", "telemetry", "c1"),
    () => deviceTopic("acme", "d1", "cmd", "+"),
    () => deviceTopic("acme", "d1", "cmd", "a/b"),
    () => gatewayTopic("acme", "g/w", "telemetry"),
    () => sensorTelemetryTopic("acme", "a", "+"),
    () => sensorTelemetryTopic("acme", "a".repeat(65), "s"),
    () => tenantStatsTopic("acme", "#"),
    () => tenantStatsTopic("acme", "a\u0000"),
  ])("refuses invalid ids (%#)", (build) => {
    expect(build).toThrow(RangeError);
  });

  it("lists the filters a device needs and those covering a tenant", () => {
    expect(deviceDownlinkFilters("acme", "d1")).toEqual(["t/acme/devices/d1/attributes/set", "t/acme/devices/d1/cmd/+", "t/acme/devices/d1/ota"]);
    expect(tenantNamespaceFilters("acme")).toEqual(["t/acme/#", "tenants/acme/#", "$SYS/t/acme/stats/#"]);
    for (const filter of [...deviceDownlinkFilters("acme", "d1"), ...tenantNamespaceFilters("acme")]) {
      expect(validateTopicFilter(filter)).toEqual({ ok: true });
    }
  });
});
