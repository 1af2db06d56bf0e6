/**
 * Learned peer groups: identities that use the same applications and
 * services belong together. Identical usage sets are collapsed first; the
 * distinct sets are then taken most common first (ties by their sorted
 * names), and each joins the existing group whose founding set it resembles
 * most (Jaccard similarity at or above the threshold) or founds a new one.
 * An inverted index from application to groups keeps the comparison to groups
 * that share at least one application. Deterministic: the result depends only
 * on the sets, not on the order identities arrive in. Pure; no state.
 */

export interface UsageSet {
  identity: string;
  /** Applications/services the identity uses, sorted, without duplicates. */
  apps: readonly string[];
}

export interface LearnedGrouping {
  /** identity → group index */
  groupOf: Map<string, number>;
  /** members per group index */
  sizes: number[];
}

/** |a ∩ b| / |a ∪ b| of two sorted arrays of distinct names. */
export function jaccard(a: readonly string[], b: readonly string[]): number {
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      shared++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  const union = a.length + b.length - shared;
  return union === 0 ? 0 : shared / union;
}

export function learnGroups(
  sets: readonly UsageSet[],
  similarity: number,
  minGroupSize: number,
  maxGroups: number,
): LearnedGrouping {
  const bySignature = new Map<string, { apps: readonly string[]; identities: string[] }>();
  for (const set of sets) {
    if (set.apps.length === 0) continue;
    const signature = set.apps.join('\n');
    const entry = bySignature.get(signature);
    if (entry) entry.identities.push(set.identity);
    else bySignature.set(signature, { apps: set.apps, identities: [set.identity] });
  }
  const distinct = [...bySignature.entries()].sort(
    (a, b) => b[1].identities.length - a[1].identities.length || (a[0] < b[0] ? -1 : 1),
  );
  const founders: (readonly string[])[] = [];
  const members: string[][] = [];
  const groupsUsing = new Map<string, number[]>();
  for (const [, entry] of distinct) {
    let best = -1;
    let bestScore = 0;
    const seen = new Set<number>();
    for (const app of entry.apps) {
      for (const group of groupsUsing.get(app) ?? []) {
        if (seen.has(group)) continue;
        seen.add(group);
        const score = jaccard(entry.apps, founders[group]);
        if (score >= similarity && (score > bestScore || (score === bestScore && group < best))) {
          best = group;
          bestScore = score;
        }
      }
    }
    if (best < 0 && founders.length < maxGroups) {
      best = founders.length;
      founders.push(entry.apps);
      members.push([]);
      for (const app of entry.apps) {
        const list = groupsUsing.get(app);
        if (list) list.push(best);
        else groupsUsing.set(app, [best]);
      }
    }
    if (best >= 0) members[best].push(...entry.identities);
  }
  const groupOf = new Map<string, number>();
  const sizes: number[] = [];
  for (const list of members) {
    if (list.length < minGroupSize) continue;
    const index = sizes.length;
    sizes.push(list.length);
    for (const identity of list) groupOf.set(identity, index);
  }
  return { groupOf, sizes };
}
