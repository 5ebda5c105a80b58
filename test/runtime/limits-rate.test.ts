import { describe, expect, it } from "vitest";
import { countDataPoints, FixedWindow, TokenBucket } from "../../domain/limits/rate";

const enc = (s: string) => new TextEncoder().encode(s);

describe("token bucket", () => {
  it("allows exactly the capacity at once, then the rate", () => {
    const b = new TokenBucket(10, 50, 0);
    let allowed = 0;
    for (let i = 0; i < 60; i++) if (b.take(0)) allowed++;
    expect(allowed).toBe(50);
    expect(b.take(99)).toBe(false);
    expect(b.take(100)).toBe(true); // 0.1 s later: one token
    expect(b.take(100)).toBe(false);
    expect(b.waitMs(100)).toBe(100);
  });

  it("takes several tokens at once or none", () => {
    const b = new TokenBucket(1, 5, 0);
    expect(b.take(0, 4)).toBe(true);
    expect(b.take(0, 2)).toBe(false);
    expect(b.take(0, 1)).toBe(true);
  });
});

describe("fixed window", () => {
  it("trips at the limit, not before, and resets with the window", () => {
    const w = new FixedWindow(60_000);
    for (let i = 0; i < 3; i++) expect(w.take(1000, 3)).toMatchObject({ allowed: true, remaining: 2 - i });
    expect(w.take(2000, 3)).toEqual({ allowed: false, limit: 3, remaining: 0, resetMs: 59_000 });
    expect(w.take(61_000, 3).allowed).toBe(true);
  });
});

describe("countDataPoints", () => {
  it.each([
    ['{"values":{"t":1}}', 1],
    ["[]", 0],
    ['[{"values":{"t":1}}]', 1],
    ['[{"values":{"t":1}},{"values":{"t":2,"s":"a,b]"}}, {"v":[1,2,3]}]', 3],
    ['  [1, 2, "x\\"]", 4]', 4],
    ["not json", 1],
  ])("%s → %d", (payload, n) => expect(countDataPoints(enc(payload))).toBe(n));
});
