/**
 * The composite-kind contract: indexed device families of a guest (`scsi0..30`, `net0..31`,
 * `mp0..255`, `ipconfig0..31`) as maps keyed by slot, never as ordered lists.
 *
 * - A family is one field whose SDK value maps a slot number (`"0"`, `"2"`) to a typed property
 *   string object; slot `n` travels as `<base>n` (`scsi2`).
 * - Only the slots the program lists are managed: slots PVE has beside them (a disk added by hand)
 *   are never read into state, never diffed and never written.
 * - Each sub-key of a slot follows one rule (see {@link SubKeyRule}): changed in place by a config
 *   write (the default), create-only (a change replaces the resource), computed by PVE when the
 *   program leaves it out (a generated MAC, kept in state and sent back with every write of its
 *   slot), compared in PVE's normal form (sizes, tag sets), or changed by an operation instead of a
 *   config write (a disk grows through `resize`, moves through `move_disk`).
 *
 * This module is pure: the engine's slot step (`provider/engine/steps/slots.ts`) plans and writes.
 */
import type { SdkObject, SdkValue } from "./codecs";
import type { FieldDef } from "./fields";
import type { Identity, WireParams } from "./props";
import type { ApiCall } from "./spec";

/** An operation that applies a sub-key's change where a config write cannot (a disk's `resize`). */
export interface SlotOperation {
  /** The call; `{x}` in its path is filled from the identity. */
  readonly call: ApiCall;
  /**
   * The call's parameters for changing the slot `key` (`scsi0`) from `before` to `after`, or the
   * reason PVE cannot make that change (a shrink), which preview reports on the sub-key, or
   * `inPlace` when this change is a plain config write after all (a CD-ROM drive's other ISO).
   */
  params(
    key: string,
    before: SdkValue | undefined,
    after: SdkValue,
    identity: Identity,
  ): { readonly params: WireParams } | { readonly refused: string } | { readonly inPlace: true };
}

/** How one sub-key (SDK name) of a slot's property string behaves. */
export interface SubKeyRule {
  /**
   * How a change of the value is applied: `inPlace` (default) by writing the slot's property string;
   * `createOnly` not at all: the sub-key is sent when the slot is made, and a later change replaces
   * the resource; `operation` by {@link SubKeyRule.operation}, after the config write.
   */
  readonly change?: "inPlace" | "createOnly" | "operation";
  /** Serves a change when `change` is `operation`. */
  readonly operation?: SlotOperation;
  /**
   * PVE assigns the value when the program gives none (a network device's MAC): the read-back
   * value is kept in state, the program's silence is no difference, and every write of the slot
   * sends the kept value back, so that PVE does not assign a new one.
   */
  readonly computed?: boolean;
  /** PVE's normal form of a value (`32` → `32G`, a tag set sorted): values compare in it. */
  readonly normalize?: (value: SdkValue) => string;
  /**
   * PVE acts on the value when the slot is made and does not keep it (a disk's `import-from`): it
   * is sent with a new slot only, kept in state as given, never compared and never sent again
   * (which would import the disk a second time).
   */
  readonly writeOnce?: boolean;
}

/** What a definition says of an indexed field that is a device family. */
export interface SlotFamily {
  /** How many slots PVE has (`scsi0..30` → 31): a slot is `0` .. `limit - 1`. */
  readonly limit: number;
  /** Rules by sub-key SDK name; a sub-key without a rule changes in place. */
  readonly subKeys?: Readonly<Record<string, SubKeyRule>>;
}

/** A device family as a field carries it: its rules and the wire name of its slots. */
export interface SlotField extends SlotFamily {
  /** The parameter name without `[n]` (`scsi`): slot `n` is `<base>n`. */
  readonly base: string;
}

/** A field that is a device family. */
export type SlotFieldDef = FieldDef & { readonly slots: SlotField };

/** True when the field is a device family. */
export function isSlotField(field: FieldDef): field is SlotFieldDef {
  return field.slots !== undefined;
}

/** A family's SDK value: slot number → the device's property-string object (or plain value: a serial port's `socket`). */
export type Slots = Readonly<Record<string, SdkValue>>;

/** True for a slot's entry that is a property-string object (not a family of plain values). */
export function isEntryObject(entry: SdkValue | undefined): entry is SdkObject {
  return typeof entry === "object" && entry !== null && !Array.isArray(entry);
}

/** The slot number of a wire key of the family (`scsi2` → `"2"`), or undefined for another key. */
export function slotOf(family: SlotField, key: string): string | undefined {
  const match = new RegExp(`^${family.base}(\\d+)$`).exec(key);
  return match?.[1] === undefined ? undefined : String(Number(match[1]));
}

/** The wire key of a slot (`"2"` → `scsi2`). */
export function slotKey(family: SlotField, slot: string): string {
  return `${family.base}${slot}`;
}

/** The slots a value lists (an absent or non-object value lists none). */
export function slotsOf(value: unknown): Slots {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Slots) : {};
}

/** The rule of a sub-key (the default rule when it has none). */
export function ruleOf(family: SlotFamily, subKey: string): SubKeyRule {
  return family.subKeys?.[subKey] ?? {};
}

/** The sub-keys whose changes replace the resource. */
export function createOnlyKeys(family: SlotFamily): string[] {
  return Object.entries(family.subKeys ?? {})
    .filter(([, rule]) => rule.change === "createOnly")
    .map(([key]) => key);
}

/** The wire parameters of a family's slots: slot `n` as `<base>n`. */
export function encodeSlots(field: SlotFieldDef, value: unknown): Record<string, string | number> {
  return Object.fromEntries(Object.entries(slotsOf(value)).map(([slot, entry]) => [slotKey(field.slots, slot), field.codec.encode(entry)]));
}

/**
 * The slots PVE reports for a family, decoded; with `only`, just those slots (the managed ones:
 * a slot PVE has beside them is not the resource's).
 */
export function decodeSlots(field: SlotFieldDef, raw: Readonly<Record<string, unknown>>, only?: ReadonlySet<string>): Record<string, SdkValue> {
  const out: Record<string, SdkValue> = {};
  for (const [key, wire] of Object.entries(raw)) {
    const slot = slotOf(field.slots, key);
    if (slot === undefined || (only && !only.has(slot))) continue;
    const entry = field.codec.decode(wire);
    if (field.type.kind === "object" ? isEntryObject(entry) : entry !== undefined) out[slot] = entry as SdkValue;
  }
  return out;
}
