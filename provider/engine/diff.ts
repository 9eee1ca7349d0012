/**
 * `diff`: compares the desired inputs with the recorded outputs field by field, through each
 * field's codec, so that PVE's normalizations (0/1, "2048", list order) are never a change.
 */
import type { SdkValue } from "../../schema/codecs";
import { type KindDefinition, hasTriggers } from "../../schema/define";
import type { FieldDef } from "../../schema/fields";
import { TRIGGERS } from "./action";
import { type Props, containsUnknown, isSet } from "./values";

export interface DiffResult {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** The SDK names of the fields that differ. */
  changed: string[];
}

/** A property-string sub-key's value as text, so that 1, "1" and true compare equal. */
function subText(kind: string | undefined, value: SdkValue): string {
  return kind === "boolean" || kind === "number" ? String(Number(value === true ? 1 : value === false ? 0 : value)) : String(value);
}

/**
 * Property strings compare sub-key by sub-key. A sub-key PVE reports that the program does not
 * set is a difference (a removed setting, or drift), unless it is PVE's own default.
 */
function sameValue(field: FieldDef, desired: unknown, recorded: unknown): boolean {
  if (field.indexed) {
    // Entry by entry, in order: the index is part of what PVE stores.
    const want = Array.isArray(desired) ? desired : [desired];
    const have = Array.isArray(recorded) ? recorded : [recorded];
    return want.length === have.length && want.every((entry, i) => sameEntry(field, entry, have[i]));
  }
  return sameEntry(field, desired, recorded);
}

/** One value (one entry of an indexed field). */
function sameEntry(field: FieldDef, desired: unknown, recorded: unknown): boolean {
  const type = field.type;
  if (type.kind === "object" && typeof desired === "object" && typeof recorded === "object" && desired && recorded) {
    const want = desired as Record<string, SdkValue>;
    const have = recorded as Record<string, SdkValue>;
    const facts = typeof field.param.format === "object" ? field.param.format : {};
    return [...new Set([...Object.keys(want), ...Object.keys(have)])].every((key) => {
      const sub = type.keys[key];
      const w = want[key];
      const h = have[key];
      if (w !== undefined && h !== undefined) return subText(sub?.type.kind, w) === subText(sub?.type.kind, h);
      const present = (w ?? h) as SdkValue;
      const fallback = sub ? facts[sub.pveName]?.default : undefined;
      return fallback !== undefined && subText(sub?.type.kind, present) === subText(sub?.type.kind, fallback as SdkValue);
    });
  }
  return field.codec.equal(desired as SdkValue, recorded as SdkValue);
}

/** PVE does not store empty strings: `comment: ""` and no comment are the same to it; nor a presence flag's `false`. */
function normalized(field: FieldDef, value: unknown): unknown {
  if (field.presence && value === false) return undefined;
  return field.type.kind === "string" && value === "" ? undefined : value;
}

/** The fields whose desired value differs from the recorded one (unknowns count as changes). */
export function changedFields(def: KindDefinition, olds: Props, news: Props): FieldDef[] {
  return def.fieldList.filter((field) => {
    const desired = normalized(field, news[field.sdkName]);
    const recorded = normalized(field, olds[field.sdkName]);
    if (containsUnknown(desired)) return true;
    if (!isSet(desired) || !isSet(recorded)) return isSet(desired) !== isSet(recorded);
    return !sameValue(field, desired, recorded);
  });
}

/** The `triggers` changed: an action runs again, a collection with {@link KindDefinition.updateOnTriggers} runs its update. */
export function triggersChanged(def: KindDefinition, olds: Props, news: Props): boolean {
  if (!hasTriggers(def)) return false;
  const desired = news[TRIGGERS];
  return containsUnknown(desired) || JSON.stringify(desired ?? null) !== JSON.stringify(olds[TRIGGERS] ?? null);
}

export function diff(def: KindDefinition, olds: Props, news: Props): DiffResult {
  const changed = changedFields(def, olds, news);
  const replaces = changed.filter((field) => field.replaceOnChange).map((field) => field.sdkName);
  const triggered = triggersChanged(def, olds, news);
  if (triggered && def.lifecycle === "action") replaces.push(TRIGGERS);
  replaces.sort();
  // When the identity stays, the old object must go before the new one can take its name.
  const identityChanges = changed.some((field) => field.identity);
  return {
    changes: changed.length > 0 || replaces.length > 0 || triggered,
    replaces,
    deleteBeforeReplace: replaces.length > 0 && (!identityChanges || def.replaceDeletesFirst === true),
    changed: [...changed.map((field) => field.sdkName), ...(triggered ? [TRIGGERS] : [])],
  };
}
