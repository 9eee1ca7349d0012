/**
 * Moving a resource's values between Terraform's shape (snake_case attributes, every attribute
 * present, null for unset, cty unknowns) and the engine's (the SDK's camelCase props, unset fields
 * absent, Pulumi's unknown marker), driven by the attribute bindings of `schema.ts`.
 */
import { UNKNOWN as ENGINE_UNKNOWN, type Props } from "../engine";
import { type CtyObject, type CtyType, type CtyValue, UNKNOWN, isObject } from "./cty";
import type { BoundAttribute, ResourceType, TfAttribute } from "./schema";

/** A Terraform value as the engine takes it; undefined for null. */
function toEngine(value: CtyValue, attribute: TfAttribute | undefined): unknown {
  if (value === UNKNOWN) return ENGINE_UNKNOWN;
  if (value === null) return undefined;
  if (Array.isArray(value)) {
    const entry = attribute?.nested ? { ...attribute, nested: { ...attribute.nested, nesting: "single" as const } } : undefined;
    return value.map((item) => toEngine(item, entry));
  }
  if (isObject(value) && attribute?.nested?.nesting === "map") {
    // A device family: the keys are slots, each value one entry.
    const entry = { ...attribute, nested: { ...attribute.nested, nesting: "single" as const } };
    return Object.fromEntries(Object.entries(value).map(([slot, item]) => [slot, toEngine(item, entry)]));
  }
  if (isObject(value)) {
    const subs = attribute?.nested?.attributes;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      // A property string's sub-keys go back to the SDK's camelCase names.
      const sdkKey = subs ? camelOf(key) : key;
      const converted = toEngine(item, undefined);
      if (converted !== undefined) out[sdkKey] = converted;
    }
    return out;
  }
  return value;
}

function camelOf(snake: string): string {
  return snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function sourceKey(binding: BoundAttribute): string | undefined {
  const source = binding.source;
  if (source.kind === "field") return source.field.sdkName;
  if (source.kind === "output") return source.sdkName;
  if (source.kind === "triggers") return "triggers";
  return undefined;
}

/**
 * The engine's props of a Terraform object (the id and `*_version` attributes are Terraform's own).
 * Inputs leave the outputs out; recorded props (`withOutputs`) carry them, e.g. a token's secret.
 */
export function propsOf(rt: ResourceType, object: CtyObject | null, withOutputs = false): Props {
  const props: Props = {};
  if (!object) return props;
  for (const binding of rt.bound) {
    const key = sourceKey(binding);
    if (key === undefined || (binding.source.kind === "output" && !withOutputs)) continue;
    const value = toEngine(object[binding.attribute.name] ?? null, binding.attribute);
    if (value !== undefined) props[key] = value;
  }
  return props;
}

/** An engine value as a Terraform value of `type` (PVE's read-back may carry numbers as text). */
function fromEngine(value: unknown, type: CtyType): CtyValue {
  if (value === undefined || value === null) return null;
  if (value === ENGINE_UNKNOWN) return UNKNOWN;
  if (type === "string") return typeof value === "string" ? value : Array.isArray(value) ? value.join(",") : String(value);
  if (type === "number") {
    const n = Number(value);
    return Number.isNaN(n) ? null : n;
  }
  if (type === "bool") return value === true || value === 1 || value === "1" || value === "true";
  if (type === "dynamic") return value as CtyValue;
  const [kind, inner] = type;
  if (kind === "list" || kind === "set") return (Array.isArray(value) ? value : [value]).map((item) => fromEngine(item, inner));
  if (kind === "tuple") return inner.map((t, i) => fromEngine(Array.isArray(value) ? value[i] : undefined, t));
  const record = typeof value === "object" ? (value as Record<string, unknown>) : {};
  if (kind === "map") return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fromEngine(v, inner)]));
  // A property string's attributes are the snake_case of the SDK's keys.
  const byCamel = new Map(Object.entries(record));
  return Object.fromEntries(Object.entries(inner).map(([name, t]) => [name, fromEngine(byCamel.get(camelOf(name)) ?? byCamel.get(name), t)]));
}

/** The Terraform object of engine props: every attribute present, null where the engine has nothing. */
export function objectOf(rt: ResourceType, props: Props, id: string | null): CtyObject {
  const object: CtyObject = {};
  for (const binding of rt.bound) {
    const key = sourceKey(binding);
    if (binding.source.kind === "id") object[binding.attribute.name] = id;
    else object[binding.attribute.name] = key === undefined ? null : fromEngine(props[key], binding.attribute.type);
  }
  return object;
}
