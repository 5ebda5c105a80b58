/** The command state machine and its time arithmetic (pure domain code). */
import { describe, expect, it } from "vitest";
import { expiryOf, nextDeadline, remainingSeconds } from "../../../domain/commands/deadlines";
import { readResponse } from "../../../domain/commands/response";
import { canTransition, IllegalTransition, isFinal, transition, type CommandLife } from "../../../domain/commands/states";

const life = (responseRequired = true): CommandLife => ({ status: "queued", responseRequired, history: [{ status: "queued", at: 1_000 }] });

describe("command states", () => {
  it("never skips a state: succeeded only through sent and delivered", () => {
    expect(() => transition(life(), "delivered", 2_000)).toThrow(IllegalTransition);
    expect(() => transition(life(), "succeeded", 2_000)).toThrow(IllegalTransition);
    expect(() => transition(transition(life(), "sent", 2_000), "timed_out", 3_000)).toThrow(IllegalTransition);
    const done = transition(transition(transition(life(), "sent", 2_000), "delivered", 3_000, "puback"), "succeeded", 4_000, "response");
    expect(done.history).toEqual([
      { status: "queued", at: 1_000 },
      { status: "sent", at: 2_000 },
      { status: "delivered", at: 3_000, by: "puback" },
      { status: "succeeded", at: 4_000, by: "response" },
    ]);
  });

  it("ends a one-way command at delivered and a two-way one at an answer, expiry, cancel or timeout", () => {
    const oneWay = transition(transition(life(false), "sent", 2), "delivered", 3);
    expect(isFinal(oneWay)).toBe(true);
    expect(canTransition(oneWay, "succeeded")).toBe(false);
    const twoWay = transition(transition(life(true), "sent", 2), "delivered", 3);
    expect(isFinal(twoWay)).toBe(false);
    for (const end of ["succeeded", "failed", "timed_out", "canceled"] as const) expect(isFinal(transition(twoWay, end, 4))).toBe(true);
    for (const end of ["expired", "canceled"] as const) expect(() => transition(transition(life(), end, 2), "sent", 3)).toThrow(IllegalTransition);
  });

  it("keeps timestamps in order even if a clock steps back", () => {
    expect(transition(life(), "sent", 500).history[1]!.at).toBe(1_000);
  });
});

describe("deadlines", () => {
  it("computes the expiry, the remaining seconds and the next deadline per state", () => {
    expect(expiryOf({ expiresInSeconds: 10 }, 1_000)).toBe(11_000);
    expect(expiryOf({ expiresAt: 5_000 }, 1_000)).toBe(5_000);
    expect(expiryOf({}, 0)).toBe(24 * 3600 * 1000);
    expect(remainingSeconds(11_000, 1_500)).toBe(10);
    expect(remainingSeconds(11_000, 10_999)).toBe(1);
    expect(nextDeadline({ status: "queued", expiresAt: 9, holUntil: null, respondBy: null })).toBe(9);
    expect(nextDeadline({ status: "sent", expiresAt: 9, holUntil: 5, respondBy: null })).toBe(5);
    expect(nextDeadline({ status: "sent", expiresAt: 9, holUntil: null, respondBy: null })).toBe(9);
    expect(nextDeadline({ status: "delivered", expiresAt: 9, holUntil: null, respondBy: 20 })).toBe(20);
    expect(nextDeadline({ status: "succeeded", expiresAt: 9, holUntil: null, respondBy: null })).toBeNull();
  });
});

describe("device responses", () => {
  const bytes = (s: string) => new TextEncoder().encode(s);
  it("reads ok and error answers and fails anything else as invalid_response", () => {
    expect(readResponse(bytes('{"status":"ok","result":{"a":1}}'))).toEqual({ status: "succeeded", result: { a: 1 } });
    expect(readResponse(bytes('{"status":"ok"}'))).toEqual({ status: "succeeded", result: null });
    expect(readResponse(bytes('{"status":"error","error":"jammed"}'))).toEqual({ status: "failed", error: "jammed" });
    for (const bad of ["nope", '{"status":"maybe"}', '{"status":"error"}', "[]"]) expect(readResponse(bytes(bad))).toMatchObject({ status: "failed", error: { code: "invalid_response" } });
  });
});
