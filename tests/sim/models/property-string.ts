/**
 * PVE property strings (`type=secure,network=10.0.0.0/24`) as pve-common `PVE/JSONSchema.pm`
 * handles them: `parse_property_string` (values stay the strings they were, booleans go through
 * `parse_boolean`, a value without key is the default key's), for APIs that return them parsed
 * (datacenter.cfg options), its strict form with PVE's messages that guest configs are checked
 * with, and `print_property_string` (the default key first, then required keys, then the rest,
 * each group sorted).
 */
import type { SchemaParam } from "../core/schema";

/** The sub-key facts of a property-string format (as schema.json records them). */
export type SubKeys = Readonly<Record<string, SchemaParam>>;

/** The format object of a parameter when it is a property string, else undefined. */
export function subKeysOf(param: SchemaParam | undefined): SubKeys | undefined {
  return param && typeof param.format === "object" ? param.format : undefined;
}

/** `parse_boolean`. */
function parseBoolean(value: string): 0 | 1 | undefined {
  if (/^(1|on|yes|true)$/i.test(value)) return 1;
  if (/^(0|off|no|false)$/i.test(value)) return 0;
  return undefined;
}

/** Parses `value` with `format` like `parse_property_string` (without its validation). */
export function parsePropertyString(value: string, format: SubKeys): Record<string, string | number> {
  const defaultKey = Object.keys(format).find((key) => format[key]?.default_key);
  const out: Record<string, string | number> = {};
  for (const part of value.split(",")) {
    if (/^\s*$/.test(part)) continue;
    const kv = /^([^=]+)=(.+)$/.exec(part);
    const key = kv ? kv[1] : part.includes("=") ? undefined : defaultKey;
    if (key === undefined) continue;
    const raw = kv ? (kv[2] ?? "") : part;
    out[key] = format[key]?.type === "boolean" ? (parseBoolean(raw) ?? raw) : raw;
  }
  return out;
}

/** A parsed property string: sub-key → value (booleans 0/1, the rest as written). */
export type PropertyValues = Record<string, string | number>;

/**
 * `PVE::JSONSchema::parse_property_string` with its own messages: aliases (`volume=` for `file=`),
 * key aliases (`virtio=BC:24:...` sets `model` and `macaddr`), the default key, booleans through
 * `parse_boolean`, `skip`ped keys dropped. Throws an Error with PVE's text on malformed input;
 * sub-key types and ranges are the core validator's job (it has run before handlers).
 */
export function parsePropertyStringStrict(value: string, format: SubKeys, skip: readonly string[] = []): PropertyValues {
  const res: PropertyValues = {};
  let defaultKey: string | undefined;
  for (const part of value.split(",")) {
    if (/^\s*$/.test(part)) continue;
    const kv = /^([^=]+)=(.+)$/.exec(part);
    if (kv?.[1] !== undefined && kv[2] !== undefined) {
      let key = kv[1];
      if (skip.includes(key)) continue;
      if (res[key] !== undefined) throw new Error(`duplicate key in comma-separated list property: ${key}\n`);
      let schema = format[key];
      if (schema?.alias) {
        if (schema.keyAlias) {
          if (res[schema.keyAlias] !== undefined) throw new Error(`key alias '${schema.keyAlias}' is already defined\n`);
          res[schema.keyAlias] = key;
        }
        key = schema.alias;
        schema = format[key];
        if (res[key] !== undefined) throw new Error(`key '${key}' is already defined (via alias)\n`);
      }
      if (!schema) throw new Error(`invalid key in comma-separated list property: ${key}\n`);
      res[key] = schema.type === "boolean" ? (parseBoolean(kv[2]) ?? kv[2]) : kv[2];
    } else if (!part.includes("=")) {
      if (defaultKey) throw new Error(`duplicate key in comma-separated list property: ${defaultKey}\n`);
      defaultKey = Object.keys(format).find((k) => format[k]?.default_key);
      if (!defaultKey) throw new Error("value without key, but schema does not define a default key\n");
      if (res[defaultKey]) throw new Error(`duplicate key in comma-separated list property: ${defaultKey}\n`);
      res[defaultKey] = format[defaultKey]?.type === "boolean" ? (parseBoolean(part) ?? part) : part;
    } else {
      throw new Error("missing key in comma-separated list property\n");
    }
  }
  return res;
}

/** `PVE::JSONSchema::format_size`: bytes as the largest exact unit (`32G`, `528K`, `4194305`). */
export function formatSize(bytes: number): string {
  const size = Math.trunc(bytes);
  const units = ["K", "M", "G", "T"];
  let value = size;
  let unit = "";
  for (const next of units) {
    if (value % 1024 !== 0) break;
    value /= 1024;
    unit = next;
  }
  return `${value}${unit}`;
}

/** `PVE::JSONSchema::parse_size`: `32G`, `512M`, `1.5T`, `10GiB` or bytes; undefined if not a size. */
export function parseSize(value: string): number | undefined {
  const m = /^(\d+(\.\d+)?)([KMGT](?:iB)?)?$/.exec(value);
  if (!m?.[1]) return undefined;
  const shift = { K: 1, M: 2, G: 3, T: 4 }[(m[3] ?? "").charAt(0) as "K" | "M" | "G" | "T"] ?? 0;
  return Math.trunc(Number(m[1]) * 1024 ** shift);
}

/**
 * `PVE::JSONSchema::print_property_string`: the default key first (combined with its key alias,
 * `virtio=BC:24:...`), then required keys, then the rest, each group sorted; `disk-size` values
 * printed with {@link formatSize}; `skip`ped keys left out.
 */
export function printPropertyString(data: Readonly<Record<string, unknown>>, format: SubKeys, skip: readonly string[] = []): string {
  const defaultKey = Object.keys(format).find((k) => format[k]?.default_key);
  const keyAliases = new Map<string, string>();
  for (const sub of Object.values(format)) if (sub?.alias && sub.keyAlias) keyAliases.set(sub.keyAlias, sub.alias);
  const done = new Set(skip);
  const parts: string[] = [];
  const render = (key: string, value: unknown): string => {
    const schema = format[key];
    if (schema?.format === "disk-size") return formatSize(Number(value));
    if (String(value).includes(",")) throw new Error(`illegal value with commas for ${key}\n`);
    return String(value);
  };
  const add = (key: string, isDefault: boolean): void => {
    if (done.has(key)) return;
    done.add(key);
    const value = data[key];
    if (value === undefined || value === null) return;
    const combine = keyAliases.get(key);
    if (combine !== undefined && data[combine] !== undefined) {
      parts.push(`${render(key, value)}=${render(combine, data[combine])}`);
      done.add(combine);
      return;
    }
    parts.push(isDefault ? render(key, value) : `${key}=${render(key, value)}`);
  };
  if (defaultKey) add(defaultKey, true);
  const keys = Object.keys(data).sort();
  for (const key of keys) if (format[key] && !format[key]?.optional) add(key, false);
  for (const key of keys) add(key, false);
  return parts.join(",");
}
