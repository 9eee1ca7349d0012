/**
 * What a field is, from one place: `entryShape` picks the one codec family of a parameter (from
 * its official facts and the definition's override) and takes the value's SDK type, codec and
 * validation from it; `fieldShape` wraps that entry for indexed fields (an array of entries) and
 * device families (a map of entries by slot), and refuses URL passwords in what is no secret.
 */
import { z } from "zod";
import type { FieldOverride, FieldType, IndexedParam } from "../fields";
import { NAMED_PROPERTY_FORMATS } from "../formats";
import type { ApiParam, ApiPropertyKey } from "../pve-schema";
import { isListFormat, isPropertyString } from "../pve-schema";
import type { SlotField } from "../slots";
import type { Codec } from "./codec";
import type { EntryShape } from "./families";
import {
  base64KeyValueFamily,
  commentLinesFamily,
  flagFamily,
  listFamily,
  pemChainFamily,
  propertyStringFamily,
  propertyStringListFamily,
  scalarFamily,
  spaceListFamily,
  stringFamily,
  tagListFamily,
  urlEncodedFamily,
  vmidListFamily,
} from "./families";

/** A field's type, codec and validation, as `defineKind` puts them into its `FieldDef`. */
export interface FieldShape {
  /** The SDK type of the field (of one entry when indexed or a device family). */
  readonly type: FieldType;
  /** The conversion of the field's value (of one entry when indexed or a device family). */
  readonly codec: Codec;
  /** The validation `check` applies to the field's whole SDK value. */
  readonly schema: z.ZodType;
}

/**
 * The shape of one value of a parameter (one entry when it is indexed), from the one family it
 * belongs to: a definition's `single` or `encoding`, else its official facts (property string,
 * `-list` or array, PEM chain, scalar). `where` names the field in the errors of an override that
 * contradicts the facts (an `encoding` or `single` that the parameter cannot take).
 */
export function entryShape(param: ApiParam, override?: FieldOverride, where = "the parameter"): EntryShape {
  const shape = familyShape(param, override, where);
  return override?.values ? offering(shape, override.values, where) : shape;
}

/** A free string's shape whose type offers PVE's values (see {@link FieldOverride.values}); its validation stays the family's. */
function offering(shape: EntryShape, values: NonNullable<FieldOverride["values"]>, where: string): EntryShape {
  if (shape.type.kind !== "string" || shape.type.enum)
    throw new Error(`${where}: \`values\` names the values of a free string, and this parameter is no free string`);
  return { ...shape, type: { kind: "string", enum: values.names, ...(values.open ? { open: true } : {}) } };
}

/** The sub-keys of an array's items when they are a property-string format PVE registers by name (a subnet's DHCP ranges). */
function itemFormat(param: ApiParam): Readonly<Record<string, ApiPropertyKey>> | undefined {
  if (param.type !== "array" || typeof param.items !== "object" || param.items === null) return undefined;
  const format = (param.items as { format?: unknown }).format;
  return typeof format === "string" ? NAMED_PROPERTY_FORMATS[format] : undefined;
}

/** The family's shape of a parameter's value, from the override and the facts. */
function familyShape(param: ApiParam, override: FieldOverride | undefined, where: string): EntryShape {
  const list = isListFormat(param) || param.type === "array";
  if (override?.flag) {
    if (param.type !== "integer") throw new Error(`${where}: \`flag\` is for an integer PVE uses as a flag, and this parameter is no integer`);
    return flagFamily.shape(param);
  }
  if (override?.single) {
    if (override.encoding) throw new Error(`${where}: \`single\` and \`encoding\` exclude each other`);
    if (!list) throw new Error(`${where}: \`single\` takes a \`-list\` parameter as one value, and this parameter is no list`);
    return stringFamily.shape(param);
  }
  switch (override?.encoding) {
    case "base64-key-value":
      return base64KeyValueFamily.shape();
    case "comment-lines":
      if (param.type !== "string" || list || isPropertyString(param))
        throw new Error(`${where}: \`comment-lines\` is the encoding of a plain string parameter`);
      return commentLinesFamily.shape(param);
    case "space-list":
      if (!list) throw new Error(`${where}: \`space-list\` is the encoding of a \`-list\` parameter`);
      return spaceListFamily.shape(param);
    case undefined:
      break;
  }
  if (isPropertyString(param)) return propertyStringFamily(param.format).shape();
  const items = itemFormat(param);
  if (items) return propertyStringListFamily(items).shape();
  if (param.format === "pve-vmid-list") return vmidListFamily.shape();
  if (param.format === "pve-tag-list") return tagListFamily.shape(param);
  if (list) return listFamily.shape(param);
  if (param.format === "pem-certificate-chain") return pemChainFamily.shape(param);
  if (param.format === "urlencoded") return urlEncodedFamily.shape(param);
  return scalarFamily(param).shape(param);
}

/** A device family's value: a map from slot numbers (`0` .. `limit - 1`) to entries. */
function slotsSchema(entry: z.ZodType, family: SlotField): z.ZodType {
  const slot = z
    .string()
    .regex(/^(0|[1-9][0-9]*)$/, `a slot is a number, 0 to ${family.limit - 1}`)
    .refine(
      (key) => !/^\d+$/.test(key) || Number(key) < family.limit,
      `PVE has ${family.limit} ${family.base} slots: ${family.base}0..${family.base}${family.limit - 1}`,
    );
  return z.record(slot, entry);
}

/** An indexed field's value: an array of entries, at most as many as PVE has numbered keys when the schema says. */
function entriesSchema(entry: z.ZodType, indexed: IndexedParam): z.ZodType {
  const entries = z.array(entry);
  return indexed.limit === undefined
    ? entries
    : entries.max(indexed.limit, `PVE allows at most ${indexed.limit} entries (${indexed.base}0..${indexed.base}${indexed.limit - 1})`);
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
    message:
      "holds a password in a URL (`user:password@`), which would be stored in plain text: this field is not a secret; give the credentials where the kind takes them as one",
  });
}

/** Where a field's entry sits: in an indexed field's array or a device family's slots, in a secret or not. */
export interface FieldContainer {
  /** The field is indexed (`acmedomain[n]`): its value is an array of entries. */
  readonly indexed?: IndexedParam;
  /** The field is a device family (`scsi[n]`): its value maps slots to entries (it wins over `indexed`). */
  readonly slots?: SlotField;
  /** The field is a secret: it may hold a URL with a password, which any other field refuses. */
  readonly secret?: boolean;
}

/** A field's shape: its entry's type and codec, and the entry's validation wrapped for where it sits. */
export function fieldShape(entry: EntryShape, container: FieldContainer = {}): FieldShape {
  const { indexed, slots, secret } = container;
  const schema = slots ? slotsSchema(entry.schema, slots) : indexed ? entriesSchema(entry.schema, indexed) : entry.schema;
  return { type: entry.type, codec: entry.codec, schema: secret ? schema : refusingUrlPasswords(schema) };
}
