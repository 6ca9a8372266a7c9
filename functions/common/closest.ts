// "Did you mean" hints: the nearest known word to a misspelt one.

/**
 * The option nearest to `word`, if it is close enough to be a likely typo (case ignored). With
 * `partial`, also the one option that contains the word or is contained in it (`Scalable` for
 * SimpleScalable, `expression` for expr), for field names and enum values; kinds stay strict,
 * so a user's `kind: Config` is never taken for ObservabilityConfig.
 */
export function closest(word: string, options: string[], { partial = false } = {}): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const o of options) {
    const dist = levenshtein(w, o.toLowerCase());
    if (dist < bestD) [best, bestD] = [o, dist];
  }
  if (bestD <= Math.max(2, Math.floor(word.length / 3))) return best;
  if (!partial) return undefined;
  // Four letters at least: "for" is inside too many words to be a hint.
  const inside = options.filter((o) => {
    const l = o.toLowerCase();
    return Math.min(l.length, w.length) >= 4 && (l.includes(w) || w.includes(l));
  });
  return inside.length === 1 ? inside[0] : undefined;
}

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
