/**
 * Topic filter matching (MQTT 3.1.1 / 5.0 §4.7). Both functions assume a filter that passed
 * `validateTopicFilter` and a topic name that passed `validateTopicName`; on other input they
 * return an answer but not a meaningful one.
 *
 * Shared subscriptions match on their inner filter: `$share/g/a/+` matches what `a/+` matches.
 * Choosing one member of the group per message is the hub's job, not the matcher's.
 */
import { matchingFilterOffset, parseSubscription } from "./shared-subscription";

const SLASH = "/";
const PLUS = 0x2b;
const HASH = 0x23;
const DOLLAR = 0x24;

function sameChars(a: string, aFrom: number, b: string, bFrom: number, length: number): boolean {
  for (let k = 0; k < length; k++) {
    if (a.charCodeAt(aFrom + k) !== b.charCodeAt(bFrom + k)) return false;
  }
  return true;
}

/**
 * Does `filter` match `topicName`? Walks both strings level by level with `indexOf`, so a call
 * allocates nothing. For a filter used many times, `compileFilter` is faster still.
 */
export function topicMatches(filter: string, topicName: string): boolean {
  let fi = matchingFilterOffset(filter);
  if (fi < 0 || fi >= filter.length) return false;
  const filterEnd = filter.length;
  const topicEnd = topicName.length;

  // [MQTT-4.7.2-1]: a filter starting with a wildcard never matches a topic starting with `$`.
  const first = filter.charCodeAt(fi);
  if (topicName.charCodeAt(0) === DOLLAR && (first === PLUS || first === HASH)) return false;

  // Invariant: `fi` and `ti` are where the current filter level and topic level start. `ti`
  // is topicEnd + 1 once the topic has run out of levels.
  let ti = 0;
  for (;;) {
    let fe = filter.indexOf(SLASH, fi);
    if (fe < 0) fe = filterEnd;
    const singleChar = fe - fi === 1;
    // `#` matches the rest, including no level at all: `a/#` matches `a` (§4.7.1.2).
    if (singleChar && filter.charCodeAt(fi) === HASH) return true;
    if (ti > topicEnd) return false;
    let te = topicName.indexOf(SLASH, ti);
    if (te < 0) te = topicEnd;
    // `+` matches exactly one level, which may be empty (§4.7.1.3).
    const isPlus = singleChar && filter.charCodeAt(fi) === PLUS;
    if (!isPlus && (fe - fi !== te - ti || !sameChars(filter, fi, topicName, ti, fe - fi))) return false;
    ti = te + 1;
    if (fe === filterEnd) return ti === topicEnd + 1;
    fi = fe + 1;
  }
}

/** A filter prepared once and matched many times. */
export interface CompiledFilter {
  /** The subscription as given, possibly `$share/...`. */
  readonly subscription: string;
  /** The share group of a shared subscription. */
  readonly shareGroup: string | undefined;
  /** The filter used for matching (inner filter of a shared subscription). */
  readonly filter: string;
  matches(topicName: string): boolean;
}

const MULTI_LEVEL = "#";
const SINGLE_LEVEL = "+";

class CompiledTopicFilter implements CompiledFilter {
  readonly shareGroup: string | undefined;
  readonly filter: string;
  private readonly levels: readonly string[];
  /** Set when the filter has no wildcard: matching is then plain string equality. */
  private readonly literal: string | undefined;
  private readonly startsWithWildcard: boolean;
  /** `$share/group` with no filter part: a subscription that can match nothing. */
  private readonly empty: boolean;

  constructor(readonly subscription: string) {
    const { shareGroup, filter } = parseSubscription(subscription);
    this.shareGroup = shareGroup;
    this.filter = filter;
    this.levels = filter.split(SLASH);
    const first = this.levels[0];
    this.startsWithWildcard = first === SINGLE_LEVEL || first === MULTI_LEVEL;
    const hasWildcard = this.levels.some((l) => l === SINGLE_LEVEL || l === MULTI_LEVEL);
    this.empty = filter.length === 0;
    this.literal = hasWildcard || this.empty ? undefined : filter;
  }

  matches(topicName: string): boolean {
    if (this.literal !== undefined) return topicName === this.literal;
    if (this.empty) return false;
    // [MQTT-4.7.2-1]
    if (this.startsWithWildcard && topicName.charCodeAt(0) === DOLLAR) return false;
    const topicEnd = topicName.length;
    const levels = this.levels;
    let ti = 0;
    for (let li = 0; li < levels.length; li++) {
      const level = levels[li]!;
      if (level === MULTI_LEVEL) return true;
      if (ti > topicEnd) return false;
      let te = topicName.indexOf(SLASH, ti);
      if (te < 0) te = topicEnd;
      if (level !== SINGLE_LEVEL && (te - ti !== level.length || !topicName.startsWith(level, ti))) return false;
      ti = te + 1;
    }
    return ti === topicEnd + 1;
  }
}

/** Prepare a (possibly shared) filter for repeated matching. */
export function compileFilter(subscription: string): CompiledFilter {
  return new CompiledTopicFilter(subscription);
}
