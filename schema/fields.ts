/**
 * Fields of a resource kind, derived from the official schema of its create and update methods,
 * with a definition's overrides on top. One field = one PVE parameter.
 */
import { z } from "zod";
import type { Codec } from "./codecs";
import type { SlotFamily, SlotField } from "./slots";
import type { ApiParam, ApiPropertyKey } from "./pve-schema";
import { isListFormat, isPropertyString } from "./pve-schema";
import { toCamel } from "./naming";
import { FORMAT_CHECKS } from "./formats";

/** What a definition may say about one field beyond the official facts. */
export interface FieldOverride {
  /** The SDK name, when the mechanical camelCase name would mislead (e.g. `roles` → `roleId`). */
  sdkName?: string;
  /** The user-facing description (the schema ships none). */
  doc?: string;
  /** The value is a secret: it is wrapped with `pulumi.secret` and never logged. */
  secret?: boolean;
  /** PVE never returns the value: the desired value is kept in state (as a secret when secret). */
  writeOnly?: boolean;
  /** Force or forbid replacement on change, overriding the create-only rule. */
  replaceOnChange?: boolean;
  /** A `-list` parameter that this kind takes as one value. */
  single?: boolean;
  /** The field is required by this kind even though PVE marks it optional. */
  required?: boolean;
  /**
   * A boolean PVE takes as on whenever the option is there, whatever its value (it tests
   * `defined`: a bridge's `bridge_vlan_aware`): `false` is sent as the option's absence (not on
   * create, deleted on update) and reads back as no value.
   */
  presence?: boolean;
  /**
   * The string carries structured data that the SDK takes typed: `base64-key-value` is the base64
   * encoding of `KEY=value` lines (an ACME DNS plugin's `data`), a map of strings in the SDK;
   * `comment-lines` is a description PVE keeps as `#` comment lines of its config file and reads
   * back with a newline after each line (datacenter.cfg, a node's config); `space-list` is a
   * list PVE writes into a config line as it is sent, so it must be space-separated (a bridge's
   * `bridge_vids`).
   */
  encoding?: "base64-key-value" | "comment-lines" | "space-list";
  /**
   * PVE's `delete` cannot remove this field (the update refuses it, e.g. a token's `privsep`):
   * unsetting it writes this wire value instead, which PVE reads as "not set".
   */
  unset?: string | number;
  /**
   * An indexed parameter that is a guest's device family (`scsi[n]`, `net[n]`): the SDK value maps
   * slot numbers to devices instead of listing entries, only the listed slots are managed, and each
   * sub-key follows its rule (see `schema/slots.ts`).
   */
  slots?: SlotFamily;
}

/** The TypeScript shape of a field, for the SDK generator. */
export type FieldType =
  | { kind: "string"; enum?: readonly string[] }
  | { kind: "number" }
  | { kind: "boolean" }
  | { kind: "list" }
  | { kind: "map" }
  | { kind: "object"; keys: Readonly<Record<string, { type: FieldType; optional: boolean; pveName: string }>> };

/** One field of a kind. */
export interface FieldDef {
  readonly pveName: string;
  readonly sdkName: string;
  readonly param: ApiParam;
  readonly type: FieldType;
  readonly codec: Codec;
  readonly schema: z.ZodType;
  readonly required: boolean;
  readonly inCreate: boolean;
  readonly inUpdate: boolean;
  readonly replaceOnChange: boolean;
  readonly secret: boolean;
  readonly writeOnly: boolean;
  /** See {@link FieldOverride.presence}. */
  readonly presence: boolean;
  readonly identity: boolean;
  readonly doc: string;
  /** The wire value that unsets the field where `delete` cannot (see {@link FieldOverride.unset}). */
  readonly unset?: string | number;
  /**
   * An indexed parameter (`acmedomain[n]`, `net[n]`): the SDK value is an array whose entry `i`
   * travels as `<base><i>`; `type`, `codec` and the entry checks describe one entry.
   */
  readonly indexed?: IndexedParam;
  /**
   * A device family (`scsi[n]` with {@link FieldOverride.slots}): the SDK value maps slot numbers
   * to entries; `type`, `codec` and the entry checks describe one entry. Never set with `indexed`.
   */
  readonly slots?: SlotField;
}

/** How an indexed parameter (`name[n]`) maps to numbered wire keys. */
export interface IndexedParam {
  /** The name without `[n]`, e.g. `acmedomain`: entry `i` is `acmedomain<i>`. */
  readonly base: string;
  /** How many entries PVE allows (`acmedomain0..5` → 6), when the schema says. */
  readonly limit?: number;
}

function scalarType(fact: Pick<ApiParam, "type" | "enum">): FieldType {
  if (fact.type === "boolean") return { kind: "boolean" };
  if (fact.type === "integer" || fact.type === "number") return { kind: "number" };
  return fact.enum ? { kind: "string", enum: fact.enum } : { kind: "string" };
}

function propertyKeyType(key: ApiPropertyKey): FieldType {
  return scalarType({ type: key.type, enum: key.enum });
}

/** The SDK type of an official parameter. */
export function fieldType(param: ApiParam, override?: FieldOverride): FieldType {
  if (override?.encoding === "base64-key-value") return { kind: "map" };
  if (isPropertyString(param)) {
    const keys: Record<string, { type: FieldType; optional: boolean; pveName: string }> = {};
    for (const [pveName, key] of Object.entries(param.format)) {
      if (key.alias) continue; // an alias is another spelling of a key that is already there
      keys[toCamel(pveName)] = { type: propertyKeyType(key), optional: key.optional === true, pveName };
    }
    return { kind: "object", keys };
  }
  if ((isListFormat(param) || param.type === "array") && !override?.single) return { kind: "list" };
  return scalarType(param);
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

function num(value: number | string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}

function scalarSchema(fact: {
  type: string;
  enum?: string[];
  pattern?: string;
  minimum?: number | string;
  maximum?: number | string;
  maxLength?: number;
  minLength?: number;
  format?: unknown;
}): z.ZodType {
  if (fact.type === "boolean") return z.boolean();
  if (fact.type === "integer" || fact.type === "number") {
    let schema = fact.type === "integer" ? z.number().int() : z.number();
    const min = num(fact.minimum);
    const max = num(fact.maximum);
    if (min !== undefined) schema = schema.min(min);
    if (max !== undefined) schema = schema.max(max);
    return schema;
  }
  if (fact.enum) return z.enum(fact.enum as [string, ...string[]]);
  let schema = z.string();
  if (fact.maxLength !== undefined) schema = schema.max(fact.maxLength);
  if (fact.minLength !== undefined) schema = schema.min(fact.minLength);
  const pattern = jsPattern(fact.pattern);
  if (pattern) schema = schema.regex(pattern, `must match the pattern ${fact.pattern}`);
  const named = typeof fact.format === "string" ? FORMAT_CHECKS[fact.format] : undefined;
  if (named) return schema.refine(named.check, named.message);
  return schema;
}

/** A device family's value: a map from slot numbers (`0` .. `limit - 1`) to entries. */
function slotsSchema(entry: z.ZodType, family: SlotField): z.ZodType {
  const slot = z
    .string()
    .regex(/^(0|[1-9][0-9]*)$/, `a slot is a number, 0 to ${family.limit - 1}`)
    .refine((key) => !/^\d+$/.test(key) || Number(key) < family.limit, `PVE has ${family.limit} ${family.base} slots: ${family.base}0..${family.base}${family.limit - 1}`);
  return z.record(slot, entry);
}

/** The zod schema that `check` validates a field's SDK value with (an array of entries when indexed, a map of them for a device family). */
export function fieldSchema(param: ApiParam, type: FieldType, indexed?: IndexedParam, slots?: SlotField): z.ZodType {
  if (slots) return slotsSchema(fieldSchema(param, type), slots);
  if (indexed) {
    const entries = z.array(fieldSchema(param, type));
    return indexed.limit === undefined ? entries : entries.max(indexed.limit, `PVE allows at most ${indexed.limit} entries (${indexed.base}0..${indexed.base}${indexed.limit - 1})`);
  }
  if (type.kind === "object" && isPropertyString(param)) {
    const shape: Record<string, z.ZodType> = {};
    for (const [sdkKey, key] of Object.entries(type.keys)) {
      const fact = param.format[key.pveName];
      if (!fact) continue;
      const schema = scalarSchema(fact);
      shape[sdkKey] = key.optional ? schema.optional() : schema;
    }
    return z.strictObject(shape);
  }
  if (type.kind === "list") return z.array(z.string().min(1));
  if (type.kind === "map") {
    return z.record(
      z.string().regex(/^[^=\s]+$/, "a key must be a word without '=' or white space"),
      z.string().regex(/^[^\n]*$/, "a value must be one line"),
    );
  }
  return scalarSchema(param);
}

/** `scheme://user:password@`: a URL whose userinfo carries a password. */
const URL_WITH_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]*:[^\s@/]+@/i;

function holdsUrlPassword(value: unknown): boolean {
  if (typeof value === "string") return URL_WITH_PASSWORD.test(value);
  if (Array.isArray(value)) return value.some(holdsUrlPassword);
  if (typeof value === "object" && value !== null) return Object.values(value).some(holdsUrlPassword);
  return false;
}

/**
 * The schema of a field that is not a secret: it also refuses a URL with a password in its
 * userinfo (`https://user:password@host`), anywhere in the value, which would otherwise be stored
 * and shown in plain text. A secret field (`http_proxy`) takes one.
 */
export function refusingUrlPasswords(schema: z.ZodType): z.ZodType {
  return schema.refine((value) => !holdsUrlPassword(value), {
    message: "holds a password in a URL (`user:password@`), which would be stored in plain text: this field is not a secret; give the credentials where the kind takes them as one",
  });
}

/** Describes a field from its facts when the definition gives no prose. */
export function describeParam(pveName: string, param: ApiParam): string {
  const parts = [`PVE parameter \`${pveName}\``];
  if (typeof param.format === "string") parts.push(`(format \`${param.format}\`)`);
  if (param.enum) parts.push(`one of ${param.enum.map((e) => `\`${e}\``).join(", ")}`);
  if (param.minimum !== undefined || param.maximum !== undefined) {
    parts.push(`range ${param.minimum ?? "-∞"}..${param.maximum ?? "∞"}`);
  }
  return `${parts.join(" ")}.`;
}
