/**
 * cty values on the wire: Terraform's type system as msgpack (with unknowns as extensions) or JSON,
 * following the protocol's object wire format. Values are plain JavaScript (null, strings, numbers,
 * booleans, arrays, objects) plus {@link UNKNOWN}; a type drives every conversion, because the
 * wire form alone cannot tell a map from an object or a set from a list.
 */
import { ExtData, decode, encode } from "@msgpack/msgpack";

/** A cty type in its JSON form: `"string"`, `["set","string"]`, `["object",{...}]`, ... */
export type CtyType =
  | "string"
  | "number"
  | "bool"
  | "dynamic"
  | readonly ["list" | "set" | "map", CtyType]
  | readonly ["object", Readonly<Record<string, CtyType>>]
  | readonly ["tuple", readonly CtyType[]];

/** A value that is known only after apply (a reference to another resource's output, in a plan). */
export const UNKNOWN: unique symbol = Symbol("cty.unknown");
export type Unknown = typeof UNKNOWN;

/** A decoded cty value. */
export type CtyValue = null | string | number | boolean | Unknown | CtyValue[] | { [key: string]: CtyValue };

/** An object value, as blocks and object attributes decode. */
export type CtyObject = { [key: string]: CtyValue };

/** True when the value is, or contains, an unknown. */
export function hasUnknown(value: CtyValue): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(hasUnknown);
  if (isObject(value)) return Object.values(value).some(hasUnknown);
  return false;
}

export function isObject(value: CtyValue | undefined): value is CtyObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Brings a decoded (or JSON-parsed) value into the shape of `type`: every object attribute present, numbers as numbers. */
export function conform(raw: unknown, type: CtyType): CtyValue {
  // Any extension is an unknown; code 12 carries refinements (nullness, prefixes, bounds), which
  // only narrow what the value may become: reading it as wholly unknown is always safe.
  if (raw instanceof ExtData) return UNKNOWN;
  if (raw === UNKNOWN) return UNKNOWN;
  if (raw === null || raw === undefined) return null;
  if (type === "dynamic") return conformDynamic(raw);
  if (type === "string") return typeof raw === "string" ? raw : String(raw);
  if (type === "number") return typeof raw === "number" ? raw : Number(raw);
  // PVE's JSON (data source results) says 0/1 where the schema says boolean.
  if (type === "bool") return raw === true || raw === 1 || raw === "1" || raw === "true";
  const [kind, inner] = type;
  if (kind === "list" || kind === "set") return Array.isArray(raw) ? raw.map((item) => conform(item, inner)) : [];
  if (kind === "tuple") return inner.map((t, i) => conform(Array.isArray(raw) ? raw[i] : undefined, t));
  const entries = entriesOf(raw);
  if (kind === "map") return Object.fromEntries(entries.map(([key, value]) => [key, conform(value, inner)]));
  const source = new Map(entries);
  return Object.fromEntries(Object.entries(inner).map(([name, attr]) => [name, conform(source.get(name), attr)]));
}

function entriesOf(raw: unknown): [string, unknown][] {
  if (raw instanceof Map) return [...(raw as Map<unknown, unknown>)].map(([k, v]) => [String(k), v]);
  return typeof raw === "object" && raw !== null ? Object.entries(raw) : [];
}

/** A `dynamic` value on the wire is `[type JSON as bytes, value]` (msgpack) or `{value, type}` (JSON). */
function conformDynamic(raw: unknown): CtyValue {
  if (Array.isArray(raw) && raw.length === 2 && raw[0] instanceof Uint8Array) {
    return conform(raw[1], JSON.parse(Buffer.from(raw[0]).toString("utf8")) as CtyType);
  }
  if (typeof raw === "object" && raw !== null && "type" in raw && "value" in raw) {
    return conform((raw as { value: unknown }).value, (raw as { type: CtyType }).type);
  }
  return conform(raw, impliedType(raw as CtyValue));
}

/** The type a plain value has, for `dynamic` attributes (objects stay objects, arrays become tuples). */
export function impliedType(value: CtyValue): CtyType {
  if (typeof value === "string") return "string";
  if (typeof value === "number") return "number";
  if (typeof value === "boolean") return "bool";
  if (Array.isArray(value)) return ["tuple", value.map(impliedType)];
  if (isObject(value)) return ["object", Object.fromEntries(Object.entries(value).map(([k, v]) => [k, impliedType(v)]))];
  return "dynamic";
}

/** The msgpack-ready form of a value of `type` (unknowns as extension 0, dynamic values wrapped with their type). */
function toWire(value: CtyValue, type: CtyType): unknown {
  if (value === UNKNOWN) return new ExtData(0, new Uint8Array(0));
  if (value === null) return null;
  if (type === "dynamic") {
    const implied = impliedType(value);
    return [Buffer.from(JSON.stringify(implied)), toWire(value, implied)];
  }
  if (typeof type === "string") return value;
  const [kind, inner] = type;
  if (kind === "list" || kind === "set") return Array.isArray(value) ? value.map((item) => toWire(item, inner)) : [];
  if (kind === "tuple") return inner.map((t, i) => toWire(Array.isArray(value) ? (value[i] ?? null) : null, t));
  const object = isObject(value) ? value : {};
  if (kind === "map") return Object.fromEntries(Object.entries(object).map(([key, item]) => [key, toWire(item, inner)]));
  return Object.fromEntries(Object.entries(inner).map(([name, attr]) => [name, toWire(object[name] ?? null, attr)]));
}

/** Encodes a value of `type` as msgpack, the form servers should always answer in. */
export function toMsgpack(value: CtyValue, type: CtyType): Uint8Array {
  return encode(toWire(value, type));
}

/** Decodes msgpack bytes as a value of `type`. */
export function fromMsgpack(bytes: Uint8Array, type: CtyType): CtyValue {
  return conform(decode(bytes), type);
}

/** The protocol's `DynamicValue`: one of the two encodings is set. */
export interface DynamicValue {
  msgpack?: Uint8Array | null;
  json?: Uint8Array | null;
}

/** Reads a `DynamicValue` in either encoding; an absent one is null. */
export function readDynamic(value: DynamicValue | null | undefined, type: CtyType): CtyValue {
  if (value?.msgpack && value.msgpack.length > 0) return fromMsgpack(value.msgpack, type);
  if (value?.json && value.json.length > 0) return conform(JSON.parse(Buffer.from(value.json).toString("utf8")), type);
  return null;
}

/** Writes a `DynamicValue` (msgpack). */
export function writeDynamic(value: CtyValue, type: CtyType): { msgpack: Buffer } {
  return { msgpack: Buffer.from(toMsgpack(value, type)) };
}
