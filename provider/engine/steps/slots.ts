/**
 * Planning the change of a device family (`schema/slots.ts`): which slots are written, which are
 * deleted, which sub-key changes an operation serves, which replace the resource, and which PVE
 * cannot make. Diff and update use the same plan, so preview shows what the update does.
 */
import type { SdkObject } from "../../../schema/codecs";
import type { FieldDef } from "../../../schema/fields";
import { type Identity, type WireParams, containsUnknown } from "../../../schema/props";
import { type SlotFieldDef, isEntryObject, isSlotField, ruleOf, slotKey, slotsOf } from "../../../schema/slots";
import type { ApiCall } from "../../../schema/spec";
import { changedInSlot } from "../sub-keys";

/** An operation the plan runs after the config write. */
export interface PlannedOperation {
  readonly call: ApiCall;
  readonly params: WireParams;
  /** The property path it changes, for the log (`scsi["0"].size`). */
  readonly property: string;
}

/** What a change of one family's slots takes. */
export interface SlotPlan {
  /** The config write's parameters: each added or changed slot's whole property string. */
  readonly write: WireParams;
  /** The wire keys of the slots the program dropped: deleted. */
  readonly remove: readonly string[];
  readonly operations: readonly PlannedOperation[];
  /** Per changed property path (`scsi["0"]`, `scsi["0"].importFrom`): added, deleted or updated, replacing or not. */
  readonly changes: ReadonlyArray<{ readonly property: string; readonly kind: "ADD" | "DELETE" | "UPDATE"; readonly replace: boolean }>;
  /** Changes PVE cannot make, with the reason, by property path. */
  readonly refused: ReadonlyArray<{ readonly property: string; readonly reason: string }>;
}

/** Pulumi's path of a slot (`scsi["0"]`), or of one of its sub-keys. */
export function slotPath(field: FieldDef, slot: string, subKey?: string): string {
  return `${field.sdkName}["${slot}"]${subKey === undefined ? "" : `.${subKey}`}`;
}

/**
 * The value a changed slot is written with: the program's sub-keys, the computed ones PVE holds
 * (a MAC, so that PVE keeps it) and, for sub-keys an operation changes, the value PVE has now
 * (the operation changes it after the write).
 */
function slotWriteValue(field: SlotFieldDef, desired: SdkObject, recorded: SdkObject, written: ReadonlySet<string>): SdkObject {
  // A value PVE acted on when the slot was made (an import source) is not sent again.
  const value: SdkObject = Object.fromEntries(Object.entries(desired).filter(([key]) => ruleOf(field.slots, key).writeOnce !== true));
  for (const [key, current] of Object.entries(recorded)) {
    const rule = ruleOf(field.slots, key);
    const byOperation = rule.change === "operation" && !written.has(key);
    if (byOperation || (rule.computed === true && desired[key] === undefined)) value[key] = current;
  }
  return value;
}

/** Plans the change of `field`'s slots from the recorded value to the desired one. */
export function planSlots(field: SlotFieldDef, recordedValue: unknown, desiredValue: unknown, identity: Identity): SlotPlan {
  const recorded = slotsOf(recordedValue);
  const desired = slotsOf(desiredValue);
  const write: WireParams = {};
  const remove: string[] = [];
  const operations: PlannedOperation[] = [];
  const changes: Array<SlotPlan["changes"][number]> = [];
  const refused: Array<SlotPlan["refused"][number]> = [];
  for (const [slot, want] of Object.entries(desired)) {
    const key = slotKey(field.slots, slot);
    const have = recorded[slot];
    if (have === undefined) {
      write[key] = field.codec.encode(want);
      changes.push({ property: slotPath(field, slot), kind: "ADD", replace: false });
      continue;
    }
    const differing = changedInSlot(field, want, have);
    if (differing.length === 0) continue;
    if (!isEntryObject(want) || !isEntryObject(have)) {
      // A plain value (a serial port's) is written whole.
      write[key] = field.codec.encode(want);
      changes.push({ property: slotPath(field, slot), kind: "UPDATE", replace: false });
      continue;
    }
    let configChanged = false;
    // Sub-keys an operation would serve whose change is a config write after all.
    const written = new Set<string>();
    for (const subKey of differing) {
      const rule = ruleOf(field.slots, subKey);
      const property = slotPath(field, slot, subKey);
      const after = want[subKey];
      if (rule.change === "createOnly") changes.push({ property, kind: "UPDATE", replace: true });
      else if (rule.change === "operation" && rule.operation && after !== undefined) {
        // An unknown value (preview) is planned at apply, when it is known.
        const planned = containsUnknown(after) ? undefined : rule.operation.params(key, have[subKey], after, identity);
        if (planned && "refused" in planned) refused.push({ property, reason: planned.refused });
        else if (planned && "inPlace" in planned) {
          written.add(subKey);
          configChanged = true;
          continue;
        } else if (planned) operations.push({ call: rule.operation.call, params: planned.params, property });
        changes.push({ property, kind: "UPDATE", replace: false });
      } else configChanged = true;
    }
    if (configChanged) {
      write[key] = field.codec.encode(slotWriteValue(field, want, have, written));
      changes.push({ property: slotPath(field, slot), kind: "UPDATE", replace: false });
    }
  }
  for (const slot of Object.keys(recorded)) {
    if (desired[slot] !== undefined) continue;
    remove.push(slotKey(field.slots, slot));
    changes.push({ property: slotPath(field, slot), kind: "DELETE", replace: false });
  }
  return { write, remove, operations, changes, refused };
}

/** The changes PVE cannot make, as one error that names each property and its reason. */
export function refusal(plans: readonly SlotPlan[]): Error | undefined {
  const refused = plans.flatMap((plan) => plan.refused);
  if (refused.length === 0) return undefined;
  return new Error(refused.map((entry) => `${entry.property}: ${entry.reason}`).join("; "));
}

/** A plain property string whose sub-keys change through operations (a container's `rootfs`, grown through `resize`). */
export function isOperatedField(field: FieldDef): boolean {
  return !field.slots && Object.values(field.subKeys ?? {}).some((rule) => rule.change === "operation");
}

/** A field whose change is planned sub-key by sub-key: a device family, or a plain property string with operations. */
export function isPlannedField(field: FieldDef): boolean {
  return field.slots !== undefined || isOperatedField(field);
}

/**
 * Plans the change of a planned field: a family slot by slot, a plain property string as the one
 * slot it is (its operations run after the config write, like a slot's). Dropping a plain property
 * string is its field's removal, not the plan's.
 */
export function planField(field: FieldDef, recordedValue: unknown, desiredValue: unknown, identity: Identity): SlotPlan {
  if (isSlotField(field)) return planSlots(field, recordedValue, desiredValue, identity);
  const single: SlotFieldDef = { ...field, slots: { base: field.pveName, limit: 1, subKeys: field.subKeys ?? {} } };
  const one = (value: unknown): Record<string, unknown> => (isEntryObject(value as never) ? { "": value } : {});
  const plan = planSlots(single, one(recordedValue), one(desiredValue), identity);
  const path = (property: string): string => property.replace(`${field.sdkName}[""]`, field.sdkName);
  return {
    write: plan.write,
    remove: [],
    operations: plan.operations.map((operation) => ({ ...operation, property: path(operation.property) })),
    changes: plan.changes.filter((change) => change.kind !== "DELETE").map((change) => ({ ...change, property: path(change.property) })),
    refused: plan.refused.map((entry) => ({ ...entry, property: path(entry.property) })),
  };
}
