/** Lists that sit inside the object a read returns (`read.within`), flattened for `read.select`. */
import type { ListWithin } from "../../schema/define";

type Item = Record<string, unknown>;

const isItem = (value: unknown): value is Item => typeof value === "object" && value !== null && !Array.isArray(value);

/** A parent's plain values (strings, numbers, booleans), which its nested items carry along. */
function plainValues(item: Item): Item {
  return Object.fromEntries(Object.entries(item).filter(([, value]) => ["string", "number", "boolean"].includes(typeof value)));
}

/**
 * The items of the list `within` names in `response`, innermost level flattened: each item
 * carries its parents' plain values and, under `within.position`, its index in its own list.
 * A missing key is an empty list.
 */
export function itemsWithin(response: unknown, within: ListWithin): Item[] {
  let level: Item[] = isItem(response) ? [{ ...response }] : [];
  within.keys.forEach((key, depth) => {
    const innermost = depth === within.keys.length - 1;
    level = level.flatMap((parent) => {
      const list = parent[key];
      if (!Array.isArray(list)) return [];
      const inherited = depth === 0 ? {} : plainValues(parent);
      return list.filter(isItem).map((item, i) => ({ ...inherited, ...item, ...(innermost && within.position ? { [within.position]: i } : {}) }));
    });
  });
  return level;
}
