/**
 * Reading an object back: finding it (in a list, inside an object), reshaping it with the kind's
 * `decodeRead` hook, and turning it into the resource's outputs. Every write ends with it, because
 * PVE normalizes values and fills in defaults.
 */
import type { ReadableDefinition } from "../../../schema/define";
import { TRIGGERS, hasTriggers } from "../../../schema/define";
import type { Identity, Props } from "../../../schema/props";
import type { ApiCall } from "../../../schema/spec";
import { type EngineApi, isMissing } from "../api";
import { callParams } from "../calls";
import { fieldUnchanged } from "../diff";
import { hooksOf } from "../hook-kit";
import { fillPath, identityProps } from "../identity";
import { serialized } from "../serial";
import { fromWire, isSet } from "../values";
import type { SdkObject, SdkValue } from "../../../schema/codecs";
import type { FieldDef } from "../../../schema/fields";
import { isEntryObject, slotsOf } from "../../../schema/slots";
import { changedInSlot, changedSubKeys } from "../sub-keys";
import { itemsWithin } from "../within";
import { withGuestState } from "./guest/state";

/** The object as PVE returns it (before any hook); undefined when PVE says it does not exist. */
export async function findRaw(def: ReadableDefinition, api: EngineApi, identity: Identity): Promise<Record<string, unknown> | undefined> {
  const spec = def.read;
  const readCall: ApiCall = { method: "GET", path: spec.path };
  const within = def.lifecycle === "collection" ? def.read.within : undefined;
  try {
    const raw = await api.request("GET", fillPath(spec.path, identity), callParams(def, readCall, identity, []));
    const list = within ? itemsWithin(raw, within) : Array.isArray(raw) ? (raw as Record<string, unknown>[]) : [];
    const item = spec.select ? list.find((entry) => spec.select?.(entry, identity)) : (raw as Record<string, unknown> | null);
    return item ?? undefined;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/** Reads the object, reshaped by the kind's `decodeRead` hook; undefined when it does not exist. */
export async function readRaw(def: ReadableDefinition, api: EngineApi, identity: Identity): Promise<Record<string, unknown> | undefined> {
  const item = await findRaw(def, api, identity);
  if (!item) return undefined;
  const hooks = hooksOf(def);
  const decoded = hooks.decodeRead ? hooks.decodeRead(item) : item;
  // A guest's read is its config with its power state and pending changes.
  return def.lifecycle === "collection" && def.guest ? withGuestState(def, api, identity, decoded) : decoded;
}

/** A write's identity with the path parameters PVE derives (`read.address`) resolved from a fresh read. */
export async function locate(def: ReadableDefinition, api: EngineApi, identity: Identity): Promise<Identity | undefined> {
  const address = def.read.address;
  if (!address) return identity;
  const item = await findRaw(def, api, identity);
  if (!item) return undefined;
  const located: Identity = { ...identity };
  for (const [param, key] of Object.entries(address)) located[param] = String(item[key]);
  return located;
}

/** Locating and writing an object addressed by a read-back value (its position) is one step per list. */
export function addressed<T>(def: ReadableDefinition, identity: Identity, fn: () => Promise<T>): Promise<T> {
  if (!def.read.address) return fn();
  return serialized(`${def.key}:${fillPath(def.read.path, identity)}`, fn);
}

/** A family's slots as read back, with each sub-key that PVE holds as given in the given form. */
function keptSlots(field: FieldDef, managed: unknown, read: unknown): Record<string, SdkValue> {
  const given = slotsOf(managed);
  return Object.fromEntries(
    Object.entries(slotsOf(read)).map(([slot, entry]) => {
      const mine = given[slot];
      // A plain value (a serial port's) is kept as given when PVE holds it.
      if (!isEntryObject(entry) || !isEntryObject(mine)) return [slot, mine !== undefined && changedInSlot(field, mine, entry).length === 0 ? mine : entry];
      const kept: SdkObject = { ...entry };
      for (const [key, value] of Object.entries(mine)) {
        if (changedSubKeys(field, { [key]: value }, entry[key] === undefined ? {} : { [key]: entry[key] }).length === 0) kept[key] = value;
      }
      return [slot, kept];
    }),
  );
}

/**
 * The outputs after a write or a refresh: identity, the managed fields as PVE returns them,
 * write-only values as desired (PVE never returns them), and outputs only a create returns.
 */
export function outputsFrom(def: ReadableDefinition, identity: Identity, raw: Record<string, unknown>, managed: Props): Props {
  // An identity field the read-back leaves out (an ACME account's name) is the one addressed, not the schema's default.
  const fields = def.fieldList.filter((field) => isSet(managed[field.sdkName]) && !field.writeOnly && !(field.identity && !isSet(raw[field.pveName])));
  // A managed field PVE leaves out of its read-back has PVE's default (e.g. a TFA entry's `enable`).
  const outs: Props = { ...identityProps(def, identity), ...fromWire(def, raw, fields, { defaults: true, managed }) };
  // A value PVE holds as given keeps the given form (list order, `1` for true), so that the inputs a
  // refresh reads back differ from the program's only where PVE's values do. A device family keeps
  // it sub-key by sub-key, and what PVE computed (a MAC) as PVE has it.
  for (const field of fields) {
    if (field.slots) outs[field.sdkName] = keptSlots(field, managed[field.sdkName], outs[field.sdkName]);
    else if (fieldUnchanged(field, managed[field.sdkName], outs[field.sdkName])) outs[field.sdkName] = managed[field.sdkName];
  }
  for (const field of def.fieldList) {
    if (field.writeOnly && isSet(managed[field.sdkName])) outs[field.sdkName] = managed[field.sdkName];
  }
  for (const [sdkName, output] of Object.entries(def.outputs ?? {})) {
    if (output.fromCreate && isSet(managed[sdkName])) outs[sdkName] = managed[sdkName];
  }
  if (hasTriggers(def) && isSet(managed[TRIGGERS])) outs[TRIGGERS] = managed[TRIGGERS];
  return outs;
}
