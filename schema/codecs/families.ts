/**
 * The codec families, each declared once: the SDK type of its values, the zod validation that
 * `check` applies to them, what PVE sends and takes on the wire, the conversion between the two
 * and the equality PVE applies (1 vs "1" vs true, list order, a chain's leaf). `declareFamily`
 * turns a declaration into a zod 4 codec (`z.codec(wire, sdk, {decode, encode})`) and into the
 * engine's {@link Codec}, so that validation and wire form cannot drift apart.
 */
import { z } from "zod";
import type { FieldType } from "../fields";
import { FORMAT_CHECKS } from "../formats";
import { toCamel } from "../naming";
import type { ApiPropertyKey } from "../pve-schema";
import type { Codec, SdkValue } from "./codec";

/** What one family says about its values, given the facts of the parameter it serves. */
export interface FamilyDeclaration<F> {
  /** The SDK type of a value, for the generators. */
  type(facts: F): FieldType;
  /** What an SDK value may be: the validation `check` applies. */
  sdk(facts: F): z.ZodType;
  /** What travels on the wire: what PVE returns (the input of `decode`) and takes (the output of `encode`). */
  readonly wire: z.ZodType;
  /** A value as PVE returns it → the SDK value; undefined when PVE's value says nothing. */
  decode(wire: unknown): SdkValue | undefined;
  /** An SDK value → the form value PVE takes. */
  encode(value: SdkValue): string | number;
  /** True when PVE treats the two values (SDK values or PVE's read-back forms) as the same. */
  equal(a: SdkValue, b: SdkValue): boolean;
}

/** The shape of one value (a field, or one entry of an indexed field or device family) in its family. */
export interface EntryShape {
  /** The SDK type, for the generators. */
  readonly type: FieldType;
  /**
   * The engine's conversion: the family's `decode`, `encode` and `equal` as declared. It never
   * validates (the engine also converts values PVE chose, and `check` has validated the program's),
   * and it decodes what it cannot read to undefined instead of throwing.
   */
  readonly codec: Codec;
  /** What an SDK value may be: the `sdk` side of {@link EntryShape.zod}. */
  readonly schema: z.ZodType;
  /**
   * The same declaration as one zod codec from the wire form to the SDK value: `z.decode` reads
   * PVE's value and validates the result, `z.encode` validates an SDK value and converts it.
   */
  readonly zod: z.ZodCodec<z.ZodType, z.ZodType>;
}

/** A declared family: its engine codec and the shape of a value for given facts. */
export interface CodecFamily<F> {
  /** The family's conversion, shared by every value of the family. */
  readonly codec: Codec;
  /** The shape of a value of the family for the facts of one parameter (or sub-key). */
  shape(facts: F): EntryShape;
}

/** Turns a family's declaration into its codec and its shapes (each with its zod codec). */
export function declareFamily<F>(declaration: FamilyDeclaration<F>): CodecFamily<F> {
  const codec: Codec = { encode: declaration.encode, decode: declaration.decode, equal: declaration.equal };
  return {
    codec,
    shape(facts) {
      const schema = declaration.sdk(facts);
      const zod = z.codec(declaration.wire, schema, {
        decode: (wire) => declaration.decode(wire),
        // zod has validated the value against `schema` before it asks for its wire form.
        encode: (value) => declaration.encode(value as SdkValue),
      });
      return { type: declaration.type(facts), codec, schema, zod };
    },
  };
}

/** The facts of a scalar (a parameter or a property-string sub-key) that its family reads. */
export interface ScalarFacts {
  type: string;
  enum?: readonly string[];
  pattern?: string;
  minimum?: number | string;
  maximum?: number | string;
  maxLength?: number;
  minLength?: number;
  format?: unknown;
}

/** A scalar as PVE's JSON carries it: numbers and booleans often as strings, strings sometimes as numbers. */
const WIRE_SCALAR = z.union([z.string(), z.number(), z.boolean()]);
/** A number on the wire: a JSON number, or its digits as a string (`"2048"`). */
const WIRE_NUMBER = z.union([z.number(), z.string()]);
/** A list on the wire: joined in one string, or a JSON array. */
const WIRE_LIST = z.union([z.string(), z.array(z.union([z.string(), z.number()]))]);
/** A structured value on the wire: one string, or the object PVE's JSON already parsed it into. */
const WIRE_OBJECT = z.union([z.string(), z.record(z.string(), z.unknown())]);

function num(value: number | string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}

/** Perl regexes that JavaScript cannot compile (e.g. `(?^i:...)`) are left to PVE to enforce. */
function jsPattern(pattern: string | undefined): RegExp | undefined {
  if (!pattern) return undefined;
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch {
    return undefined;
  }
}

/** A string's SDK type: its enum when the schema gives one. */
function stringType(fact: ScalarFacts): FieldType {
  return fact.enum ? { kind: "string", enum: fact.enum } : { kind: "string" };
}

/** A string's validation: its enum, or its lengths, pattern and named format. */
function stringSchema(fact: ScalarFacts): z.ZodType {
  if (fact.enum) return z.enum(fact.enum as readonly [string, ...string[]]);
  let schema = z.string();
  if (fact.maxLength !== undefined) schema = schema.max(fact.maxLength);
  if (fact.minLength !== undefined) schema = schema.min(fact.minLength);
  const pattern = jsPattern(fact.pattern);
  if (pattern) schema = schema.regex(pattern, `must match the pattern ${fact.pattern}`);
  const named = typeof fact.format === "string" ? FORMAT_CHECKS[fact.format] : undefined;
  if (named) return schema.refine(named.check, named.message);
  return schema;
}

const TRUE_WORDS = new Set(["1", "on", "yes", "true"]);
const FALSE_WORDS = new Set(["0", "off", "no", "false"]);

function encodeBoolean(value: SdkValue): number {
  return value === true || value === 1 || value === "1" ? 1 : 0;
}

/** Booleans: PVE wants 0/1; it returns 0/1, "0"/"1", or (in property strings) on/yes/true. */
export const booleanFamily = declareFamily<ScalarFacts>({
  type: () => ({ kind: "boolean" }),
  sdk: () => z.boolean(),
  wire: WIRE_SCALAR,
  encode: encodeBoolean,
  decode(wire) {
    if (typeof wire === "boolean") return wire;
    const word = String(wire).toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    return undefined;
  },
  equal: (a, b) => encodeBoolean(a) === encodeBoolean(b),
});

/** Numbers (integers when the schema says so, within its range): PVE's JSON sometimes carries them as strings (`"2048"`). */
export const numberFamily = declareFamily<ScalarFacts>({
  type: () => ({ kind: "number" }),
  sdk(fact) {
    let schema = fact.type === "integer" ? z.number().int() : z.number();
    const min = num(fact.minimum);
    const max = num(fact.maximum);
    if (min !== undefined) schema = schema.min(min);
    if (max !== undefined) schema = schema.max(max);
    return schema;
  },
  wire: WIRE_NUMBER,
  encode: (value) => Number(value),
  decode(wire) {
    if (wire === undefined || wire === null || wire === "") return undefined;
    const n = Number(wire);
    return Number.isNaN(n) ? undefined : n;
  },
  equal: (a, b) => Number(a) === Number(b),
});

/**
 * Plain strings, checked by the schema's enum, lengths, pattern and named format. A `-list`
 * parameter a kind takes as one value (`single`: an ACL entry's one role) is a string too.
 */
export const stringFamily = declareFamily<ScalarFacts>({
  type: stringType,
  sdk: stringSchema,
  wire: WIRE_SCALAR,
  encode: (value) => String(value),
  decode: (wire) => (wire === undefined || wire === null ? undefined : String(wire)),
  equal: (a, b) => String(a) === String(b),
});

/** The family of a scalar by its schema type: boolean, number (integer or number), else string. */
export function scalarFamily(fact: Pick<ScalarFacts, "type">): CodecFamily<ScalarFacts> {
  if (fact.type === "boolean") return booleanFamily;
  if (fact.type === "integer" || fact.type === "number") return numberFamily;
  return stringFamily;
}

/** Splits a PVE list the way `PVE::Tools::split_list` does: on commas, semicolons or white space. */
export function splitList(wire: unknown): string[] {
  if (Array.isArray(wire)) return wire.map(String).filter((item) => item !== "");
  if (wire === undefined || wire === null) return [];
  return String(wire)
    .split(/[,;\s]+/)
    .filter((item) => item !== "");
}

function sameSet(a: SdkValue, b: SdkValue): boolean {
  const left = [...splitList(a)].sort();
  const right = [...splitList(b)].sort();
  return left.length === right.length && left.every((item, i) => item === right[i]);
}

const LIST: FamilyDeclaration<void> = {
  type: () => ({ kind: "list" }),
  sdk: () => z.array(z.string().min(1)),
  wire: WIRE_LIST,
  encode: (value) => (Array.isArray(value) ? value.join(",") : String(value)),
  decode: (wire) => splitList(wire),
  equal: sameSet,
};

/** `-list` formats and arrays: arrays of non-empty strings in the SDK, joined with commas on the wire; order does not matter to PVE. */
export const listFamily = declareFamily(LIST);

/** A list PVE copies into a config line as sent (a bridge's `bridge_vids`): a list joined with spaces, which every reader splits. */
export const spaceListFamily = declareFamily<void>({ ...LIST, encode: (value) => (Array.isArray(value) ? value.join(" ") : String(value)) });

/**
 * Property strings (`key=value,key=value`, optionally with a leading default key) become objects
 * with the schema's sub-keys, named in camelCase like every other SDK name; each sub-key is a
 * scalar of its own family (its type, validation and conversion), and only the schema's
 * sub-keys are accepted. PVE's key aliases read back as the sub-keys they stand for.
 */
export function propertyStringFamily(keys: Readonly<Record<string, ApiPropertyKey>>): CodecFamily<void> {
  const defaultKey = Object.entries(keys).find(([, fact]) => fact.default_key)?.[0];
  const pveNameOf = new Map(Object.keys(keys).map((pveName) => [toCamel(pveName), pveName]));
  const subCodec = (sdkKey: string): Codec => scalarFamily(keys[pveNameOf.get(sdkKey) ?? sdkKey] ?? { type: "string" }).codec;
  // Each sub-key by SDK name, with its scalar shape. An alias is another spelling of a key that
  // is already there: it is no sub-key of its own.
  const subKeys: Record<string, { pveName: string; optional: boolean; shape: EntryShape }> = {};
  for (const [pveName, fact] of Object.entries(keys)) {
    if (!fact.alias) subKeys[toCamel(pveName)] = { pveName, optional: fact.optional === true, shape: scalarFamily(fact).shape(fact) };
  }

  function decodeObject(raw: Record<string, unknown>): { [key: string]: SdkValue } {
    const out: { [key: string]: SdkValue } = {};
    for (const [rawKey, rawValue] of Object.entries(raw)) {
      const fact = keys[rawKey];
      // PVE's key aliases (`virtio=<MAC>` for `model=virtio,macaddr=<MAC>`, JSONSchema.pm
      // `parse_property_string`): the key is the value of another sub-key.
      if (fact?.alias && fact.keyAlias) out[toCamel(fact.keyAlias)] = rawKey;
      const key = toCamel(fact?.alias ?? rawKey);
      const decoded = subCodec(key).decode(rawValue);
      if (decoded !== undefined) out[key] = decoded;
    }
    return out;
  }

  function decode(wire: unknown): SdkValue | undefined {
    if (wire === undefined || wire === null || wire === "") return undefined;
    if (typeof wire === "object" && !Array.isArray(wire)) {
      return decodeObject(wire as Record<string, unknown>);
    }
    const parsed: Record<string, unknown> = {};
    for (const part of String(wire).split(",")) {
      if (part === "") continue;
      const eq = part.indexOf("=");
      if (eq < 0 && defaultKey) parsed[defaultKey] = part;
      else if (eq >= 0) parsed[part.slice(0, eq)] = part.slice(eq + 1);
    }
    return decodeObject(parsed);
  }

  return declareFamily<void>({
    type() {
      const typed: Record<string, { type: FieldType; optional: boolean; pveName: string }> = {};
      for (const [sdkKey, { pveName, optional, shape }] of Object.entries(subKeys)) typed[sdkKey] = { type: shape.type, optional, pveName };
      return { kind: "object", keys: typed };
    },
    sdk() {
      const shape: Record<string, z.ZodType> = {};
      for (const [sdkKey, sub] of Object.entries(subKeys)) shape[sdkKey] = sub.optional ? sub.shape.schema.optional() : sub.shape.schema;
      return z.strictObject(shape);
    },
    wire: WIRE_OBJECT,
    encode(value) {
      if (typeof value !== "object" || Array.isArray(value)) return String(value);
      return Object.entries(value)
        .filter(([, v]) => v !== undefined && v !== null)
        .map(([key, v]) => `${pveNameOf.get(key) ?? key}=${subCodec(key).encode(v)}`)
        .join(",");
    },
    decode,
    equal(a, b) {
      const left = decode(a);
      const right = decode(b);
      if (typeof left !== "object" || typeof right !== "object" || Array.isArray(left) || Array.isArray(right)) {
        return left === right;
      }
      const all = new Set([...Object.keys(left), ...Object.keys(right)]);
      for (const key of all) {
        const l = left[key];
        const r = right[key];
        if (l === undefined || r === undefined) {
          if (l !== r) return false;
        } else if (!subCodec(key).equal(l, r)) return false;
      }
      return true;
    },
  });
}

function leafOf(pem: string): string {
  const block = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem);
  return block?.[1] === undefined ? pem.trim() : block[1].replace(/\s+/g, "");
}

/**
 * A PEM certificate chain, a string in the SDK: PVE reports only the leaf of an uploaded chain
 * (`certificates/info`), so two chains are the same when their first certificates are (text
 * around the blocks ignored).
 */
export const pemChainFamily = declareFamily<ScalarFacts>({
  type: stringType,
  sdk: stringSchema,
  wire: z.string(),
  encode: (value) => String(value),
  decode: (wire) => (typeof wire === "string" ? wire : undefined),
  equal: (a, b) => leafOf(String(a)) === leafOf(String(b)),
});

function decodeKeyValue(wire: unknown): { [key: string]: SdkValue } | undefined {
  if (typeof wire === "object" && wire !== null && !Array.isArray(wire)) return wire as { [key: string]: SdkValue };
  if (typeof wire !== "string" || wire === "") return undefined;
  const map: { [key: string]: SdkValue } = {};
  for (const line of Buffer.from(wire, "base64").toString("utf8").split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) map[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return map;
}

/**
 * `KEY=value` lines, base64-encoded on the wire (an ACME DNS plugin's `data`); a map of strings
 * in the SDK whose keys are words and whose values are single lines, so that the lines read back
 * as the map. Two maps are the same when they hold the same keys and values.
 */
export const base64KeyValueFamily = declareFamily<void>({
  type: () => ({ kind: "map" }),
  sdk: () =>
    z.record(z.string().regex(/^[^=\s]+$/, "a key must be a word without '=' or white space"), z.string().regex(/^[^\n]*$/, "a value must be one line")),
  wire: z.union([z.string(), z.record(z.string(), z.string())]),
  encode(value) {
    const entries = typeof value === "object" && !Array.isArray(value) ? Object.entries(value) : [];
    return Buffer.from(entries.map(([key, v]) => `${key}=${String(v)}\n`).join("")).toString("base64");
  },
  decode: decodeKeyValue,
  equal(a, b) {
    const left = decodeKeyValue(a);
    const right = decodeKeyValue(b);
    if (!left || !right) return left === right;
    const keys = Object.keys(left);
    return keys.length === Object.keys(right).length && keys.every((key) => String(left[key]) === String(right[key]));
  },
});

/** The text of comment lines as PVE's config parsers read it: trailing blanks of each line and trailing empty lines go. */
function commentText(text: string): string {
  return text.replace(/[ \t]+$/gm, "").replace(/\n+$/, "");
}

/**
 * A description kept as `#` comment lines of a config file (datacenter.cfg, a node's config), a
 * string in the SDK checked like any string: PVE writes each line as a comment and reads every
 * comment line back with a newline, so `"rack 1"` reads as `"rack 1\n"` (node configs also lose
 * trailing blanks). Decoded without that last newline; two texts are the same when they read
 * back the same.
 */
export const commentLinesFamily = declareFamily<ScalarFacts>({
  type: stringType,
  sdk: stringSchema,
  wire: z.string(),
  encode: (value) => String(value),
  decode: (wire) => (wire === undefined || wire === null ? undefined : String(wire).replace(/\n$/, "")),
  equal: (a, b) => commentText(String(a)) === commentText(String(b)),
});
