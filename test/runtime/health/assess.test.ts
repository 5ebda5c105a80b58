/** The health assessment, the policy resolution and the heartbeat's vitals: pure functions, every branch. */
import { describe, expect, it } from "vitest";
import { assessHealth, type HealthSignals } from "../../../domain/health/assess";
import { DEFAULT_HEALTH_POLICY, HealthPolicy, resolveHealthPolicy } from "../../../domain/health/policy";
import { readVitals } from "../../../domain/health/vitals";

const T0 = 1_000_000;
const connected = (o: Partial<HealthSignals> = {}): HealthSignals => ({ connected: true, connectedAt: T0, lastCause: null, lastHeardAt: null, lastHeartbeatAt: null, vitals: {}, ...o });
const policy = (p: HealthPolicy = {}) => resolveHealthPolicy(null, p);

describe("assessHealth", () => {
  it("never_seen without a connection, offline with the cause once disconnected", () => {
    expect(assessHealth({ ...connected(), connected: false, connectedAt: null }, policy(), T0)).toMatchObject({ state: "never_seen", reason: "never_connected", nextCheckAt: null });
    expect(assessHealth(connected({ connected: false, lastCause: "keep_alive_timeout" }), policy(), T0)).toMatchObject({ state: "offline", reason: "keep_alive_timeout", nextCheckAt: null });
  });

  it("online while heard within the inactivity timeout; offline (silent) at the timeout, measured from the last message", () => {
    const p = policy({ inactivityTimeoutSeconds: 60 });
    expect(assessHealth(connected(), p, T0 + 59_999)).toMatchObject({ state: "online", reason: "connected", nextCheckAt: T0 + 60_000 });
    expect(assessHealth(connected(), p, T0 + 60_000)).toMatchObject({ state: "offline", reason: "silent" });
    expect(assessHealth(connected({ lastHeardAt: T0 + 30_000 }), p, T0 + 60_000)).toMatchObject({ state: "online", nextCheckAt: T0 + 90_000 });
  });

  it("degraded once a heartbeat is late by half an interval more, online again when it comes", () => {
    const p = policy({ heartbeatIntervalSeconds: 10, inactivityTimeoutSeconds: 600 });
    expect(assessHealth(connected({ lastHeardAt: T0 + 14_000 }), p, T0 + 14_999)).toMatchObject({ state: "online", nextCheckAt: T0 + 15_000 });
    expect(assessHealth(connected({ lastHeardAt: T0 + 14_000 }), p, T0 + 15_000)).toMatchObject({ state: "degraded", reason: "heartbeat_late", nextCheckAt: T0 + 614_000 });
    expect(assessHealth(connected({ lastHeardAt: T0 + 16_000, lastHeartbeatAt: T0 + 16_000 }), p, T0 + 16_000)).toMatchObject({ state: "online", nextCheckAt: T0 + 31_000 });
  });

  it("degraded while a vital is outside its bounds, naming each breach", () => {
    const p = policy({ vitals: { battery: { min: 20 }, rssi: { min: -90, max: -20 } } });
    const a = assessHealth(connected({ lastHeardAt: T0, vitals: { battery: 12, rssi: -95, uptime: 5 } }), p, T0 + 1);
    expect(a).toMatchObject({ state: "degraded", reason: "vitals_out_of_bounds" });
    expect(a.breaches).toEqual([
      { vital: "battery", value: 12, min: 20 },
      { vital: "rssi", value: -95, min: -90, max: -20 },
    ]);
    expect(assessHealth(connected({ lastHeardAt: T0, vitals: { battery: 20, rssi: -20 } }), p, T0 + 1)).toMatchObject({ state: "online", breaches: [] });
  });

  it("offline (silent) outranks a late heartbeat, which outranks vitals", () => {
    const p = policy({ heartbeatIntervalSeconds: 10, inactivityTimeoutSeconds: 30, vitals: { battery: { min: 20 } } });
    const s = connected({ vitals: { battery: 1 } });
    expect(assessHealth(s, p, T0 + 20_000).reason).toBe("heartbeat_late");
    expect(assessHealth(s, p, T0 + 30_000).reason).toBe("silent");
  });
});

describe("the health policy", () => {
  it("takes the device's fields over the profile's over the defaults, field by field", () => {
    expect(resolveHealthPolicy(null, null)).toEqual(DEFAULT_HEALTH_POLICY);
    expect(resolveHealthPolicy({ heartbeatIntervalSeconds: 60, inactivityTimeoutSeconds: 300, vitals: { battery: { min: 10 } } }, { inactivityTimeoutSeconds: 120 })).toEqual({
      heartbeatIntervalSeconds: 60,
      inactivityTimeoutSeconds: 120,
      vitals: { battery: { min: 10 } },
    });
    // A device may switch its profile's heartbeat expectation off.
    expect(resolveHealthPolicy({ heartbeatIntervalSeconds: 60 }, { heartbeatIntervalSeconds: null }).heartbeatIntervalSeconds).toBeNull();
  });

  it("refuses what cannot be meant, naming the field", () => {
    for (const bad of [{ heartbeatIntervalSeconds: 0 }, { inactivityTimeoutSeconds: 1 }, { vitals: { battery: {} } }, { vitals: { battery: { min: 5, max: 1 } } }, { vitals: { "bad name": { min: 1 } } }, { state: "online" }]) {
      expect(HealthPolicy.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});

describe("readVitals", () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  it("keeps the top-level numbers of a JSON object, nothing else", () => {
    expect(readVitals(enc('{"uptime": 3600, "battery": 81.5, "rssi": -67, "fw": "1.2", "nested": {"a": 1}, "ok": true, "ts": 5}'))).toEqual({ uptime: 3600, battery: 81.5, rssi: -67 });
  });
  it("reads an empty, text, array or broken payload as no vitals (still a heartbeat)", () => {
    for (const p of ["", "alive", "[1,2]", '{"battery":', "42"]) expect(readVitals(enc(p))).toEqual({});
  });
  it("keeps at most 32", () => {
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`v${i}`, i]));
    expect(Object.keys(readVitals(enc(JSON.stringify(many))))).toHaveLength(32);
  });
});
