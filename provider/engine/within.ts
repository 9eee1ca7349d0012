/** Lists that sit inside the object a read returns (`read.within`), flattened for `read.select`. */
import type { ListWithin } from "../../schema/spec";

type Item = Record<string, unknown>;

const isItem = (value: unknown): value is Item => typeof value === "object" && value !== null && !Array.isArray(value);

/** A parent's plain values (strings, numbers, booleans), which its nested items carry along. */
function plainValues(item: Item): Item {
  return Object.fromEntries(Object.entries(item).filter(([, value]) => ["string", "number", "boolean"].includes(typeof value)));
}

/**
 * The items of the list `within` names in `response`, innermost level flattened: each item
 * carries the plain values of every object above it (the response's `digest`, its file's `path`)
 * and, under `within.position`, its index in its own list.
 * A missing key is an empty list.
 */
export function itemsWithin(response: unknown, within: ListWithin): Item[] {
  // Each object with the plain values of the objects above it (a nearer one's value wins).
  let level: { item: Item; above: Item }[] = isItem(response) ? [{ item: response, above: {} }] : [];
  within.keys.forEach((key, depth) => {
    const innermost = depth === within.keys.length - 1;
    level = level.flatMap(({ item: parent, above }) => {
      const list = parent[key];
      if (!Array.isArray(list)) return [];
      const inherited = { ...above, ...plainValues(parent) };
      return list.filter(isItem).map((item, i) => ({ item: innermost && within.position ? { ...item, [within.position]: i } : item, above: inherited }));
    });
  });
  return level.map(({ item, above }) => ({ ...above, ...item }));
}
