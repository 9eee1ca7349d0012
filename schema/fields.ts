/**
 * Fields of a resource kind, derived from the official schema of its create and update methods,
 * with a definition's overrides on top. One field = one PVE parameter.
 */
import type { z } from "zod";
import type { Codec } from "./codecs";
import type { SlotFamily, SlotField, SubKeyRule } from "./slots";
import type { ApiParam } from "./pve-schema";

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
  /** A `-list` parameter that this kind takes as one value (a string; never with `encoding`). */
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
   * `bridge_vids`). Each is a codec family of its own (`schema/codecs/families.ts`): `comment-lines`
   * takes a plain string parameter and `space-list` a `-list` one.
   */
  encoding?: "base64-key-value" | "comment-lines" | "space-list";
  /**
   * An integer PVE uses as an on/off flag although its schema gives no maximum (a firewall rule's
   * `enable`, which pve-firewall tests for truth): a boolean in the SDK, 0/1 on the wire, and any
   * non-zero value PVE reads back is on. An integer whose range is 0..1 is a flag without it.
   */
  flag?: boolean;
  /**
   * The values PVE takes for a string its schema leaves free (a firewall rule's `macro`), as a
   * union the SDK type offers for autocomplete; `open` when PVE also takes other text (a `group`
   * rule's action names a security group, a protocol may be given by number), so the type adds
   * `string`. The type only offers them: the kind's check hook refuses what PVE refuses, in PVE's
   * context (a macro's spelling, the rule's type).
   */
  values?: { readonly names: readonly string[]; readonly open?: boolean };
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
  /**
   * Rules for sub-keys of a property string that is no device family (a VM's `efidisk0`, a
   * container's `rootfs`), as a family's slots have them: the field is then planned as one slot.
   */
  subKeys?: Readonly<Record<string, SubKeyRule>>;
  /**
   * PVE (or the provider) assigns a value when the program gives none (a guest's VMID, taken from
   * the cluster's next free id): the assigned value is kept in state, and the program's silence is
   * no change. A value the program gives is compared as usual.
   */
  computed?: boolean;
  /**
   * A change replaces the resource only in the direction this says (a template cannot become a VM
   * again: `true` → `false` replaces, `false` → `true` converts in place). Overrides `replaceOnChange`.
   */
  replaceWhen?: (before: unknown, after: unknown) => boolean;
}

/** The TypeScript shape of a field, for the SDK generator. */
export type FieldType =
  /** `open`: the enum names what PVE offers, and other text is taken too (`"ACCEPT" | ... | (string & {})`). */
  | { kind: "string"; enum?: readonly string[]; open?: boolean }
  | { kind: "number" }
  | { kind: "boolean" }
  /** `items`: the type of each item (VMIDs are numbers, a DHCP range is an object); strings when absent. */
  | { kind: "list"; items?: FieldType }
  | { kind: "map" }
  | { kind: "object"; keys: Readonly<Record<string, { type: FieldType; optional: boolean; pveName: string }>> };

/** One field of a kind. */
export interface FieldDef {
  readonly pveName: string;
  readonly sdkName: string;
  readonly param: ApiParam;
  /** The SDK type; with `codec` and `schema` it comes from the field's one codec family (`schema/codecs/field-shape.ts`). */
  readonly type: FieldType;
  /** The conversion between the SDK value and PVE's wire form. */
  readonly codec: Codec;
  /** The validation `check` applies to the SDK value. */
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
  /** See {@link FieldOverride.subKeys}. */
  readonly subKeys?: Readonly<Record<string, SubKeyRule>>;
  /** See {@link FieldOverride.computed}. */
  readonly computed: boolean;
  /** See {@link FieldOverride.replaceWhen}. */
  readonly replaceWhen?: (before: unknown, after: unknown) => boolean;
  /**
   * An input of ours that is no PVE parameter (a guest's `started`): never sent to PVE; read from
   * the key the kind's read puts into PVE's answer, or kept as given (see `OwnInput`).
   */
  readonly own: boolean;
}

/** How an indexed parameter (`name[n]`) maps to numbered wire keys. */
export interface IndexedParam {
  /** The name without `[n]`, e.g. `acmedomain`: entry `i` is `acmedomain<i>`. */
  readonly base: string;
  /** How many entries PVE allows (`acmedomain0..5` → 6), when the schema says. */
  readonly limit?: number;
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
