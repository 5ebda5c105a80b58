/**
 * A topic trie from filters to subscription keys, so that delivering a message costs time in
 * proportion to the topic's depth and the matching branches, not to the number of
 * subscriptions in the hub.
 *
 * Keys are opaque to the index (the hub uses e.g. connection id + subscription). A key is
 * stored once per filter: adding the same (filter, key) twice is a no-op. Shared subscriptions
 * are indexed under their inner filter, since that is what they match; `$share/g/a` and `a`
 * added with the same key are one entry, which is why keys should name the subscription.
 */
import { parseSubscription } from "./shared-subscription";

const MULTI_LEVEL = "#";
const SINGLE_LEVEL = "+";
const DOLLAR = 0x24;

class TrieNode {
  /** Children by literal level; never holds "+" or "#", which have their own slots. */
  readonly children = new Map<string, TrieNode>();
  /** Child for a `+` level. */
  plus: TrieNode | undefined;
  /** Keys whose filter ends at this node. */
  exact: Set<string> | undefined;
  /** Keys whose filter is this node's path followed by `/#` (or `#` alone at the root). */
  multi: Set<string> | undefined;

  isEmpty(): boolean {
    return this.children.size === 0 && this.plus === undefined && !this.exact?.size && !this.multi?.size;
  }
}

/** Split a filter into levels, refusing shapes the trie cannot represent. */
function filterLevels(subscription: string): string[] {
  const { filter } = parseSubscription(subscription);
  if (filter.length === 0) throw new TypeError(`not a topic filter: ${JSON.stringify(subscription)}`);
  const levels = filter.split("/");
  levels.forEach((level, i) => {
    const wildcardInside = level.length > 1 && (level.includes(SINGLE_LEVEL) || level.includes(MULTI_LEVEL));
    if (wildcardInside || (level === MULTI_LEVEL && i !== levels.length - 1)) {
      throw new TypeError(`not a topic filter: ${JSON.stringify(subscription)}`);
    }
  });
  return levels;
}

export class SubscriptionIndex {
  private readonly root = new TrieNode();
  private entries = 0;

  /** Number of (filter, key) entries. */
  get size(): number {
    return this.entries;
  }

  /**
   * Index `key` under `filter` (a valid topic filter, possibly shared). Returns false when the
   * entry was already present. Throws on a filter with misplaced wildcards: the hub validates
   * subscriptions before indexing them, so that is a programming error.
   */
  add(filter: string, key: string): boolean {
    const levels = filterLevels(filter);
    let node = this.root;
    for (let i = 0; i < levels.length; i++) {
      const level = levels[i]!;
      if (level === MULTI_LEVEL) return this.insert(node, "multi", key);
      if (level === SINGLE_LEVEL) {
        node = node.plus ??= new TrieNode();
      } else {
        let child = node.children.get(level);
        if (child === undefined) node.children.set(level, (child = new TrieNode()));
        node = child;
      }
    }
    return this.insert(node, "exact", key);
  }

  /** Remove the entry; returns false when it was not present. Prunes emptied branches. */
  remove(filter: string, key: string): boolean {
    const levels = filterLevels(filter);
    const removed = this.removeBelow(this.root, levels, 0, key);
    if (removed) this.entries--;
    return removed;
  }

  /** Keys of every subscription whose filter matches `topicName` (a valid topic name). */
  match(topicName: string): Set<string> {
    const found = new Set<string>();
    const levels = topicName.split("/");
    // [MQTT-4.7.2-1]: topics starting with `$` are not matched by a leading `+` or `#`, so
    // at the root only literal children are followed for them.
    const dollar = topicName.charCodeAt(0) === DOLLAR;
    collect(this.root, levels, 0, found, dollar);
    return found;
  }

  private insert(node: TrieNode, slot: "exact" | "multi", key: string): boolean {
    const keys = (node[slot] ??= new Set());
    if (keys.has(key)) return false;
    keys.add(key);
    this.entries++;
    return true;
  }

  private removeBelow(node: TrieNode, levels: readonly string[], i: number, key: string): boolean {
    const level = levels[i];
    if (level === undefined) return deleteKey(node, "exact", key);
    if (level === MULTI_LEVEL) return deleteKey(node, "multi", key);
    const child = level === SINGLE_LEVEL ? node.plus : node.children.get(level);
    if (child === undefined) return false;
    const removed = this.removeBelow(child, levels, i + 1, key);
    if (removed && child.isEmpty()) {
      if (level === SINGLE_LEVEL) node.plus = undefined;
      else node.children.delete(level);
    }
    return removed;
  }
}

function deleteKey(node: TrieNode, slot: "exact" | "multi", key: string): boolean {
  const keys = node[slot];
  if (keys === undefined || !keys.delete(key)) return false;
  if (keys.size === 0) node[slot] = undefined;
  return true;
}

function addAll(from: Set<string> | undefined, to: Set<string>): void {
  if (from !== undefined) for (const key of from) to.add(key);
}

function collect(node: TrieNode, levels: readonly string[], i: number, found: Set<string>, literalOnly: boolean): void {
  // `#` at this node matches this node's own path too (`a/#` matches `a`), so it is collected
  // before checking whether the topic has more levels.
  if (!literalOnly) addAll(node.multi, found);
  const level = levels[i];
  if (level === undefined) {
    addAll(node.exact, found);
    return;
  }
  const child = node.children.get(level);
  if (child !== undefined) collect(child, levels, i + 1, found, false);
  if (node.plus !== undefined && !literalOnly) collect(node.plus, levels, i + 1, found, false);
}
