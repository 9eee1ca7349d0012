/** Comparing property-string objects sub-key by sub-key, as PVE reads them. */
import type { SdkValue } from "../../schema/codecs";
import type { FieldDef } from "../../schema/fields";
import { isEntryObject, ruleOf } from "../../schema/slots";

/** A property-string sub-key's value as text, so that 1, "1" and true compare equal. */
function subText(kind: string | undefined, value: SdkValue): string {
  return kind === "boolean" || kind === "number" ? String(Number(value === true ? 1 : value === false ? 0 : value)) : String(value);
}

/**
 * The sub-keys of a property-string object whose desired and recorded values differ. In a device
 * family's slot, a computed sub-key or one an operation serves that the program leaves out is PVE's
 * to keep, and a sub-key with a normal form compares in it.
 */
export function changedSubKeys(field: FieldDef, desired: Readonly<Record<string, SdkValue>>, recorded: Readonly<Record<string, SdkValue>>): string[] {
  const type = field.type;
  if (type.kind !== "object") return [];
  const facts = typeof field.param.format === "object" ? field.param.format : {};
  return [...new Set([...Object.keys(desired), ...Object.keys(recorded)])].filter((key) => {
    const sub = type.keys[key];
    const rule = field.slots ? ruleOf(field.slots, key) : (field.subKeys?.[key] ?? {});
    const w = desired[key];
    const h = recorded[key];
    // PVE does not keep it: what the program gave is what it gave, and it is never written again.
    if (rule.writeOnce === true) return false;
    if (w === undefined && (rule.computed === true || rule.change === "operation")) return false;
    if (w !== undefined && h !== undefined)
      return rule.normalize ? rule.normalize(w) !== rule.normalize(h) : subText(sub?.type.kind, w) !== subText(sub?.type.kind, h);
    const present = (w ?? h) as SdkValue;
    const fallback = sub ? facts[sub.pveName]?.default : undefined;
    return fallback === undefined || subText(sub?.type.kind, present) !== subText(sub?.type.kind, fallback as SdkValue);
  });
}

/** The value of a family of plain values (a serial port) as one difference: {@link changedInSlot}'s name for it. */
export const WHOLE_VALUE = "";

/** A slot's differences: its changed sub-keys, or {@link WHOLE_VALUE} when a plain value (a serial port's) differs. */
export function changedInSlot(field: FieldDef, desired: SdkValue, recorded: SdkValue): string[] {
  if (isEntryObject(desired) && isEntryObject(recorded)) return changedSubKeys(field, desired, recorded);
  return field.codec.equal(desired, recorded) ? [] : [WHOLE_VALUE];
}
