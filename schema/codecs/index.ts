/**
 * Codecs between PVE's wire values and the typed values of the SDK, keyed by the official
 * schema's `type` and `format`. Each codec is a pair of pure functions plus an equality that
 * knows which differences PVE does not care about (list order for sets, 1 vs "1" vs true).
 */
import type { ApiParam, ApiPropertyKey } from "../pve-schema";
import { isListFormat, isPropertyString } from "../pve-schema";
import { toCamel } from "../naming";

/** A typed SDK value: what users write and what outputs hold. */
export type SdkValue = string | number | boolean | string[] | SdkObject | SdkObject[];

/** A property string as a typed object. */
export interface SdkObject {
  [key: string]: SdkValue;
}

/** Converts one parameter between its SDK value and PVE's wire form. */
export interface Codec {
  /** SDK value → form value PVE accepts (0/1 booleans, joined lists, property strings). */
  encode(value: SdkValue): string | number;
  /** A value as PVE returns it (numbers as strings, lists as strings or arrays, ...) → SDK value. */
  decode(wire: unknown): SdkValue | undefined;
  /** True when PVE treats the two SDK values as the same. */
  equal(a: SdkValue, b: SdkValue): boolean;
}

const TRUE_WORDS = new Set(["1", "on", "yes", "true"]);
const FALSE_WORDS = new Set(["0", "off", "no", "false"]);

/** Booleans: PVE wants 0/1; it returns 0/1, "0"/"1", or (in property strings) on/yes/true. */
export const booleanCodec: Codec = {
  encode: (value) => (value === true || value === 1 || value === "1" ? 1 : 0),
  decode(wire) {
    if (typeof wire === "boolean") return wire;
    const word = String(wire).toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    return undefined;
  },
  equal: (a, b) => booleanCodec.encode(a) === booleanCodec.encode(b),
};

/** Numbers: PVE's JSON sometimes carries them as strings (`"2048"`). */
export const numberCodec: Codec = {
  encode: (value) => Number(value),
  decode(wire) {
    if (wire === undefined || wire === null || wire === "") return undefined;
    const n = Number(wire);
    return Number.isNaN(n) ? undefined : n;
  },
  equal: (a, b) => Number(a) === Number(b),
};

/** Plain strings. */
export const stringCodec: Codec = {
  encode: (value) => String(value),
  decode: (wire) => (wire === undefined || wire === null ? undefined : String(wire)),
  equal: (a, b) => String(a) === String(b),
};

/** Splits a PVE list the way `PVE::Tools::split_list` does: on commas, semicolons or white space. */
export function splitList(wire: unknown): string[] {
  if (Array.isArray(wire)) return wire.map(String).filter((item) => item !== "");
  if (wire === undefined || wire === null) return [];
  return String(wire)
    .split(/[,;\s]+/)
    .filter((item) => item !== "");
}

/** `-list` formats: arrays in the SDK, joined with commas on the wire; order does not matter to PVE. */
export const listCodec: Codec = {
  encode: (value) => (Array.isArray(value) ? value.join(",") : String(value)),
  decode: (wire) => splitList(wire),
  equal: (a, b) => {
    const left = [...splitList(a)].sort();
    const right = [...splitList(b)].sort();
    return left.length === right.length && left.every((item, i) => item === right[i]);
  },
};

function scalarCodec(type: ApiParam["type"] | ApiPropertyKey["type"]): Codec {
  if (type === "boolean") return booleanCodec;
  if (type === "integer" || type === "number") return numberCodec;
  return stringCodec;
}

/**
 * Property strings (`key=value,key=value`, optionally with a leading default key) become objects
 * with the schema's sub-keys, named in camelCase like every other SDK name.
 */
export function propertyStringCodec(keys: Record<string, ApiPropertyKey>): Codec {
  const defaultKey = Object.entries(keys).find(([, fact]) => fact.default_key)?.[0];
  const pveNameOf = new Map(Object.keys(keys).map((pveName) => [toCamel(pveName), pveName]));
  const subCodec = (sdkKey: string): Codec => {
    const fact = keys[pveNameOf.get(sdkKey) ?? sdkKey];
    return fact ? scalarCodec(fact.type) : stringCodec;
  };
  const codec: Codec = {
    encode(value) {
      if (typeof value !== "object" || Array.isArray(value)) return String(value);
      return Object.entries(value)
        .filter(([, v]) => v !== undefined && v !== null)
        .map(([key, v]) => `${pveNameOf.get(key) ?? key}=${subCodec(key).encode(v)}`)
        .join(",");
    },
    decode(wire) {
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
    },
    equal(a, b) {
      const left = codec.decode(a);
      const right = codec.decode(b);
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
  };
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
  return codec;
}

/** The codec for one official parameter. */
/**
 * A PEM certificate chain: PVE reports only the leaf of an uploaded chain (`certificates/info`),
 * so two chains are the same when their first certificates are (text around the blocks ignored).
 */
export const pemChainCodec: Codec = {
  encode: (value) => String(value),
  decode: (wire) => (typeof wire === "string" ? wire : undefined),
  equal: (a, b) => leafOf(String(a)) === leafOf(String(b)),
};

function leafOf(pem: string): string {
  const block = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem);
  return block?.[1] === undefined ? pem.trim() : block[1].replace(/\s+/g, "");
}

/** `KEY=value` lines, base64-encoded on the wire (an ACME DNS plugin's `data`); a map of strings in the SDK. */
export const base64KeyValueCodec: Codec = {
  encode(value) {
    const entries = typeof value === "object" && !Array.isArray(value) ? Object.entries(value) : [];
    return Buffer.from(entries.map(([key, v]) => `${key}=${String(v)}\n`).join("")).toString("base64");
  },
  decode(wire) {
    if (typeof wire === "object" && wire !== null && !Array.isArray(wire)) return wire as { [key: string]: SdkValue };
    if (typeof wire !== "string" || wire === "") return undefined;
    const map: { [key: string]: SdkValue } = {};
    for (const line of Buffer.from(wire, "base64").toString("utf8").split("\n")) {
      const eq = line.indexOf("=");
      if (eq > 0) map[line.slice(0, eq).trim()] = line.slice(eq + 1);
    }
    return map;
  },
  equal(a, b) {
    const left = base64KeyValueCodec.decode(a) as Record<string, SdkValue> | undefined;
    const right = base64KeyValueCodec.decode(b) as Record<string, SdkValue> | undefined;
    if (!left || !right) return left === right;
    const keys = Object.keys(left);
    return keys.length === Object.keys(right).length && keys.every((key) => String(left[key]) === String(right[key]));
  },
};

/** A list PVE copies into a config line as sent (a bridge's `bridge_vids`): joined with spaces, which every reader splits. */
export const spaceListCodec: Codec = { ...listCodec, encode: (value) => (Array.isArray(value) ? value.join(" ") : String(value)) };

/** The text of comment lines as PVE's config parsers read it: trailing blanks of each line and trailing empty lines go. */
function commentText(text: string): string {
  return text.replace(/[ \t]+$/gm, "").replace(/\n+$/, "");
}

/**
 * A description kept as `#` comment lines of a config file (datacenter.cfg, a node's config): PVE
 * writes each line as a comment and reads every comment line back with a newline, so `"rack 1"`
 * reads as `"rack 1\n"` (node configs also lose trailing blanks). Decoded without that last
 * newline; two texts are the same when they read back the same.
 */
export const commentLinesCodec: Codec = {
  encode: (value) => String(value),
  decode: (wire) => (wire === undefined || wire === null ? undefined : String(wire).replace(/\n$/, "")),
  equal: (a, b) => commentText(String(a)) === commentText(String(b)),
};

export function codecFor(param: ApiParam): Codec {
  if (param.format === "pem-certificate-chain") return pemChainCodec;
  if (isPropertyString(param)) return propertyStringCodec(param.format);
  if (isListFormat(param) || param.type === "array") return listCodec;
  return scalarCodec(param.type);
}
