/**
 * In-process keyed serialization. Objects addressed by a position (firewall rules) are located and
 * written as one step per list: two parallel deletes in the same list would otherwise both read
 * the same digest, and PVE would refuse the second (the first shifted the list).
 */
const tails = new Map<string, Promise<unknown>>();

/** Runs `fn` after every earlier call with the same key has settled. */
export async function serialized<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const before = tails.get(key) ?? Promise.resolve();
  const run = before.then(fn, fn);
  const tail = run.catch(() => undefined);
  tails.set(key, tail);
  try {
    return await run;
  } finally {
    if (tails.get(key) === tail) tails.delete(key);
  }
}
