/**
 * `diff`: compares the desired inputs with the recorded outputs field by field, through each
 * field's codec, so that PVE's normalizations (0/1, "2048", list order) are never a change.
 */
import type { SdkValue } from "../../schema/codecs";
import { type KindDefinition, TRIGGERS, hasTriggers } from "../../schema/define";
import type { FieldDef } from "../../schema/fields";
import { slotsOf } from "../../schema/slots";
import { type SlotPlan, isPlannedField, planField, refusal } from "./steps/slots";
import { changedInSlot, changedSubKeys } from "./sub-keys";
import { hooksOf } from "./hook-kit";
import { identityOf } from "./identity";
import { type Props, containsUnknown, isSet } from "./values";

/** How one property differs, in Pulumi's terms (`pulumirpc.PropertyDiff.Kind`). */
export type PropertyDiffKind = "ADD" | "ADD_REPLACE" | "DELETE" | "DELETE_REPLACE" | "UPDATE" | "UPDATE_REPLACE";

export interface PropertyDiff {
  kind: PropertyDiffKind;
  /** True when the difference is between old and new inputs; ours compare new inputs with PVE's read-back (false). */
  inputDiff: boolean;
}

export interface DiffResult {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
  /** The SDK names of the properties that differ. */
  changed: string[];
  /** Per property: added, deleted or updated, and whether that replaces the object. */
  detailedDiff: Record<string, PropertyDiff>;
  /**
   * Properties that differ although the inputs may not show it (a one-time secret known to be
   * lost is an output only): an engine that diffs the inputs itself would miss them.
   */
  outputsOnly: string[];
}

/**
 * Property strings compare sub-key by sub-key. A sub-key PVE reports that the program does not
 * set is a difference (a removed setting, or drift), unless it is PVE's own default.
 */
function sameValue(field: FieldDef, desired: unknown, recorded: unknown): boolean {
  if (field.slots) {
    // Slot by slot, over the slots either side lists: a slot only one side has is a change.
    const want = slotsOf(desired);
    const have = slotsOf(recorded);
    return [...new Set([...Object.keys(want), ...Object.keys(have)])].every((slot) => {
      const w = want[slot];
      const h = have[slot];
      return w !== undefined && h !== undefined && changedInSlot(field, w, h).length === 0;
    });
  }
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
  if (field.type.kind === "object" && typeof desired === "object" && typeof recorded === "object" && desired && recorded) {
    return changedSubKeys(field, desired as Record<string, SdkValue>, recorded as Record<string, SdkValue>).length === 0;
  }
  return field.codec.equal(desired as SdkValue, recorded as SdkValue);
}

/** PVE does not store empty strings: `comment: ""` and no comment are the same to it; nor a presence flag's `false`. */
function normalized(field: FieldDef, value: unknown): unknown {
  if (field.presence && value === false) return undefined;
  return field.type.kind === "string" && value === "" ? undefined : value;
}

/** True when PVE holds the desired value of a field (through its codec; unknowns differ). */
export function fieldUnchanged(field: FieldDef, desired: unknown, recorded: unknown): boolean {
  const want = normalized(field, desired);
  const have = normalized(field, recorded);
  if (containsUnknown(want)) return false;
  if (!isSet(want) || !isSet(have)) return isSet(want) === isSet(have);
  return sameValue(field, want, have);
}

/** The fields whose desired value differs from the recorded one (unknowns count as changes). */
export function changedFields(def: KindDefinition, olds: Props, news: Props): FieldDef[] {
  // A value PVE assigns (a VMID) that the program leaves out is the assigned one.
  return def.fieldList.filter((field) => !(field.computed && !isSet(news[field.sdkName])) && !fieldUnchanged(field, news[field.sdkName], olds[field.sdkName]));
}

/** Whether this change of the field replaces the object: always, never, or in one direction ({@link FieldDef.replaceWhen}). */
export function replacesOnChange(field: FieldDef, olds: Props, news: Props): boolean {
  return field.replaceWhen ? field.replaceWhen(olds[field.sdkName], news[field.sdkName]) : field.replaceOnChange;
}

/** The `triggers` changed: an action runs again, a collection with {@link KindDefinition.updateOnTriggers} runs its update. */
export function triggersChanged(def: KindDefinition, olds: Props, news: Props): boolean {
  if (!hasTriggers(def)) return false;
  const desired = news[TRIGGERS];
  return containsUnknown(desired) || JSON.stringify(desired ?? null) !== JSON.stringify(olds[TRIGGERS] ?? null);
}

/** The top-level property of a property path (`scsi["0"].size` → `scsi`). */
function topLevel(path: string): string {
  return /^[^.[]+/.exec(path)?.[0] ?? path;
}

/** One property's diff kind: added, deleted or updated, replacing or not. */
function diffKind(desired: unknown, recorded: unknown, replace: boolean): PropertyDiffKind {
  const kind = !isSet(recorded) ? "ADD" : !isSet(desired) ? "DELETE" : "UPDATE";
  return replace ? `${kind}_REPLACE` : kind;
}

/** The one-time secret outputs (a token's value) a partial create recorded as lost (null): only a new object has them. */
function lostSecrets(def: KindDefinition, olds: Props): string[] {
  return Object.entries(def.outputs ?? {})
    .filter(([sdkName, output]) => output.fromCreate && output.secret && olds[sdkName] === null)
    .map(([sdkName]) => sdkName);
}

export function diff(def: KindDefinition, olds: Props, news: Props): DiffResult {
  const changed = changedFields(def, olds, news);
  const triggered = triggersChanged(def, olds, news);
  const lost = lostSecrets(def, olds);
  const detailedDiff: Record<string, PropertyDiff> = {};
  const plans: SlotPlan[] = [];
  for (const field of changed) {
    const desired = normalized(field, news[field.sdkName]);
    const replace = replacesOnChange(field, olds, news);
    if (isPlannedField(field) && !replace && (field.slots !== undefined || isSet(desired))) {
      // A device family differs slot by slot (and sub-key by sub-key), as its update will write it.
      const plan = planField(field, olds[field.sdkName], desired, identityOf(def, { ...olds, ...news }));
      plans.push(plan);
      for (const change of plan.changes) detailedDiff[change.property] = { kind: change.replace ? `${change.kind}_REPLACE` : change.kind, inputDiff: false };
      continue;
    }
    detailedDiff[field.sdkName] = { kind: diffKind(desired, normalized(field, olds[field.sdkName]), replace), inputDiff: false };
  }
  // A change PVE cannot make (a disk that would shrink) fails the preview, naming what and why.
  const refused = refusal(plans);
  if (refused) throw refused;
  // An action runs again on a trigger change; a collection with `updateOnTriggers` runs its update.
  if (triggered) detailedDiff[TRIGGERS] = { kind: diffKind(news[TRIGGERS], olds[TRIGGERS], def.lifecycle === "action"), inputDiff: false };
  for (const name of lost) detailedDiff[name] = { kind: "UPDATE_REPLACE", inputDiff: false };
  // Replacements are named by their top-level property (a slot's create-only sub-key replaces by its family).
  const replaces = [
    ...new Set(
      Object.entries(detailedDiff)
        .filter(([, property]) => property.kind.endsWith("_REPLACE"))
        .map(([path]) => topLevel(path)),
    ),
  ].sort();
  return {
    changes: replaces.length > 0 || Object.keys(detailedDiff).length > 0,
    replaces,
    // A kind PVE allows once per cluster (an EVPN controller) must go first even under a new identity.
    deleteBeforeReplace: replaces.length > 0 && (keepsIdentity(def, olds, news) || (def.lifecycle === "collection" && def.replaceDeletesFirst === true)),
    changed: [...new Set(Object.keys(detailedDiff).map(topLevel))],
    detailedDiff,
    outputsOnly: lost,
  };
}

/**
 * True when the new object would have the old one's identity: then the old one must go before the
 * new one can take its name. A part PVE assigns at creation (a TFA entry's id) is a new identity
 * unless the inputs fix it (recovery keys): the new object comes first, so that a user keeps a
 * working second factor if the create fails. Unknown values (preview) count as a change.
 */
function keepsIdentity(def: KindDefinition, olds: Props, news: Props): boolean {
  const before = identityOf(def, olds);
  const after = { ...identityOf(def, news), ...hooksOf(def).assignedIdentity?.(news) };
  return def.identity.every((pveName) => {
    const assigned = !def.fieldsByPveName.has(pveName);
    if (assigned && after[pveName] === undefined) return false;
    return after[pveName] === before[pveName];
  });
}
