/**
 * Topic name and topic filter validation, MQTT 3.1.1 §4.7 / 5.0 §4.7 plus Skylark policy.
 *
 * Clause tags use the MQTT 3.1.1 numbering; where 5.0 numbers the same rule differently both
 * are given. One pass over the UTF-16 code units checks every character rule and measures the
 * UTF-8 length and level count at the same time, so no encoder or intermediate array is needed.
 */
import { resolveTopicLimits, SPEC_MAX_TOPIC_BYTES, type TopicLimits } from "./limits";
import { SHARE_PREFIX } from "./shared-subscription";

/** Stable, machine-readable reasons a topic name or filter is rejected. */
export type TopicRejection =
  "empty" | "wildcard" | "nul" | "control_char" | "invalid_utf16" | "too_long" | "too_many_levels" | "misplaced_multi_level_wildcard" | "misplaced_single_level_wildcard" | "invalid_share_name" | "missing_share_filter";

export type TopicValidation = { ok: true } | { ok: false; reason: TopicRejection };

const SLASH = 0x2f;
const PLUS = 0x2b;
const HASH = 0x23;

const VALID: TopicValidation = Object.freeze({ ok: true });

function reject(reason: TopicRejection): { ok: false; reason: TopicRejection } {
  return { ok: false, reason };
}

type Scan = { ok: true; bytes: number; levels: number } | { ok: false; reason: TopicRejection };

/**
 * Check characters in `text[from, to)` and measure it. `wildcards` says whether `+`/`#` are
 * forbidden (topic names, share names) or allowed when correctly placed (topic filters).
 * Character problems are reported for the first offending character; sizes are the caller's.
 */
function scan(text: string, from: number, to: number, wildcards: "forbidden" | "placed"): Scan {
  let bytes = 0;
  let levels = 1;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      bytes += 1;
      if (c === SLASH) {
        levels++;
      } else if (c === 0) {
        // [MQTT-4.7.3-2] (and [MQTT-1.5.3-2] / 5.0 [MQTT-1.5.4-2]): no U+0000.
        return reject("nul");
      } else if (c < 0x20 || c === 0x7f) {
        // §1.5.3 / 5.0 §1.5.4: control characters SHOULD NOT appear; Skylark makes it a MUST
        // because they break logs, dashboards and downstream consumers.
        return reject("control_char");
      } else if (c === PLUS || c === HASH) {
        if (wildcards === "forbidden") {
          // [MQTT-3.3.2-2] / 3.1.1 [MQTT-4.7.1-1]: wildcards never appear in a Topic Name.
          return reject("wildcard");
        }
        const startsLevel = i === from || text.charCodeAt(i - 1) === SLASH;
        const endsFilter = i + 1 === to;
        const endsLevel = endsFilter || text.charCodeAt(i + 1) === SLASH;
        if (c === HASH && !(startsLevel && endsFilter)) {
          // [MQTT-4.7.1-2] (5.0 [MQTT-4.7.1-1]): `#` alone in its level and last in the filter.
          return reject("misplaced_multi_level_wildcard");
        }
        if (c === PLUS && !(startsLevel && endsLevel)) {
          // [MQTT-4.7.1-3] (5.0 [MQTT-4.7.1-2]): `+` occupies an entire level.
          return reject("misplaced_single_level_wildcard");
        }
      }
    } else if (c < 0x800) {
      bytes += 2;
      // U+0080..U+009F: the C1 control block, same policy as C0 above.
      if (c <= 0x9f) return reject("control_char");
    } else if (c >= 0xd800 && c <= 0xdbff) {
      // A high surrogate must be followed by a low one; together they encode to 4 bytes.
      // [MQTT-1.5.3-1] (5.0 [MQTT-1.5.4-1]): no encodings of U+D800..U+DFFF on their own.
      const next = text.charCodeAt(i + 1); // NaN past the end, which fails the test below
      if (i + 1 >= to || !(next >= 0xdc00 && next <= 0xdfff)) return reject("invalid_utf16");
      bytes += 4;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return reject("invalid_utf16");
    } else {
      bytes += 3;
    }
  }
  return { ok: true, bytes, levels };
}

function checkSize(bytes: number, levels: number, limits: TopicLimits | undefined): TopicValidation {
  const { maxBytes, maxLevels } = resolveTopicLimits(limits);
  // [MQTT-4.7.3-3]: at most 65535 bytes encoded; `maxBytes` is clamped to that already.
  if (bytes > maxBytes) return reject("too_long");
  if (levels > maxLevels) return reject("too_many_levels");
  return VALID;
}

/** Validate a Topic Name (what a PUBLISH, a will or a retained message carries). */
export function validateTopicName(name: string, limits?: TopicLimits): TopicValidation {
  // [MQTT-4.7.3-1]: at least one character.
  if (name.length === 0) return reject("empty");
  const scanned = scan(name, 0, name.length, "forbidden");
  if (!scanned.ok) return scanned;
  return checkSize(scanned.bytes, scanned.levels, limits);
}

/**
 * Validate a Topic Filter (what a SUBSCRIBE carries), including the shared subscription form
 * `$share/{ShareName}/{filter}`. For shared subscriptions the platform limits apply to the
 * inner filter (that is what gets matched and stored); the spec's 65535 bytes to the whole.
 */
export function validateTopicFilter(filter: string, limits?: TopicLimits): TopicValidation {
  // [MQTT-4.7.3-1]: at least one character.
  if (filter.length === 0) return reject("empty");
  if (!filter.startsWith(SHARE_PREFIX)) {
    const scanned = scan(filter, 0, filter.length, "placed");
    if (!scanned.ok) return scanned;
    return checkSize(scanned.bytes, scanned.levels, limits);
  }

  const nameStart = SHARE_PREFIX.length;
  const slash = filter.indexOf("/", nameStart);
  const nameEnd = slash < 0 ? filter.length : slash;
  // [MQTT-4.8.2-1]: the ShareName is at least one character long.
  if (nameEnd === nameStart) return reject("invalid_share_name");
  // [MQTT-4.8.2-2]: the ShareName contains no `/`, `+`, `#` (a `/` ends it by construction).
  const shareName = scan(filter, nameStart, nameEnd, "forbidden");
  if (!shareName.ok) return reject(shareName.reason === "wildcard" ? "invalid_share_name" : shareName.reason);
  // [MQTT-4.8.2-2]: ... and MUST be followed by a `/` and a Topic Filter.
  if (slash < 0 || slash + 1 === filter.length) return reject("missing_share_filter");

  const inner = scan(filter, slash + 1, filter.length, "placed");
  if (!inner.ok) return inner;
  // [MQTT-4.7.3-3] on the whole string: prefix, name, separator and inner filter.
  if (nameStart + shareName.bytes + 1 + inner.bytes > SPEC_MAX_TOPIC_BYTES) return reject("too_long");
  return checkSize(inner.bytes, inner.levels, limits);
}
