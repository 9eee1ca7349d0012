/** A small seeded PRNG (mulberry32) so fault probabilities and generated ids repeat per seed. */
export type Prng = () => number;

/** Returns a generator of floats in [0, 1) determined by `seed`. */
export function createPrng(seed: number): Prng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` random lower-case hex digits from `rng`. */
export function randomHex(rng: Prng, n: number): string {
  let out = "";
  for (let i = 0; i < n; i++) out += Math.floor(rng() * 16).toString(16);
  return out;
}
