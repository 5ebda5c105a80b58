/**
 * Size limits for topic names and filters.
 *
 * The spec only caps the UTF-8 encoding at 65535 bytes [MQTT-4.7.3-3] because the length
 * travels as a 16-bit prefix. Skylark is stricter by default: long, deep topics cost memory in
 * every subscription trie and retained-message store, and nothing in our topic scheme needs
 * more than a few levels.
 */

/** The hard spec ceiling for an encoded topic name or filter [MQTT-4.7.3-3]. */
export const SPEC_MAX_TOPIC_BYTES = 65535;

export interface TopicLimits {
  /** Maximum UTF-8 encoded length in bytes; never above {@link SPEC_MAX_TOPIC_BYTES}. */
  readonly maxBytes?: number;
  /** Maximum number of levels (a topic with n `/` has n + 1 levels). */
  readonly maxLevels?: number;
}

const DEFAULT_TOPIC_LIMITS = { maxBytes: 256, maxLevels: 16 } as const satisfies Required<TopicLimits>;

/** Only what the spec itself demands: for callers that want spec validity, not platform policy. */
export const SPEC_TOPIC_LIMITS = {
  maxBytes: SPEC_MAX_TOPIC_BYTES,
  maxLevels: Number.POSITIVE_INFINITY,
} as const satisfies Required<TopicLimits>;

export type ResolvedTopicLimits = Readonly<Required<TopicLimits>>;

export function resolveTopicLimits(limits: TopicLimits | undefined): ResolvedTopicLimits {
  return {
    maxBytes: Math.min(limits?.maxBytes ?? DEFAULT_TOPIC_LIMITS.maxBytes, SPEC_MAX_TOPIC_BYTES),
    maxLevels: limits?.maxLevels ?? DEFAULT_TOPIC_LIMITS.maxLevels,
  };
}
