/**
 * `diff`: compares the desired inputs with the recorded outputs field by field, through each
 * field's codec, so that PVE's normalizations (0/1, "2048", list order) are never a change.
 */
import type { SdkValue } from "../../schema/codecs";
import type { KindDefinition } from "../../schema/define";
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

/** For property strings, only the sub-keys the user wrote are compared: PVE fills in the rest. */
function sameValue(field: FieldDef, desired: unknown, recorded: unknown): boolean {
  if (field.type.kind === "object" && typeof desired === "object" && typeof recorded === "object" && desired && recorded) {
    const want = desired as Record<string, SdkValue>;
    const have = recorded as Record<string, SdkValue>;
    return Object.keys(want).every((key) => {
      const sub = field.type.kind === "object" ? field.type.keys[key] : undefined;
      const w = want[key];
      const h = have[key];
      if (w === undefined || h === undefined) return w === h;
      return sub?.type.kind === "boolean" || sub?.type.kind === "number" ? String(Number(w)) === String(Number(h)) : String(w) === String(h);
    });
  }
  return field.codec.equal(desired as SdkValue, recorded as SdkValue);
}

/** The fields whose desired value differs from the recorded one (unknowns count as changes). */
export function changedFields(def: KindDefinition, olds: Props, news: Props): FieldDef[] {
  return def.fieldList.filter((field) => {
    const desired = news[field.sdkName];
    const recorded = olds[field.sdkName];
    if (containsUnknown(desired)) return true;
    if (!isSet(desired) || !isSet(recorded)) return isSet(desired) !== isSet(recorded);
    return !sameValue(field, desired, recorded);
  });
}

/** An action's `triggers` changed: run it again. */
function triggersChanged(def: KindDefinition, olds: Props, news: Props): boolean {
  if (def.lifecycle !== "action") return false;
  const desired = news[TRIGGERS];
  return containsUnknown(desired) || JSON.stringify(desired ?? null) !== JSON.stringify(olds[TRIGGERS] ?? null);
}

export function diff(def: KindDefinition, olds: Props, news: Props): DiffResult {
  const changed = changedFields(def, olds, news);
  const replaces = changed.filter((field) => field.replaceOnChange).map((field) => field.sdkName);
  if (triggersChanged(def, olds, news)) replaces.push(TRIGGERS);
  replaces.sort();
  // When the identity stays, the old object must go before the new one can take its name.
  const identityChanges = changed.some((field) => field.identity);
  return {
    changes: changed.length > 0 || replaces.length > 0,
    replaces,
    deleteBeforeReplace: replaces.length > 0 && !identityChanges,
    changed: [...changed.map((field) => field.sdkName), ...(replaces.includes(TRIGGERS) ? [TRIGGERS] : [])],
  };
}
