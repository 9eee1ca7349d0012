/**
 * Moving values between the SDK's shape (camelCase, typed) and PVE's wire shape, and spotting
 * Pulumi's preview-time unknowns.
 */
import type { SdkValue } from "../../schema/codecs";
import type { KindDefinition } from "../../schema/define";
import type { FieldDef } from "../../schema/fields";
import { decodeIndexed, encodeIndexed } from "../../schema/indexed";
import { decodeSlots, encodeSlots, isSlotField, slotsOf } from "../../schema/slots";
import { type Props, type WireParams, isSet } from "../../schema/props";

/** The key under which Pulumi stores the serialized provider; never part of the resource. */
export const PROVIDER_KEY = "__provider";

export { UNKNOWN, containsUnknown, isSet, type Props } from "../../schema/props";

/** The user's values of the kind's fields, without `__provider` or unknown keys. */
export function fieldValues(def: KindDefinition, props: Props): Map<FieldDef, SdkValue> {
  const values = new Map<FieldDef, SdkValue>();
  for (const field of def.fieldList) {
    const value = props[field.sdkName];
    // A presence flag's `false` is its absence: nothing to send, or something to delete.
    if (field.presence && value === false) continue;
    if (isSet(value)) values.set(field, value as SdkValue);
  }
  return values;
}

/** Encodes the given fields for a call, leaving out path parameters (they are in the URL). */
export function toWire(values: Iterable<[FieldDef, SdkValue]>, accepts: (pveName: string) => boolean): WireParams {
  const params: WireParams = {};
  for (const [field, value] of values) {
    if (!accepts(field.pveName)) continue;
    if (isSlotField(field)) Object.assign(params, encodeSlots(field, value));
    else if (field.indexed) Object.assign(params, encodeIndexed(field, value));
    else params[field.pveName] = field.codec.encode(value);
  }
  return params;
}

/**
 * Decodes PVE's read-back into SDK names for the fields listed. With `defaults`, a field PVE
 * leaves out takes the schema's default (PVE omits values that are at their default). With
 * `managed`, a device family holds only the slots the managed value lists.
 */
export function fromWire(
  def: KindDefinition,
  raw: Readonly<Record<string, unknown>>,
  fields: Iterable<FieldDef>,
  options: { defaults?: boolean; managed?: Props } = {},
): Props {
  const out: Props = {};
  for (const field of fields) {
    if (isSlotField(field)) {
      const only = options.managed ? new Set(Object.keys(slotsOf(options.managed[field.sdkName]))) : undefined;
      const slots = decodeSlots(field, raw, only);
      if (Object.keys(slots).length > 0 || options.defaults) out[field.sdkName] = slots;
      continue;
    }
    if (field.indexed) {
      // An indexed field is the numbered keys PVE holds; none is an empty array when managed.
      const entries = decodeIndexed(field, raw);
      if (entries.length > 0 || options.defaults) out[field.sdkName] = entries;
      continue;
    }
    const given = raw[field.pveName];
    // Reading what the user manages, an absent value is PVE's default (or an empty list); adopting
    // everything PVE reports (import by id), an absent value is not part of the object.
    if ((given === undefined || given === null) && !options.defaults) continue;
    const decoded = field.codec.decode(given ?? field.param.default);
    if (decoded !== undefined) out[field.sdkName] = decoded;
  }
  for (const [sdkName, output] of Object.entries(def.outputs ?? {})) {
    if (output.fromCreate) continue;
    const value = raw[output.pveName];
    if (value !== undefined && value !== null) out[sdkName] = value;
  }
  return out;
}
