/**
 * PVE's indexed parameters (`acmedomain[n]`, `net[n]`, `mp[n]`): one schema entry stands for the
 * numbered keys `acmedomain0`, `acmedomain1`, ... The SDK takes them as one array; entry `i` is
 * sent as `<base>i`, read back from the numbered keys in index order, and trailing keys that the
 * array no longer has are removed through the call's `delete` list.
 */
import type { SdkValue } from "./codecs";
import type { ApiParam } from "./pve-schema";
import type { FieldDef, IndexedParam } from "./fields";

/** `acmedomain[n]` → `{base: "acmedomain"}`; undefined for a plain name. */
export function indexedParam(pveName: string, readParams: Readonly<Record<string, ApiParam>> = {}): IndexedParam | undefined {
  const match = /^(.+)\[n\]$/.exec(pveName);
  if (!match?.[1]) return undefined;
  const base = match[1];
  // The read method may list the numbered keys it knows (GET /nodes/{node}/config's `property`).
  const numbered = Object.values(readParams)
    .flatMap((param) => param.enum ?? [])
    .map((value) => new RegExp(`^${base}(\\d+)$`).exec(value)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number);
  return numbered.length > 0 ? { base, limit: Math.max(...numbered) + 1 } : { base };
}

/** The numbered keys of `field` that `raw` holds, in index order (gaps kept out). */
export function presentKeys(field: FieldDef, raw: Readonly<Record<string, unknown>>): string[] {
  const base = field.indexed?.base;
  if (base === undefined) return [];
  const pattern = new RegExp(`^${base}(\\d+)$`);
  return Object.keys(raw)
    .map((key) => ({ key, n: pattern.exec(key)?.[1] }))
    .filter((entry): entry is { key: string; n: string } => entry.n !== undefined && raw[entry.key] !== undefined && raw[entry.key] !== null)
    .sort((a, b) => Number(a.n) - Number(b.n))
    .map((entry) => entry.key);
}

/** The entries PVE reports for an indexed field, decoded with its entry codec, in index order. */
export function decodeIndexed(field: FieldDef, raw: Readonly<Record<string, unknown>>): SdkValue[] {
  return presentKeys(field, raw)
    .map((key) => field.codec.decode(raw[key]))
    .filter((entry): entry is SdkValue => entry !== undefined);
}

/** The wire parameters of an indexed field's array: entry `i` as `<base>i`. */
export function encodeIndexed(field: FieldDef, value: SdkValue): Record<string, string | number> {
  const base = field.indexed?.base ?? field.pveName;
  const entries = Array.isArray(value) ? (value as SdkValue[]) : [value];
  return Object.fromEntries(entries.map((entry, i) => [`${base}${i}`, field.codec.encode(entry)]));
}

/** The numbered keys PVE holds beyond the `count` entries about to be written: these are deleted. */
export function staleKeys(field: FieldDef, raw: Readonly<Record<string, unknown>>, count: number): string[] {
  const base = field.indexed?.base ?? "";
  const kept = new Set(Array.from({ length: count }, (_, i) => `${base}${i}`));
  return presentKeys(field, raw).filter((key) => !kept.has(key));
}
