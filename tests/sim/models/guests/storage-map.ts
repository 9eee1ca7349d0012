/**
 * Storage maps of migrations and clones (pve-common `PVE/JSONSchema.pm` `parse_idmap`, `map_id`;
 * the `targetstorage` / `target-storage` parameters): `x` maps every storage to `x`,
 * `a:b,c:d` maps per storage, `1` keeps each storage; `duplicate mapping for source 'a'`.
 */
import { pveDie, splitList } from "../config-text";

/** A parsed storage map. */
export interface StorageMap {
  readonly identity: boolean;
  readonly entries: ReadonlyMap<string, string>;
  readonly default?: string;
}

/** `parse_idmap`. */
export function parseStorageMap(value: string): StorageMap {
  const entries = new Map<string, string>();
  let identity = false;
  let def: string | undefined;
  for (const part of splitList(value)) {
    if (part === "1") {
      identity = true;
      continue;
    }
    const pair = /^([^:]+):([^:]+)$/.exec(part);
    if (pair?.[1] && pair[2]) {
      if (entries.has(pair[1])) throw pveDie(`duplicate mapping for source '${pair[1]}'`);
      entries.set(pair[1], pair[2]);
    } else {
      if (def !== undefined) throw pveDie("default target ID can only be provided once");
      def = part;
    }
  }
  if (identity && (def !== undefined || entries.size)) throw pveDie("identity mapping cannot be combined with other mappings");
  return { identity, entries, ...(def !== undefined ? { default: def } : {}) };
}

/** `map_id`: the entry, else the default, else the storage itself. */
export function mapStorage(map: StorageMap | undefined, sid: string): string {
  if (!map) return sid;
  return map.entries.get(sid) ?? map.default ?? sid;
}

/** The storages a map can send volumes to. */
export function mapTargets(map: StorageMap): string[] {
  return [...map.entries.values(), ...(map.default !== undefined ? [map.default] : [])];
}
