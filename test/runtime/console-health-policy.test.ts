/**
 * The console's health policy editor and health wording, the parts that need no browser: a draft
 * made from a policy means that same policy again; empty means "inherit" (left out), nothing set
 * means null; a nameless or repeated vital, and whatever the shared schema refuses, come back as
 * errors naming the field the form shows them on; breaches and times read as words.
 */
import { describe, expect, it } from "vitest";
import { UpdateDevice } from "../../domain/schemas/devices";
import type { HealthPolicy } from "../../domain/schemas/health";
import { draftOf, newRow, policyOf, rowField, type PolicyDraft } from "../../web/src/health/policy-draft";
import { breachWords, relative, seconds, whyWords } from "../../web/src/health/words";

/** The policy a draft means (the test fails if the draft itself has problems). */
function meant(d: PolicyDraft): HealthPolicy | null {
  const r = policyOf(d);
  if ("problems" in r) throw new Error(`unexpected problems: ${JSON.stringify(r.problems)}`);
  return r.policy;
}
/** The fields the shared schema refuses a draft's policy on, as the form names them (the console's check() does this before sending). */
function refusedFields(d: PolicyDraft): string[] {
  const r = UpdateDevice.safeParse({ healthPolicy: meant(d) });
  return r.success ? [] : r.error.issues.map((i) => i.path.map(String).join("."));
}

describe("console health policy draft", () => {
  it("round-trips a policy through the form's draft", () => {
    const policies: (HealthPolicy | null)[] = [
      null,
      { heartbeatIntervalSeconds: 30, inactivityTimeoutSeconds: 120, vitals: { battery: { min: 20 }, temp: { min: -10, max: 80 } } },
      { heartbeatIntervalSeconds: null },
      { vitals: {} },
      { inactivityTimeoutSeconds: 900 },
    ];
    for (const p of policies) expect(meant(draftOf(p))).toEqual(p);
  });

  it("leaves out what is empty, and clears the device's policy when nothing is set", () => {
    const draft = { ...draftOf(null), inactivitySeconds: "  " };
    expect(meant(draft)).toBeNull();
    const vitals = { ...draftOf(null), ownVitals: true, vitals: [newRow("battery", "20", ""), newRow("", "", ""), newRow("rssi", "", "-30")] };
    expect(meant(vitals)).toEqual({ vitals: { battery: { min: 20 }, rssi: { max: -30 } } });
  });

  it("names a nameless or repeated vital on its row before the schema is asked", () => {
    const rows = [newRow("battery", "20", ""), newRow("", "5", ""), newRow("battery", "", "90")];
    const draft = { ...draftOf(null), ownVitals: true, vitals: rows };
    expect(policyOf(draft)).toEqual({
      problems: [
        { path: `body.${rowField(rows[1]!, 1)}`, message: "give the vital a name" },
        { path: `body.${rowField(rows[2]!, 2)}`, message: "named twice" },
      ],
    });
    expect(rowField(rows[1]!, 1)).toBe("healthPolicy.vitals.row 2");
    expect(rowField(rows[2]!, 2)).toBe("healthPolicy.vitals.battery");
  });

  it("hands the rest to the shared schema, which names the field", () => {
    const every = (text: string) => ({ ...draftOf(null), heartbeat: "every" as const, heartbeatSeconds: text });
    expect(refusedFields(every(""))).toEqual(["healthPolicy.heartbeatIntervalSeconds"]);
    expect(refusedFields(every("0"))).toEqual(["healthPolicy.heartbeatIntervalSeconds"]);
    expect(refusedFields(every("60"))).toEqual([]);
    expect(refusedFields({ ...draftOf(null), inactivitySeconds: "1" })).toEqual(["healthPolicy.inactivityTimeoutSeconds"]);
    const bounds = (min: string, max: string) => ({ ...draftOf(null), ownVitals: true, vitals: [newRow("battery", min, max)] });
    for (const [min, max] of [
      ["", ""],
      ["50", "10"],
      ["low", ""],
    ] as const) {
      const fields = refusedFields(bounds(min, max));
      expect(fields.length, `${min}..${max}`).toBeGreaterThan(0);
      for (const f of fields) expect(f, `${min}..${max}`).toMatch(/^healthPolicy\.vitals\.battery(\.|$)/);
    }
  });
});

describe("console health words", () => {
  it("says what breached and why", () => {
    expect(breachWords({ vital: "battery", value: 12, min: 20 })).toBe("battery 12 below 20");
    expect(breachWords({ vital: "temp", value: 91, min: 0, max: 80 })).toBe("temp 91 above 80");
    expect(
      whyWords({
        reason: "vitals_out_of_bounds",
        breaches: [
          { vital: "battery", value: 12, min: 20 },
          { vital: "rssi", value: -95, min: -90 },
        ],
      }),
    ).toBe("battery 12 below 20, rssi -95 below -90");
    expect(whyWords({ reason: "heartbeat_late", breaches: [] })).toBe("heartbeat late");
    expect(whyWords({ reason: "keep_alive_timeout", breaches: [] })).toBe("keep-alive timeout");
    expect(whyWords({ reason: "silent", breaches: [] })).toBe("connected but silent");
  });

  it("reads times and durations coarsely", () => {
    const now = 1_800_000_000_000;
    expect(relative(now - 400, now)).toBe("just now");
    expect(relative(now - 42_000, now)).toBe("42 s ago");
    expect(relative(now - 3 * 60_000 - 5_000, now)).toBe("3 min ago");
    expect(relative(now + 2 * 3_600_000, now)).toBe("in 2 h");
    expect([seconds(45), seconds(600), seconds(7200), seconds(86_400), seconds(90)]).toEqual(["45 s", "10 min", "2 h", "1 d", "90 s"]);
  });
});
