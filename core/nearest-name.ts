/**
 * The known names closest to a mistyped one, for "did you mean …?": those at the smallest edit
 * distance (insertions, deletions, substitutions and swaps of neighbours, ignoring case), if it
 * is small for the word's length; else those that share most of the word's beginning
 * (`reservedConcurrency` → `reservedConcurrentExecutions`). At most three, in the given order.
 */
export function nearestNames(word: string, known: readonly string[]): string[] {
  const lower = word.toLowerCase();
  const scored = known.map((name) => ({ name, distance: editDistance(lower, name.toLowerCase()) }));
  const best = Math.min(...scored.map((s) => s.distance));
  const close = scored.filter((s) => s.distance === best && best <= Math.max(1, Math.floor(Math.max(word.length, s.name.length) / 4)));
  if (close.length > 0) return close.slice(0, 3).map((s) => s.name);
  const prefixes = known
    .map((name) => ({ name, shared: sharedPrefix(lower, name.toLowerCase()) }))
    .filter((p) => p.shared >= 3 && p.shared >= 0.75 * Math.min(word.length, p.name.length));
  const longest = Math.max(0, ...prefixes.map((p) => p.shared));
  return prefixes.filter((p) => p.shared === longest).slice(0, 3).map((p) => p.name);
}

/** `; did you mean x?`, `; did you mean x or y?`, or nothing when no known name is close. */
export function didYouMean(word: string, known: readonly string[]): string {
  const names = nearestNames(word, known);
  if (names.length === 0) return '';
  return `; did you mean ${names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`}?`;
}

/** Optimal string alignment distance: Levenshtein, plus swapping two neighbouring characters. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[a.length][b.length];
}

function sharedPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}
