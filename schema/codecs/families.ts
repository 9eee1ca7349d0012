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
import { type FormatCheck, checkNamedFormat } from "../pve-formats";
import { toCamel } from "../naming";
import type { ApiPropertyKey } from "../pve-schema";
import type { Codec, SdkObject, SdkValue } from "./codec";

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

/**
 * The provider's checks that win over PVE's format table: its friendlier ones, and `pve-priv`,
 * which passes here because the privileges depend on the connected PVE's version (the role's
 * remote check asks it).
 */
const FORMAT_OVERRIDES: Readonly<Record<string, FormatCheck>> = {
  ...Object.fromEntries(Object.entries(FORMAT_CHECKS).map(([name, { check, message }]) => [name, (v: string) => (check(v) ? undefined : message)])),
  "pve-priv": () => undefined,
};

/**
 * Refines `schema` with PVE's named format (`-list` and `-opt` handled as PVE's `check_format`
 * does), so that `check` refuses what PVE would, with PVE's reason. Formats PVE registers as
 * property strings and formats the table does not know pass.
 */
function withNamedFormat<T extends z.ZodType<string>>(schema: T, format: unknown): z.ZodType<string> {
  if (typeof format !== "string") return schema;
  return schema.superRefine((value, ctx) => {
    const reason = checkNamedFormat(format, value, FORMAT_OVERRIDES);
    // PVE's own text ("value does not look like a valid CIDR network"); the failure names the field.
    if (reason !== undefined) ctx.addIssue({ code: "custom", message: reason });
  });
}

/** A string's validation: its enum, or its lengths, pattern and named format. */
function stringSchema(fact: ScalarFacts): z.ZodType {
  if (fact.enum) return z.enum(fact.enum as readonly [string, ...string[]]);
  let schema = z.string();
  if (fact.maxLength !== undefined) schema = schema.max(fact.maxLength);
  if (fact.minLength !== undefined) schema = schema.min(fact.minLength);
  const pattern = jsPattern(fact.pattern);
  if (pattern) schema = schema.regex(pattern, `must match the pattern ${fact.pattern}`);
  return withNamedFormat(schema, fact.format);
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

/** A flag's value as PVE's Perl tests it: any non-zero number is on; undefined when it is no flag value. */
function decodeFlag(wire: unknown): boolean | undefined {
  if (typeof wire === "boolean") return wire;
  if (typeof wire === "number") return wire !== 0;
  const word = String(wire).toLowerCase();
  if (/^\d+$/.test(word)) return Number(word) !== 0;
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
}

/**
 * Integers PVE uses as on/off flags (range 0..1, or a definition's `flag`: a firewall rule's
 * `enable`): booleans in the SDK, 0/1 on the wire. PVE tests them for truth, so any non-zero value
 * it reads back is on (the datacenter firewall's `enable` holds a timestamp while a GUI enable
 * awaits its confirmation, pve-firewall `API2/Firewall/Cluster.pm`).
 */
export const flagFamily = declareFamily<ScalarFacts>({
  type: () => ({ kind: "boolean" }),
  sdk: () => z.boolean(),
  wire: WIRE_SCALAR,
  encode: encodeBoolean,
  decode: decodeFlag,
  equal: (a, b) => decodeFlag(a) === decodeFlag(b),
});

/** True for an integer whose range is 0..1: a flag in all but its schema type. */
export function isFlagInteger(fact: Pick<ScalarFacts, "type" | "minimum" | "maximum">): boolean {
  return fact.type === "integer" && num(fact.minimum) === 0 && num(fact.maximum) === 1;
}

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

/** The family of a scalar by its schema type: boolean, flag (an integer 0..1), number (integer or number), else string. */
export function scalarFamily(fact: Pick<ScalarFacts, "type" | "minimum" | "maximum">): CodecFamily<ScalarFacts> {
  if (fact.type === "boolean") return booleanFamily;
  if (isFlagInteger(fact)) return flagFamily;
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

/** The facts of a list that its family reads: a `-list` format, or an array's item format. */
export interface ListFacts {
  /** The parameter's format: a `-list` name (`pve-node-list`) checks each entry. */
  format?: unknown;
  /** An array parameter's item schema: its `format` checks each item. */
  items?: unknown;
}

/** The named format each entry of a list must have: the `-list` format itself (it splits an entry PVE would split), or the array's item format. */
function entryFormat(facts: ListFacts | void): unknown {
  if (!facts) return undefined;
  if (typeof facts.format === "string") return facts.format;
  const items = facts.items;
  return typeof items === "object" && items !== null && "format" in items ? items.format : undefined;
}

const LIST: FamilyDeclaration<ListFacts | void> = {
  type: () => ({ kind: "list" }),
  sdk: (facts) => z.array(withNamedFormat(z.string().min(1), entryFormat(facts))),
  wire: WIRE_LIST,
  encode: (value) => (Array.isArray(value) ? value.join(",") : String(value)),
  decode: (wire) => splitList(wire),
  equal: sameSet,
};

/** `-list` formats and arrays: arrays of non-empty strings in the SDK, joined with commas on the wire; order does not matter to PVE. */
export const listFamily = declareFamily(LIST);

/** A guest's tags as PVE keeps them (pve-guest-common `get_unique_tags`): lowercased, once each, sorted. */
function tagSet(value: SdkValue): string[] {
  return [...new Set(splitList(value).map((tag) => tag.toLowerCase()))].sort();
}

/**
 * A guest's tags (`pve-tag-list`): an array in the SDK, `;`-joined on the wire, and compared as
 * PVE stores them (lowercased, deduplicated, sorted, unless the datacenter's `tag-style` says
 * otherwise), so that `["Web", "db"]` and PVE's `db;web` are no change.
 */
export const tagListFamily = declareFamily<ListFacts | void>({
  ...LIST,
  encode: (value) => (Array.isArray(value) ? value.join(";") : String(value)),
  equal: (a, b) => tagSet(a).join(";") === tagSet(b).join(";"),
});

/** A list PVE copies into a config line as sent (a bridge's `bridge_vids`): a list joined with spaces, which every reader splits. */
export const spaceListFamily = declareFamily<ListFacts | void>({ ...LIST, encode: (value) => (Array.isArray(value) ? value.join(" ") : String(value)) });

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

/**
 * A `pve-vmid-list` (a backup job's guests): VMIDs as numbers in the SDK, joined with commas on the
 * wire, each checked as PVE's `check_format` checks a `-list` entry (pve-common `pve_verify_vmid`:
 * 100 to 999999999). Order does not matter to PVE.
 */
export const vmidListFamily = declareFamily<void>({
  type: () => ({ kind: "list", items: { kind: "number" } }),
  sdk: () =>
    z.array(
      z
        .number()
        .int()
        .superRefine((vmid, ctx) => {
          const reason = checkNamedFormat("pve-vmid", String(vmid));
          if (reason !== undefined) ctx.addIssue({ code: "custom", message: reason });
        }),
    ),
  wire: WIRE_LIST,
  encode: (value) => (Array.isArray(value) ? value.join(",") : String(value)),
  decode(wire) {
    const vmids = splitList(wire).map(Number);
    return vmids.some(Number.isNaN) ? undefined : vmids;
  },
  equal: sameSet,
});

const isSdkObject = (value: unknown): value is SdkObject => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * An array parameter whose items are property strings (a subnet's `dhcp-range`, items of format
 * `pve-sdn-dhcp-range`): an array of typed objects in the SDK, each item in the property-string
 * family. PVE answers with the items parsed into objects (pve-network `API2/Network/SDN/Subnets.pm`
 * runs `get_dhcp_ranges`), or as stored strings; both read back. The order is PVE's too.
 * On the wire the array travels as one form value, which PVE's `RESTHandler` wraps into a one-item
 * array: several items need repeated parameters, which the provider's client does not send yet, so
 * `check` takes at most one (two joined would reach PVE as one item it cannot parse).
 */
export function propertyStringListFamily(keys: Readonly<Record<string, ApiPropertyKey>>): CodecFamily<void> {
  const item = propertyStringFamily(keys);
  const entry = item.shape();
  const itemsOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined || value === null || value === "" ? [] : [value]);
  const decode = (wire: unknown): SdkObject[] | undefined =>
    wire === undefined || wire === null
      ? undefined
      : itemsOf(wire)
          .map((one) => item.codec.decode(one))
          .filter(isSdkObject);
  return declareFamily<void>({
    type: () => ({ kind: "list", items: entry.type }),
    sdk: () => z.array(entry.schema).max(1, "takes one entry for now: PVE takes several as repeated parameters, which the provider does not send yet"),
    wire: z.union([z.string(), z.array(z.union([z.string(), z.record(z.string(), z.unknown())]))]),
    encode: (value) =>
      itemsOf(value)
        .map((one) => item.codec.encode(one as SdkValue))
        .join(","),
    decode,
    equal(a, b) {
      const left = decode(a) ?? [];
      const right = decode(b) ?? [];
      return left.length === right.length && left.every((one, i) => item.codec.equal(one, right[i] ?? {}));
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

/**
 * A text PVE takes URL-encoded (`format: urlencoded`: a VM's `sshkeys`, one key per line): plain
 * text in the SDK, percent-encoded on the wire as PVE's web UI sends it, and decoded from what PVE
 * stores (the encoded form), so that two spellings of the same text are no change.
 */
export const urlEncodedFamily = declareFamily<ScalarFacts>({
  type: stringType,
  sdk: () => z.string(),
  wire: z.string(),
  encode: (value) => encodeURIComponent(String(value)),
  decode: (wire) => (wire === undefined || wire === null ? undefined : safeDecode(String(wire))),
  equal: (a, b) => String(a).trim() === String(b).trim(),
});

/** PVE's stored form decoded; a value that is not valid percent-encoding is taken as it is. */
function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
