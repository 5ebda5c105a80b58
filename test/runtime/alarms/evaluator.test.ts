/** The pure evaluator's rules, reading by reading: duration, changed, range inside, equals on strings, silence deadlines, a hand clear. */
import { describe, expect, it } from "vitest";
import { afterManualClear, evaluate, INITIAL_STATE, silenceDeadline, silenceDue, type EvaluatedRule, type RuleState } from "../../../domain/alarms/evaluate";
import { requireAllowedWebhookUrl } from "../../../workers/alarms/webhook-url";
import { AlarmCondition } from "../../../domain/schemas/alarms";

const rule = (condition: unknown, o: Partial<EvaluatedRule> = {}): EvaluatedRule => ({ condition: AlarmCondition.parse(condition), raiseAfter: 1, clearAfter: 1, durationSeconds: 0, ...o });

/** Feeds readings (value at time ts, arrival = ts) and returns the transitions in order. */
function run(r: EvaluatedRule, readings: [number, number | string | boolean][], metric = "m", start: RuleState = INITIAL_STATE) {
  let state = start;
  const out: string[] = [];
  for (const [ts, value] of readings) {
    const e = evaluate(r, state, { metric, ts, value, at: ts });
    state = e.state;
    if (e.transition) out.push(`${e.transition.kind}@${ts}`);
  }
  return { out, state };
}

describe("alarm evaluator", () => {
  it("with a duration, raises only once the breach has lasted that long", () => {
    const r = rule({ type: "above", metric: "m", value: 10 }, { raiseAfter: 2, durationSeconds: 5 });
    expect(
      run(r, [
        [0, 11],
        [1000, 12],
        [4000, 13],
        [5000, 14],
        [6000, 1],
      ]).out,
    ).toEqual(["raise@5000", "clear@6000"]);
    // A normal reading restarts the clock.
    expect(
      run(r, [
        [0, 11],
        [3000, 1],
        [4000, 11],
        [8000, 11],
        [9000, 11],
      ]).out,
    ).toEqual(["raise@9000"]);
  });

  it("changed raises on a different value and clears on a repeated one; other metrics are ignored", () => {
    const r = rule({ type: "changed", metric: "mode" });
    expect(
      run(
        r,
        [
          [0, "eco"],
          [1, "eco"],
          [2, "boost"],
          [3, "boost"],
        ],
        "mode",
      ).out,
    ).toEqual(["raise@2", "clear@3"]);
    expect(
      run(
        r,
        [
          [0, "eco"],
          [1, "boost"],
        ],
        "other",
      ).out,
    ).toEqual([]);
  });

  it("range inside, equals on strings and booleans; a value of another type is not judged", () => {
    expect(
      run(rule({ type: "range", metric: "m", min: 1, max: 2, when: "inside" }), [
        [0, 0],
        [1, 1.5],
        [2, 3],
      ]).out,
    ).toEqual(["raise@1", "clear@2"]);
    expect(
      run(rule({ type: "equals", metric: "m", value: "FAULT" }), [
        [0, "OK"],
        [1, "FAULT"],
        [2, "OK"],
      ]).out,
    ).toEqual(["raise@1", "clear@2"]);
    expect(run(rule({ type: "equals", metric: "m", value: true }), [[0, true]]).out).toEqual(["raise@0"]);
    expect(
      run(rule({ type: "above", metric: "m", value: 1 }), [
        [0, "high"],
        [1, true],
      ]).out,
    ).toEqual([]);
  });

  it("silence: the deadline follows the last reading, a reading clears, a hand clear restarts the wait", () => {
    const r = rule({ type: "silence", afterSeconds: 10 });
    const { state } = run(r, [
      [1000, 1],
      [5000, 2],
    ]);
    expect(silenceDeadline(r, state)).toBe(15_000);
    expect(silenceDue(r, state, 14_999).transition).toBeNull();
    const due = silenceDue(r, state, 15_000);
    expect(due.transition).toMatchObject({ kind: "raise", value: null });
    expect(silenceDeadline(r, due.state)).toBeNull();
    expect(run(r, [[16_000, 3]], "m", due.state).out).toEqual(["clear@16000"]);
    const restarted = afterManualClear(due.state, 20_000);
    expect(silenceDeadline(r, restarted)).toBe(30_000);
  });

  it("refuses a silence of zero seconds and an inverted range, naming the field", () => {
    const silence = AlarmCondition.safeParse({ type: "silence", afterSeconds: 0 });
    expect(silence.success ? [] : silence.error.issues.map((i) => i.path.join("."))).toEqual(["afterSeconds"]);
    const range = AlarmCondition.safeParse({ type: "range", metric: "m", min: 5, max: 1 });
    expect(range.success ? [] : range.error.issues.map((i) => i.path.join("."))).toEqual(["max"]);
  });
});

describe("webhook URLs", () => {
  it("are https, or plain http only on a host the operator allows", () => {
    expect(() => requireAllowedWebhookUrl({ ALARM_WEBHOOK_HTTP_HOSTS: "" }, "https://hooks.example/x")).not.toThrow();
    expect(() => requireAllowedWebhookUrl({ ALARM_WEBHOOK_HTTP_HOSTS: "" }, "http://localhost:9999/x")).toThrow(/https/);
    expect(() => requireAllowedWebhookUrl({ ALARM_WEBHOOK_HTTP_HOSTS: "localhost:9999, 127.0.0.1" }, "http://localhost:9999/x")).not.toThrow();
    expect(() => requireAllowedWebhookUrl({ ALARM_WEBHOOK_HTTP_HOSTS: "127.0.0.1" }, "http://127.0.0.1:4000/x")).not.toThrow();
    expect(() => requireAllowedWebhookUrl({ ALARM_WEBHOOK_HTTP_HOSTS: "localhost:9999" }, "http://localhost:9998/x")).toThrow(/https/);
    expect(() => requireAllowedWebhookUrl({ ALARM_WEBHOOK_HTTP_HOSTS: "localhost" }, "ftp://localhost/x")).toThrow(/https/);
  });
});
