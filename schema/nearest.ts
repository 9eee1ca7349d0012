/**
 * The valid value closest to a typo (`ACCPET` → `ACCEPT`, `SHH` → `SSH`), for preview messages:
 * optimal string alignment distance (insertions, deletions, substitutions and swaps of neighbours
 * cost 1), compared without regard to case.
 */

function distance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      const row = rows[i];
      if (row) row[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** The candidate nearest to `value`, when it is near enough to be a typo of it (at most a third of its letters off). */
export function nearest(value: string, candidates: readonly string[]): string | undefined {
  const wanted = value.toLowerCase();
  let best: { candidate: string; cost: number } | undefined;
  for (const candidate of candidates) {
    const cost = distance(wanted, candidate.toLowerCase());
    if (!best || cost < best.cost) best = { candidate, cost };
  }
  return best && best.cost <= Math.max(1, Math.floor(value.length / 3)) ? best.candidate : undefined;
}

/** ` (did you mean 'X'?)`, or nothing when no candidate is near. */
export function didYouMean(value: string, candidates: readonly string[]): string {
  const hint = nearest(value, candidates);
  return hint === undefined ? "" : ` (did you mean '${hint}'?)`;
}
