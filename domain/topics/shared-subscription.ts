/**
 * Shared subscriptions (MQTT 5.0 §4.8.2): `$share/{ShareName}/{filter}`. The hub delivers each
 * matching message to one member of the share group; matching itself uses the inner filter.
 * Skylark recognises the form for MQTT 3.1.1 clients too (as EMQX and Mosquitto do), because a
 * literal `$share/...` subscription could never match anything useful anyway.
 */

export const SHARE_PREFIX = "$share/";

export interface Subscription {
  /** The ShareName when the filter was a shared subscription. */
  readonly shareGroup?: string;
  /** The filter that topics are matched against (the inner filter of a shared subscription). */
  readonly filter: string;
}

/**
 * Split a subscription into its share group and the filter used for matching. Purely syntactic:
 * it does not validate (use `validateTopicFilter` first). A `$share/group` without a filter part
 * yields an empty `filter`, which no validator accepts.
 */
export function parseSubscription(subscription: string): Subscription {
  if (!subscription.startsWith(SHARE_PREFIX)) return { filter: subscription };
  const slash = subscription.indexOf("/", SHARE_PREFIX.length);
  if (slash < 0) return { shareGroup: subscription.slice(SHARE_PREFIX.length), filter: "" };
  return {
    shareGroup: subscription.slice(SHARE_PREFIX.length, slash),
    filter: subscription.slice(slash + 1),
  };
}

/**
 * Index at which the filter used for matching starts: 0 for a plain filter, after
 * `$share/{group}/` for a shared one, -1 for a `$share/group` with no filter part. Lets the hot
 * matching path skip the prefix without allocating substrings.
 */
export function matchingFilterOffset(subscription: string): number {
  if (!subscription.startsWith(SHARE_PREFIX)) return 0;
  const slash = subscription.indexOf("/", SHARE_PREFIX.length);
  return slash < 0 ? -1 : slash + 1;
}
