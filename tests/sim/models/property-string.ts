/**
 * PVE property strings (`type=secure,network=10.0.0.0/24`): parsing into objects the way
 * `parse_property_string` does, for APIs that return them parsed (datacenter.cfg options).
 */
import type { ParamSchema } from "./schema";

/** The sub-key facts of a property-string format (as schema.json records them). */
type SubKeys = Readonly<Record<string, ParamSchema & { readonly default_key?: number }>>;

const TRUE = /^(1|on|yes|true)$/i;

/** The format object of a parameter when it is a property string, else undefined. */
export function subKeysOf(param: ParamSchema | undefined): SubKeys | undefined {
  return param && typeof param.format === "object" ? (param.format as SubKeys) : undefined;
}

/** Parses `value` with `format`, converting numbers and booleans (`1|on|yes|true` → 1). */
export function parsePropertyString(value: string, format: SubKeys): Record<string, string | number> {
  const defaultKey = Object.keys(format).find((key) => format[key]?.default_key);
  const out: Record<string, string | number> = {};
  for (const part of value.split(",")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    const key = eq >= 0 ? part.slice(0, eq) : defaultKey;
    if (key === undefined) continue;
    const raw = eq >= 0 ? part.slice(eq + 1) : part;
    const type = format[key]?.type;
    out[key] = type === "boolean" ? (TRUE.test(raw) ? 1 : 0) : type === "integer" || type === "number" ? Number(raw) : raw;
  }
  return out;
}
