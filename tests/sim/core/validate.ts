/**
 * Parameter validation with PVE's own messages: pve-common `PVE/JSONSchema.pm` (`validate`,
 * `check_prop`, `check_object`, `check_type`, `parse_property_string`, `add_error`) after
 * `PVE/RESTHandler.pm::handle`'s `$normalize_legacy_param_formats`. Produces the 400
 * `Parameter verification failed.` (`PVE/Exception.pm::raise_param_exc`) with per-field `errors`.
 */
import { SimError } from "../types";
import { checkNamedFormat, parseLooseBoolean } from "../../../schema/pve-formats";
import type { SchemaParam } from "./schema";

type Errors = Record<string, string>;

const NOT_IN_SCHEMA = "property is not defined in schema and the schema does not allow additional properties";

function addError(errors: Errors, key: string, msg: string): void {
  const k = key === "" ? "_root" : key;
  // PVE joins repeated errors with a literal backslash-n (single-quoted '\n' in Perl).
  errors[k] = errors[k] === undefined ? msg : `${errors[k]}\\n${msg}`;
}

const isNumber = (v: string): boolean => /^[+-]?(\d+\.\d+|\d+\.|\.\d+|\d+)([eE][+-]?\d+)?$/.test(v);
const isInteger = (v: string): boolean => /^[+-]?\d+$/.test(v);

/** Perl's view of a JSON value's reference type, for `got ARRAY`/`got HASH` messages. */
function refType(v: unknown): "ARRAY" | "HASH" | undefined {
  if (Array.isArray(v)) return "ARRAY";
  if (v !== null && typeof v === "object") return "HASH";
  return undefined;
}

/** Finds the schema of `key`, including indexed names such as `net[n]` for `net0`. */
export function lookupParam(props: Readonly<Record<string, SchemaParam>>, key: string): SchemaParam | undefined {
  const direct = props[key];
  if (direct) return direct;
  const m = /^(.*?)(\d+)$/.exec(key);
  return m ? props[`${m[1]}[n]`] : undefined;
}

/** check_type: returns the normalized scalar, or undefined after recording an error. */
function checkType(key: string, schema: SchemaParam, value: unknown, errors: Errors): unknown {
  const type = schema.type;
  const ref = refType(value);
  if (type === "array") {
    if (ref !== "ARRAY") addError(errors, key, "type check ('array') failed");
    return ref === "ARRAY" ? value : undefined;
  }
  if (type === "object") {
    if (ref !== "HASH") addError(errors, key, "type check ('object') failed");
    return ref === "HASH" ? value : undefined;
  }
  if (ref) {
    addError(errors, key, `type check ('${type ?? "string"}') failed - got ${ref}`);
    return undefined;
  }
  if (type === "boolean" && typeof value === "boolean") return value ? 1 : 0;
  const text = typeof value === "boolean" ? (value ? "1" : "0") : String(value);
  switch (type) {
    case "boolean":
      if (text === "1" || text === "0") return Number(text);
      break;
    case "integer":
      if (isInteger(text)) return Number(text);
      break;
    case "number":
      if (isNumber(text)) return Number(text);
      break;
    default:
      return text;
  }
  addError(errors, key, `type check ('${type}') failed - got '${text}'`);
  return undefined;
}

/** The checks `check_prop` runs on a scalar after its type passed; stops at the first failure. */
function checkScalar(key: string, schema: SchemaParam, text: string, errors: Errors): boolean {
  const fmt = schema.format;
  if (fmt !== undefined) {
    // `$@` of a `die "...\n"` keeps its newline, and PVE puts it into the message as is.
    const named = typeof fmt === "string" ? checkNamedFormat(fmt, text) : undefined;
    const err = typeof fmt === "string" ? (named === undefined ? undefined : `${named}\n`) : checkPropertyString(key, fmt, text);
    if (err !== undefined) {
      addError(errors, key, `invalid format - ${err}`);
      return false;
    }
  }
  const fail = (msg: string): false => {
    addError(errors, key, msg);
    return false;
  };
  const pattern = schema.pattern === undefined ? undefined : compilePattern(schema.pattern);
  if (pattern && !pattern.test(text)) return fail("value does not match the regex pattern");
  if (schema.maxLength !== undefined && text.length > schema.maxLength) return fail(`value may only be ${schema.maxLength} characters long`);
  if (schema.minLength !== undefined && text.length < schema.minLength) return fail(`value must be at least ${schema.minLength} characters long`);
  if (isNumber(text)) {
    if (schema.maximum !== undefined && Number(text) > schema.maximum) return fail(`value must have a maximum value of ${schema.maximum}`);
    if (schema.minimum !== undefined && Number(text) < schema.minimum) return fail(`value must have a minimum value of ${schema.minimum}`);
  }
  if (schema.enum && !schema.enum.includes(text)) return fail(`value '${text}' does not have a value in the enumeration '${schema.enum.join(", ")}'`);
  return true;
}

const patternCache = new Map<string, RegExp | null>();

/**
 * Compiles a Perl pattern anchored like `m/^$pattern$/`. Perl's `(?^:...)` becomes `(?:...)`;
 * a pattern JavaScript cannot compile is skipped (lenient rather than a false 400).
 */
function compilePattern(perl: string): RegExp | undefined {
  let re = patternCache.get(perl);
  if (re === undefined) {
    try {
      re = new RegExp(`^(?:${perl.replace(/\(\?\^/g, "(?")})$`);
    } catch {
      re = null;
    }
    patternCache.set(perl, re);
  }
  return re ?? undefined;
}

/** check_prop on one value; returns the normalized value (undefined when invalid). */
function checkProp(key: string, schema: SchemaParam, value: unknown, errors: Errors): unknown {
  const normalized = checkType(key, schema, value, errors);
  if (normalized === undefined) return undefined;
  if (Array.isArray(normalized)) {
    if (schema.items) normalized.forEach((el, i) => checkProp(`${key}[${i}]`, schema.items as SchemaParam, el, errors));
    return normalized;
  }
  if (typeof normalized === "object") return normalized;
  return checkScalar(key, schema, String(normalized), errors) ? normalized : undefined;
}

/**
 * `parse_property_string`: `k=v,...` with an optional default key; returns the error text
 * (PVE's exception text, errors appended as `path.key: msg` lines) or undefined.
 */
function checkPropertyString(key: string, format: Readonly<Record<string, SchemaParam>>, data: string): string | undefined {
  const res: Record<string, string | number> = {};
  let defaultKey: string | undefined;
  for (const part of data.split(",")) {
    if (/^\s*$/.test(part)) continue;
    const kv = /^([^=]+)=(.+)$/.exec(part);
    if (kv?.[1] !== undefined && kv[2] !== undefined) {
      let k = kv[1];
      let sub = format[k];
      if (res[k] !== undefined) return `duplicate key in comma-separated list property: ${k}\n`;
      if (sub?.alias) {
        if (sub.keyAlias) res[sub.keyAlias] = k;
        k = sub.alias;
        sub = format[k];
        if (res[k] !== undefined) return `key '${k}' is already defined (via alias)\n`;
      }
      if (!sub) return `invalid key in comma-separated list property: ${k}\n`;
      res[k] = sub.type === "boolean" ? (parseLooseBoolean(kv[2]) ?? kv[2]) : kv[2];
    } else if (!part.includes("=")) {
      if (defaultKey) return `duplicate key in comma-separated list property: ${defaultKey}\n`;
      defaultKey = Object.keys(format).find((k) => format[k]?.default_key);
      if (!defaultKey) return "value without key, but schema does not define a default key\n";
      if (res[defaultKey] !== undefined) return `duplicate key in comma-separated list property: ${defaultKey}\n`;
      res[defaultKey] = format[defaultKey]?.type === "boolean" ? (parseLooseBoolean(part) ?? part) : part;
    } else {
      return "missing key in comma-separated list property\n";
    }
  }
  const errors: Errors = {};
  checkObject(key, format, res, false, errors);
  const lines = Object.entries(errors).map(([k, v]) => `${k}: ${v}\n`);
  return lines.length ? `format error\n${lines.join("")}` : undefined;
}

/**
 * `check_object`: every schema key (missing, type, constraints), then `requires` and unknown
 * keys. Returns the normalized object (only keys that passed).
 */
function checkObject(
  prefix: string,
  props: Readonly<Record<string, SchemaParam>>,
  value: Readonly<Record<string, unknown>>,
  additional: boolean,
  errors: Errors,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const path = (k: string): string => (prefix ? `${prefix}.${k}` : k);
  for (const [k, schema] of Object.entries(props)) {
    if (schema.alias || k.endsWith("[n]")) continue;
    if (value[k] === undefined || value[k] === null) {
      if (!schema.optional) addError(errors, path(k), "property is missing and it is not optional");
    }
  }
  // Every key present counts, even one without a value (`k=` in a form is Perl's undef): an unknown
  // key is an error and `requires` is checked; only the value checks need a value.
  for (const [k, v] of Object.entries(value)) {
    const schema = lookupParam(props, k);
    if (!schema) {
      if (additional) {
        if (v !== undefined && v !== null) out[k] = v;
      } else addError(errors, path(k), NOT_IN_SCHEMA);
      continue;
    }
    if (schema.requires !== undefined && (value[schema.requires] === undefined || value[schema.requires] === null)) {
      addError(errors, path(schema.requires), `missing property required by '${path(k)}'`);
    }
    if (v === undefined || v === null) continue;
    const checked = checkProp(path(k), schema, v, errors);
    if (checked !== undefined) out[k] = checked;
  }
  return out;
}

/**
 * RESTHandler's `$normalize_legacy_param_formats` then `validate`: for a true value, joins an array
 * for a string `-list` format and wraps a scalar for an array type; then checks every parameter.
 * Throws PVE's 400. Keys without a value are left out of the result (handlers see them as absent).
 */
export function validateParams(
  props: Readonly<Record<string, SchemaParam>>,
  raw: Readonly<Record<string, unknown>>,
  additional: boolean,
): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    const schema = lookupParam(props, k);
    // `if (my $value = $param->{$key})`: "", "0" and undef are left alone.
    const truthy = v !== undefined && v !== null && v !== "" && v !== "0" && v !== 0 && v !== false;
    if (truthy && schema && Array.isArray(v) && (schema.type ?? "string") === "string" && typeof schema.format === "string" && schema.format.endsWith("-list"))
      input[k] = v.join(",");
    else if (truthy && schema?.type === "array" && !Array.isArray(v)) input[k] = [v];
    else input[k] = v;
  }
  const errors: Errors = {};
  const out = checkObject("", props, input, additional, errors);
  if (Object.keys(errors).length > 0) throw new SimError(400, "Parameter verification failed.\n", errors);
  return out;
}
