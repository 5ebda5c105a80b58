import { describe, expect, it } from "vitest";
import { compileFilter, SubscriptionIndex, topicMatches, validateTopicFilter, validateTopicName } from "../../../domain/topics";
import { pick, seededRandom } from "./prng";

/** Straightforward reading of §4.7, independent of the implementations under test. */
function referenceMatches(subscription: string, topic: string): boolean {
  const filter = subscription.startsWith("$share/") ? subscription.split("/").slice(2).join("/") : subscription;
  const f = filter.split("/");
  const t = topic.split("/");
  if (topic.startsWith("$") && (f[0] === "+" || f[0] === "#")) return false;
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "#") return true;
    if (i >= t.length) return false;
    if (f[i] !== "+" && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

const TOPIC_LEVELS = ["a", "b", "c", "", "$x", "t", "acme"];
const FILTER_LEVELS = [...TOPIC_LEVELS, "+", "+"];

function randomTopic(random: () => number): string {
  const depth = 1 + Math.floor(random() * 5);
  const levels = Array.from({ length: depth }, () => pick(random, TOPIC_LEVELS));
  if (random() < 0.1) levels[0] = "$SYS";
  return levels.join("/") || "/"; // one empty level would be the (invalid) empty topic
}

function randomFilter(random: () => number): string {
  const depth = 1 + Math.floor(random() * 5);
  const levels = Array.from({ length: depth }, () => pick(random, FILTER_LEVELS));
  if (random() < 0.3) levels[depth - 1] = "#";
  if (random() < 0.05) levels[0] = "$SYS";
  const filter = levels.join("/") || "/";
  return random() < 0.1 ? `$share/g${Math.floor(random() * 3)}/${filter}` : filter;
}

function expectedKeys(subscriptions: ReadonlyMap<string, string>, topic: string): string[] {
  return [...subscriptions]
    .filter(([, filter]) => referenceMatches(filter, topic))
    .map(([key]) => key)
    .sort();
}

describe("SubscriptionIndex", () => {
  it("matches literal, `+`, `#` and parent-level subscriptions", () => {
    const index = new SubscriptionIndex();
    index.add("a/b", "exact");
    index.add("a/+", "plus");
    index.add("a/#", "multi");
    index.add("#", "all");
    index.add("+/b", "first-plus");
    expect([...index.match("a/b")].sort()).toEqual(["all", "exact", "first-plus", "multi", "plus"]);
    expect([...index.match("a")].sort()).toEqual(["all", "multi"]);
    expect([...index.match("a/")].sort()).toEqual(["all", "multi", "plus"]);
    expect([...index.match("x/b")].sort()).toEqual(["all", "first-plus"]);
    expect([...index.match("a/b/c")].sort()).toEqual(["all", "multi"]);
  });

  it("[MQTT-4.7.2-1] does not match `$` topics with a leading wildcard", () => {
    const index = new SubscriptionIndex();
    index.add("#", "all");
    index.add("+/t/acme/stats", "plus");
    index.add("$SYS/#", "sys");
    index.add("$SYS/t/+/stats", "sys-plus");
    expect([...index.match("$SYS/t/acme/stats")].sort()).toEqual(["sys", "sys-plus"]);
    expect([...index.match("x/t/acme/stats")].sort()).toEqual(["all", "plus"]);
  });

  it("indexes shared subscriptions under their inner filter", () => {
    const index = new SubscriptionIndex();
    index.add("$share/g/t/acme/#", "c1 $share/g/t/acme/#");
    index.add("$share/g/t/acme/#", "c2 $share/g/t/acme/#");
    expect([...index.match("t/acme/devices/d1/telemetry")].sort()).toEqual(["c1 $share/g/t/acme/#", "c2 $share/g/t/acme/#"]);
    expect(index.remove("$share/g/t/acme/#", "c1 $share/g/t/acme/#")).toBe(true);
    expect([...index.match("t/acme/x")]).toEqual(["c2 $share/g/t/acme/#"]);
  });

  it("adds idempotently, removes exactly, and prunes to empty", () => {
    const index = new SubscriptionIndex();
    expect(index.add("a/+/c", "k")).toBe(true);
    expect(index.add("a/+/c", "k")).toBe(false);
    expect(index.add("a/+/c", "k2")).toBe(true);
    expect(index.add("a/#", "k")).toBe(true);
    expect(index.size).toBe(3);
    expect(index.remove("a/+/c", "missing")).toBe(false);
    expect(index.remove("a/b/c", "k")).toBe(false);
    expect(index.remove("a/+/c", "k")).toBe(true);
    expect(index.remove("a/+/c", "k")).toBe(false);
    expect([...index.match("a/b/c")].sort()).toEqual(["k", "k2"]); // k still via a/#
    index.remove("a/+/c", "k2");
    index.remove("a/#", "k");
    expect(index.size).toBe(0);
    expect(index.match("a/b/c").size).toBe(0);
    expect((index as unknown as { root: { children: Map<string, unknown> } }).root.children.size).toBe(0);
  });

  it.each(["", "a/#/b", "a+", "a/b#", "$share/g"])("refuses the malformed filter %j", (filter) => {
    const index = new SubscriptionIndex();
    expect(() => index.add(filter, "k")).toThrow(TypeError);
    expect(() => index.remove(filter, "k")).toThrow(TypeError);
  });

  it("agrees with topicMatches, compileFilter and a reference matcher on random data", () => {
    for (const seed of [1, 2, 3, 42, 2024]) {
      const random = seededRandom(seed);
      const index = new SubscriptionIndex();
      const subscriptions = new Map<string, string>(); // key → filter
      for (let i = 0; i < 400; i++) {
        const filter = randomFilter(random);
        expect(validateTopicFilter(filter)).toEqual({ ok: true });
        const key = `c${i % 50}|${filter}`;
        index.add(filter, key);
        subscriptions.set(key, filter);
      }
      const compiled = [...subscriptions].map(([key, filter]) => [key, compileFilter(filter)] as const);

      // Collect disagreements instead of asserting per pair: a million expect() calls would
      // dominate the run time, and one list shows every failing case at once.
      const check = (): string[] => {
        const disagreements: string[] = [];
        for (let i = 0; i < 300; i++) {
          const topic = randomTopic(random);
          expect(validateTopicName(topic)).toEqual({ ok: true });
          const expected = expectedKeys(subscriptions, topic);
          const indexed = [...index.match(topic)].sort();
          if (indexed.join("\n") !== expected.join("\n")) disagreements.push(`index: ${topic}`);
          for (const [key, filter] of subscriptions) {
            if (topicMatches(filter, topic) !== expected.includes(key)) disagreements.push(`topicMatches: ${filter} ${topic}`);
          }
          for (const [key, matcher] of compiled) {
            if (subscriptions.has(key) && matcher.matches(topic) !== expected.includes(key)) {
              disagreements.push(`compileFilter: ${matcher.subscription} ${topic}`);
            }
          }
        }
        return disagreements;
      };

      expect(check(), `seed ${seed}`).toEqual([]);
      // Remove about half and check again: pruning must not lose or leave anything.
      for (const [key, filter] of [...subscriptions]) {
        if (random() < 0.5) {
          expect(index.remove(filter, key)).toBe(true);
          subscriptions.delete(key);
        }
      }
      expect(index.size).toBe(subscriptions.size);
      expect(check(), `seed ${seed} after removals`).toEqual([]);
    }
  });

  it("serves a hub-sized index (10k subscriptions)", () => {
    const index = new SubscriptionIndex();
    for (let d = 0; d < 5000; d++) {
      index.add(`t/acme/devices/d${d}/cmd/+`, `dev-${d}`);
      index.add(`t/acme/devices/d${d}/ota`, `dev-${d}-ota`);
    }
    index.add("t/acme/#", "dashboard");
    index.add("t/acme/devices/+/telemetry", "ingest");
    expect([...index.match("t/acme/devices/d4711/cmd/reboot")].sort()).toEqual(["dashboard", "dev-4711"]);
    expect([...index.match("t/acme/devices/d9/telemetry")].sort()).toEqual(["dashboard", "ingest"]);
  });
});
