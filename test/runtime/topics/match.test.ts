import { describe, expect, it } from "vitest";
import { compileFilter, parseSubscription, topicMatches } from "../../../domain/topics";

// [filter, topic, matches]
const TABLE: readonly (readonly [string, string, boolean])[] = [
  // literal
  ["a/b", "a/b", true],
  ["a/b", "a/c", false],
  ["a/b", "a/b/c", false],
  ["a/b/c", "a/b", false],
  ["a", "A", false],
  ["/a", "/a", true],
  ["/a", "a", false],
  ["a/", "a/", true],
  ["a/", "a", false],
  ["ab", "a", false],
  ["a", "ab", false],
  // `+` [MQTT-4.7.1-3]: exactly one level, possibly empty
  ["sport/tennis/+", "sport/tennis/player1", true],
  ["sport/tennis/+", "sport/tennis/player2", true],
  ["sport/tennis/+", "sport/tennis/player1/ranking", false],
  ["sport/+", "sport", false],
  ["sport/+", "sport/", true],
  ["+", "a", true],
  ["+", "a/b", false],
  ["+", "/a", false],
  ["+/+", "/finance", true],
  ["/+", "/finance", true],
  ["+", "/finance", false],
  ["+/b/+", "a/b/c", true],
  ["+/b/+", "a/x/c", false],
  ["a/+/c", "a//c", true],
  // `#` [MQTT-4.7.1-2]: the parent level and everything below
  ["sport/tennis/player1/#", "sport/tennis/player1", true],
  ["sport/tennis/player1/#", "sport/tennis/player1/ranking", true],
  ["sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true],
  ["sport/tennis/player1/#", "sport/tennis/player2", false],
  ["sport/#", "sport", true],
  ["sport/#", "sport/", true],
  ["sport/#", "sports", false],
  ["sport/#", "spor", false],
  ["a/b/#", "a", false],
  ["#", "a", true],
  ["#", "a/b/c", true],
  ["#", "/", true],
  ["+/#", "a", true],
  ["+/#", "a/b", true],
  ["a/+/#", "a/b", true],
  ["a/+/#", "a", false],
  ["a//#", "a/", true],
  // `$` topics [MQTT-4.7.2-1]
  ["#", "$SYS/t/acme/stats", false],
  ["+/t/acme/stats", "$SYS/t/acme/stats", false],
  ["+/#", "$SYS", false],
  ["+", "$x", false],
  ["$SYS/#", "$SYS/t/acme/stats", true],
  ["$SYS/#", "$SYS", true],
  ["$SYS/+/+/stats", "$SYS/t/acme/stats", true],
  ["$SYS/t/+/stats/#", "$SYS/t/acme/stats/connections", true],
  ["a/#", "a/$b", true],
  ["+/$b", "a/$b", true],
  ["#", "a$", true],
  // shared subscriptions match on the inner filter (MQTT 5.0 §4.8.2)
  ["$share/g/a/b", "a/b", true],
  ["$share/g/a/+", "a/b", true],
  ["$share/g/#", "a/b", true],
  ["$share/g/#", "$SYS/x", false],
  ["$share/g/$SYS/#", "$SYS/x", true],
  ["$share/g/a/b", "$share/g/a/b", false],
  ["$share/g/t/acme/#", "t/acme/devices/d1/telemetry", true],
  ["$share/g/t/acme/#", "t/globex/devices/d1/telemetry", false],
  ["$share/g", "g", false],
  ["$share/g/", "g", false],
  // non-ASCII
  ["sensors/🌡️/+", "sensors/🌡️/temp", true],
  ["sensors/🌡/+", "sensors/🌡️/temp", false],
];

describe("topicMatches", () => {
  it.each(TABLE)("%j against %j → %s", (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });
});

describe("compileFilter", () => {
  it.each(TABLE)("%j against %j → %s", (filter, topic, expected) => {
    expect(compileFilter(filter).matches(topic)).toBe(expected);
  });

  it("exposes the share group and the matching filter", () => {
    const shared = compileFilter("$share/workers/t/acme/#");
    expect(shared).toMatchObject({ subscription: "$share/workers/t/acme/#", shareGroup: "workers", filter: "t/acme/#" });
    const plain = compileFilter("t/acme/#");
    expect(plain).toMatchObject({ subscription: "t/acme/#", shareGroup: undefined, filter: "t/acme/#" });
  });
});

describe("parseSubscription", () => {
  it.each([
    ["a/b", { filter: "a/b" }],
    ["$share/g/a/b", { shareGroup: "g", filter: "a/b" }],
    ["$share/g/#", { shareGroup: "g", filter: "#" }],
    ["$share/g/$share/h/x", { shareGroup: "g", filter: "$share/h/x" }],
    ["$share/g", { shareGroup: "g", filter: "" }],
    ["$share", { filter: "$share" }],
    ["$SYS/#", { filter: "$SYS/#" }],
  ])("%j → %j", (subscription, expected) => {
    expect(parseSubscription(subscription)).toEqual(expected);
  });
});
