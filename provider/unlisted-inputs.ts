/**
 * What a generated resource class passes besides its declared inputs: the keys a program set that
 * the class does not know (a misspelling passed past TypeScript, `{ coment: "x" } as any`). They go
 * to the provider's `check`, which refuses each one naming the nearest valid input, instead of the
 * class dropping them without a word.
 */

/** The entries of `given` whose keys are not in `listed`. */
export function unlistedInputs(given: object | undefined, listed: readonly string[]): Record<string, unknown> {
  if (given === undefined || given === null) return {};
  const known = new Set(listed);
  return Object.fromEntries(Object.entries(given).filter(([key]) => !known.has(key)));
}
