// "Did you mean …?" suggestions: the closest candidate by edit distance (with transpositions),
// compared case-insensitively, within a distance that grows with the word's length.

/**
 * Optimal-string-alignment distance between two strings, or `limit + 1` as soon as it is certain
 * to exceed `limit` (files with thousands of unknown names compare each against every name, so
 * hopeless candidates must be dropped early).
 */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous2: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, previous2[j - 2]! + 1);
      current.push(best);
      if (best < rowMin) rowMin = best;
    }
    if (rowMin > limit) return limit + 1;
    previous2 = previous;
    previous = current;
  }
  return previous[b.length]!;
}

/** The best candidate for `word`, or undefined when nothing is close enough to be a likely typo. */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const candidateLower = candidate.toLowerCase();
    const prefixMatch = lower.length >= 3 && candidateLower.startsWith(lower);
    if (!prefixMatch && Math.abs(candidateLower.length - lower.length) > limit) continue;
    const distance = candidateLower === lower ? 0 : editDistance(lower, candidateLower, prefixMatch ? Infinity : Math.min(limit, bestDistance));
    if ((distance <= limit || prefixMatch) && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
