/**
 * Look-alike tenant ids. A tenant id is the first label of its host (`acme.skylark.example`), so an
 * id that reads like an existing tenant's, registered under the same display name, is a phishing
 * host for that tenant's users: `acrne` or `acme1` showing "Acme Corp" on its login page.
 *
 * The rule (applied at tenant creation, only against tenants with the same display name, so that
 * unrelated companies with similar ids are not blocked):
 *   1. fold both ids to a skeleton: characters that render alike become one (`0`→`o`; `1`, `i`→`l`;
 *      `rn`→`m`; `vv`→`w`) and hyphens go (`acme-co` reads like `acmeco`);
 *   2. the ids are look-alikes when the skeletons are at most ONE edit apart: an insertion, a
 *      deletion, a substitution or a swap of neighbouring characters (optimal string alignment).
 * One edit catches the usual typosquats (missing, doubled, swapped or wrong letter) plus any pure
 * confusable spelling; two would also refuse ordinary numbered ids (`plant-12` vs `plant-7`).
 */

/** Multi-character confusables first, so `rn` becomes `m` before single characters are folded. */
const SEQUENCES: ReadonlyArray<readonly [RegExp, string]> = [
  [/rn/g, "m"],
  [/vv/g, "w"],
];
const SINGLE: Readonly<Record<string, string>> = { "0": "o", "1": "l", i: "l", "-": "" };

/** The id as a reader sees it: confusable characters folded, hyphens dropped. */
export function tenantIdSkeleton(id: string): string {
  let folded = id.toLowerCase();
  for (const [pattern, replacement] of SEQUENCES) folded = folded.replace(pattern, replacement);
  let out = "";
  for (const ch of folded) out += SINGLE[ch] ?? ch;
  return out;
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), stopping early above `max`. */
function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  // Three rows are enough: the transposition looks two rows back.
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, before[j - 2]! + 1);
      current[j] = d;
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > max) return max + 1;
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
}

const LOOK_ALIKE_MAX_EDITS = 1;

/** True when `candidate` reads like `existing` (and is not the very same id: that one is simply taken). */
export function isLookAlikeTenantId(existing: string, candidate: string): boolean {
  if (existing === candidate) return false;
  return editDistance(tenantIdSkeleton(existing), tenantIdSkeleton(candidate), LOOK_ALIKE_MAX_EDITS) <= LOOK_ALIKE_MAX_EDITS;
}

/**
 * Display names compared the way the registry can index them: trimmed, ASCII letters lowercased
 * (SQLite's `lower()` folds only ASCII, and the candidates are found with it).
 */
export function displayNameKey(name: string): string {
  return name.trim().replace(/[A-Z]/g, (c) => c.toLowerCase());
}
