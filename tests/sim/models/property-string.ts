/**
 * PVE property strings (`type=secure,network=10.0.0.0/24`) as pve-common `PVE/JSONSchema.pm`
 * handles them: `parse_property_string` (values stay the strings they were, booleans go through
 * `parse_boolean`, a value without key is the default key's) and `print_property_string` (the
 * default key first, then required keys, then the rest, each group sorted).
 */
import type { ParamSchema } from "./schema";

/** The sub-key facts of a property-string format (as schema.json records them). */
export type SubKeys = Readonly<Record<string, ParamSchema & { readonly default_key?: number | boolean }>>;

/** The format object of a parameter when it is a property string, else undefined. */
export function subKeysOf(param: ParamSchema | undefined): SubKeys | undefined {
  return param && typeof param.format === "object" ? (param.format as SubKeys) : undefined;
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

/** `print_property_string`: the default key's bare value first, then required keys, then the rest. */
export function printPropertyString(data: Readonly<Record<string, unknown>>, format: SubKeys): string {
  const defaultKey = Object.keys(format).find((key) => format[key]?.default_key);
  const keys = Object.keys(data).filter((key) => data[key] !== undefined && data[key] !== null).sort();
  const ordered = [
    ...(defaultKey !== undefined && keys.includes(defaultKey) ? [defaultKey] : []),
    ...keys.filter((key) => key !== defaultKey && format[key] && !format[key]?.optional),
    ...keys.filter((key) => key !== defaultKey && !(format[key] && !format[key]?.optional)),
  ];
  return ordered.map((key) => (key === defaultKey ? String(data[key]) : `${key}=${String(data[key])}`)).join(",");
}
