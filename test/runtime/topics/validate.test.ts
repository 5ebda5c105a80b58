import { describe, expect, it } from "vitest";
import { validateTopicFilter, validateTopicName, type TopicRejection } from "../../../domain/topics";

const reasonOf = (result: { ok: boolean; reason?: TopicRejection }) => (result.ok ? "ok" : result.reason);

describe("validateTopicName", () => {
  it("[MQTT-4.7.3-1] rejects the empty topic name", () => {
    expect(validateTopicName("")).toEqual({ ok: false, reason: "empty" });
  });

  it.each(["a", "/", "a/b/c", "/leading", "trailing/", "a//b", " ", "$SYS/t/acme/stats", "sport/tennis/player1"])("accepts %j", (name) => {
    expect(validateTopicName(name)).toEqual({ ok: true });
  });

  it.each(["+", "#", "a/+", "a/#", "a+b", "a/b#", "+/x", "sport/tennis/#"])("[MQTT-3.3.2-2] [MQTT-4.7.1-1] rejects wildcard characters in topic name %j", (name) => {
    expect(reasonOf(validateTopicName(name))).toBe("wildcard");
  });

  it.each(["\u0000", "a\u0000b", "a/\u0000"])("[MQTT-4.7.3-2] [MQTT-1.5.3-2] rejects U+0000 in %j", (name) => {
    expect(reasonOf(validateTopicName(name))).toBe("nul");
  });

  it.each(["\u0001", "a\tb", "a\nb", "\u001f", "\u007f", "\u0080", "x\u009f"])("§1.5.3 rejects control character in %j (SHOULD NOT in the spec, MUST NOT in Skylark)", (name) => {
    expect(reasonOf(validateTopicName(name))).toBe("control_char");
  });

  it("§1.5.3 accepts characters just outside the control ranges", () => {
    expect(validateTopicName(" \u00a0~")).toEqual({ ok: true });
  });

  it.each(["\ud800", "a\udc00", "\ud83d", "\ud83dx", "x\udfff", "\ude00\ud83d"])("[MQTT-1.5.3-1] rejects lone surrogate in %j", (name) => {
    expect(reasonOf(validateTopicName(name))).toBe("invalid_utf16");
  });

  it("[MQTT-1.5.3-1] accepts well-formed surrogate pairs", () => {
    expect(validateTopicName("sensors/🌡️/temp")).toEqual({ ok: true });
  });

  it("[MQTT-4.7.3-3] caps the UTF-8 length at 65535 bytes even when the platform allows more", () => {
    const limits = { maxBytes: 1_000_000, maxLevels: 1_000_000 };
    expect(validateTopicName("a".repeat(65535), limits)).toEqual({ ok: true });
    expect(reasonOf(validateTopicName("a".repeat(65536), limits))).toBe("too_long");
  });

  it("[MQTT-4.7.3-3] measures the UTF-8 encoding, not UTF-16 code units", () => {
    const limits = { maxBytes: 65535, maxLevels: 1_000_000 };
    // U+00E9 is 2 bytes, U+20AC is 3, U+1F600 is 4 (2 code units).
    expect(validateTopicName("é".repeat(32767), limits)).toEqual({ ok: true }); // 65534 bytes
    expect(reasonOf(validateTopicName("é".repeat(32768), limits))).toBe("too_long"); // 65536 bytes
    expect(validateTopicName("€".repeat(21845), limits)).toEqual({ ok: true }); // 65535 bytes
    expect(reasonOf(validateTopicName("€".repeat(21846), limits))).toBe("too_long");
    expect(reasonOf(validateTopicName("😀".repeat(16384), limits))).toBe("too_long"); // 65536 bytes
  });

  it("applies the platform default of 256 bytes", () => {
    expect(validateTopicName("a".repeat(256))).toEqual({ ok: true });
    expect(reasonOf(validateTopicName("a".repeat(257)))).toBe("too_long");
    expect(reasonOf(validateTopicName("€".repeat(86)))).toBe("too_long"); // 258 bytes, 86 code units
  });

  it("applies the platform default of 16 levels", () => {
    expect(validateTopicName(Array(16).fill("x").join("/"))).toEqual({ ok: true });
    expect(reasonOf(validateTopicName(Array(17).fill("x").join("/")))).toBe("too_many_levels");
    expect(reasonOf(validateTopicName("/".repeat(16)))).toBe("too_many_levels"); // 17 empty levels
  });

  it("honours configured limits", () => {
    expect(reasonOf(validateTopicName("a/b/c", { maxLevels: 2 }))).toBe("too_many_levels");
    expect(reasonOf(validateTopicName("abcdef", { maxBytes: 5 }))).toBe("too_long");
    expect(validateTopicName("abcde", { maxBytes: 5 })).toEqual({ ok: true });
  });

  it("reports the first character problem before size problems", () => {
    expect(reasonOf(validateTopicName("a".repeat(300) + "\u0000"))).toBe("nul");
    expect(reasonOf(validateTopicName("\u0001+"))).toBe("control_char");
    expect(reasonOf(validateTopicName("+\u0001"))).toBe("wildcard");
  });
});

describe("validateTopicFilter", () => {
  it("[MQTT-4.7.3-1] rejects the empty topic filter", () => {
    expect(validateTopicFilter("")).toEqual({ ok: false, reason: "empty" });
  });

  it.each(["#", "+", "a/#", "a/+/b", "+/+", "/+", "+/", "a/+/#", "+/#", "$SYS/#", "a//#", "sport/tennis/player1"])("[MQTT-4.7.1-2] [MQTT-4.7.1-3] accepts well-placed wildcards in %j", (filter) => {
    expect(validateTopicFilter(filter)).toEqual({ ok: true });
  });

  it.each(["a#", "#a", "a/#/b", "#/", "#/a", "##", "a/b#", "sport/tennis#"])("[MQTT-4.7.1-2] rejects `#` not alone in the last level: %j", (filter) => {
    expect(reasonOf(validateTopicFilter(filter))).toBe("misplaced_multi_level_wildcard");
  });

  it.each(["a+", "+a", "a/b+/c", "++", "sport+", "a/+b"])("[MQTT-4.7.1-3] rejects `+` not alone in its level: %j", (filter) => {
    expect(reasonOf(validateTopicFilter(filter))).toBe("misplaced_single_level_wildcard");
  });

  it("[MQTT-4.7.3-2] [MQTT-1.5.3-1] §1.5.3 applies the character rules of topic names", () => {
    expect(reasonOf(validateTopicFilter("a/\u0000/#"))).toBe("nul");
    expect(reasonOf(validateTopicFilter("a/\u0007/+"))).toBe("control_char");
    expect(reasonOf(validateTopicFilter("a/\ud800/+"))).toBe("invalid_utf16");
  });

  it("[MQTT-4.7.3-3] applies size limits, wildcards included", () => {
    expect(reasonOf(validateTopicFilter(Array(17).fill("+").join("/")))).toBe("too_many_levels");
    expect(reasonOf(validateTopicFilter("a".repeat(256) + "/#"))).toBe("too_long");
    expect(reasonOf(validateTopicFilter("a".repeat(65534) + "/#", { maxBytes: 70000, maxLevels: 5 }))).toBe("too_long");
  });

  describe("shared subscriptions (MQTT 5.0 §4.8.2)", () => {
    it.each(["$share/group/a/b", "$share/g/#", "$share/g/+/x", "$share/g-1_x.y/t/acme/#", "$share/g/$SYS/x", "$share/ü/a"])("accepts %j", (filter) => {
      expect(validateTopicFilter(filter)).toEqual({ ok: true });
    });

    it.each(["$share/", "$share//a"])("[MQTT-4.8.2-1] rejects an empty ShareName in %j", (filter) => {
      expect(reasonOf(validateTopicFilter(filter))).toBe("invalid_share_name");
    });

    it.each(["$share/g+/a", "$share/+/a", "$share/#/a", "$share/g#/a"])("[MQTT-4.8.2-2] rejects `+` or `#` in the ShareName of %j", (filter) => {
      expect(reasonOf(validateTopicFilter(filter))).toBe("invalid_share_name");
    });

    it.each(["$share/group", "$share/group/"])("[MQTT-4.8.2-2] rejects a ShareName not followed by `/` and a filter: %j", (filter) => {
      expect(reasonOf(validateTopicFilter(filter))).toBe("missing_share_filter");
    });

    it("[MQTT-4.8.2-2] validates the inner filter as a topic filter", () => {
      expect(reasonOf(validateTopicFilter("$share/g/a#"))).toBe("misplaced_multi_level_wildcard");
      expect(reasonOf(validateTopicFilter("$share/g/#/a"))).toBe("misplaced_multi_level_wildcard");
      expect(reasonOf(validateTopicFilter("$share/g/a+"))).toBe("misplaced_single_level_wildcard");
      expect(reasonOf(validateTopicFilter("$share/g/a\u0000"))).toBe("nul");
    });

    it("applies character rules to the ShareName", () => {
      expect(reasonOf(validateTopicFilter("$share/g\u0000/a"))).toBe("nul");
      expect(reasonOf(validateTopicFilter("$share/g\u0085/a"))).toBe("control_char");
      expect(reasonOf(validateTopicFilter("$share/\udc00/a"))).toBe("invalid_utf16");
    });

    it("applies platform limits to the inner filter and [MQTT-4.7.3-3] to the whole", () => {
      const inner = Array(16).fill("x").join("/");
      expect(validateTopicFilter(`$share/g/${inner}`)).toEqual({ ok: true });
      expect(reasonOf(validateTopicFilter(`$share/g/${inner}/y`))).toBe("too_many_levels");
      expect(validateTopicFilter(`$share/${"g".repeat(200)}/${"a".repeat(256)}`)).toEqual({ ok: true });
      const spec = { maxBytes: 65535, maxLevels: 10 };
      expect(validateTopicFilter(`$share/g/${"a".repeat(65526)}`, spec)).toEqual({ ok: true }); // 65535 in all
      expect(reasonOf(validateTopicFilter(`$share/g/${"a".repeat(65527)}`, spec))).toBe("too_long");
    });

    it("treats `$share` without the trailing slash as an ordinary filter", () => {
      expect(validateTopicFilter("$share")).toEqual({ ok: true });
      expect(validateTopicFilter("$shared/a")).toEqual({ ok: true });
    });
  });
});
