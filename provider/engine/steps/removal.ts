/**
 * Removing an object: the delete (idempotent: an object already gone counts as deleted, and a
 * failed delete that happened anyway is a success), the wait for a deferred removal, and the reset
 * of what a resource managed on an object that stays (a singleton, a built-in object).
 */
import type { SdkValue } from "../../../schema/codecs";
import type { CollectionDefinition, KindDefinition, ReadableDefinition } from "../../../schema/define";
import type { FieldDef } from "../../../schema/fields";
import { presentKeys } from "../../../schema/indexed";
import { isSlotField, slotKey, slotsOf } from "../../../schema/slots";
import type { Identity, Props } from "../../../schema/props";
import type { ApiCall } from "../../../schema/spec";
import type { EngineApi } from "../api";
import { callParams } from "../calls";
import { fieldUnchanged } from "../diff";
import { type LifecycleOptions, label } from "../options";
import { fieldValues, isSet } from "../values";
import { addressed, findRaw, locate, readRaw } from "./read-back";
import { write } from "./write";

/** PVE's replication runner removes a marked job within a minute or two; allow for a busy cluster. */
const DEFAULT_REMOVAL_TIMEOUT_MS = 5 * 60_000;

/** Write-only values a removal may need (a confirming password); the call takes those it accepts. */
export function confirmValues(def: KindDefinition, props: Props): Array<[FieldDef, SdkValue]> {
  return [...fieldValues(def, props)].filter(([field]) => field.writeOnly);
}

/**
 * Resets the fields a resource managed on an object that stays (singletons, built-in objects).
 * Without a `delete` parameter (DNS, hosts, time) PVE has no default to go back to: the values stay.
 */
export async function resetManaged(def: ReadableDefinition, api: EngineApi, identity: Identity, olds: Props, options: LifecycleOptions): Promise<void> {
  const managed = def.fieldList.filter((field) => isSet(olds[field.sdkName]) && field.inUpdate && !field.identity && !field.required);
  if (!def.update || managed.length === 0) return;
  if (!("delete" in def.accepts(def.update))) return;
  const params = callParams(def, def.update, identity, []);
  // An indexed field is the numbered keys PVE holds now.
  const raw = managed.some((field) => field.indexed) ? ((await findRaw(def, api, identity)) ?? {}) : {};
  const keys = managed.flatMap((field) =>
    isSlotField(field)
      ? Object.keys(slotsOf(olds[field.sdkName])).map((slot) => slotKey(field.slots, slot))
      : field.indexed
        ? presentKeys(field, raw)
        : [field.pveName],
  );
  if (keys.length === 0) return;
  params["delete"] = keys.join(",");
  await write(def, api, def.update, identity, params, options);
}

/** Deletes a collection's object; one that is already gone counts as deleted. */
export async function removeObject(
  def: CollectionDefinition,
  api: EngineApi,
  id: string,
  identity: Identity,
  olds: Props,
  options: LifecycleOptions,
): Promise<void> {
  const call = def.remove;
  if (!call) throw new Error(`${label(def, id)} cannot be deleted through the API`);
  const confirm = confirmValues(def, olds);
  try {
    await addressed(def, identity, async () => {
      const located = await locate(def, api, identity);
      if (located) await write(def, api, call, located, callParams(def, call, located, confirm), options);
    });
  } catch (error) {
    // A delete that failed may have happened anyway: its answer was lost, the client's retry found
    // the object gone, or the apply covering it failed after PVE had taken the removal. Gone is deleted.
    if (!(await isRemoved(def, api, identity, call))) throw error;
    return;
  }
  if (call.awaitGone) await awaitGone(def, api, id, identity, options);
}

/**
 * True when a read shows the removal done: the object is gone or, for a removal that only sets
 * fields (an APT entry's `enabled: 0`), it has the values the removal sets. A read that fails proves nothing.
 */
async function isRemoved(def: CollectionDefinition, api: EngineApi, identity: Identity, call: ApiCall): Promise<boolean> {
  let raw: Record<string, unknown> | undefined;
  try {
    raw = await readRaw(def, api, identity);
  } catch {
    return false;
  }
  if (!raw) return true;
  const sets = Object.entries(call.extra ?? {}).flatMap(([name, value]) => {
    const field = def.fieldsByPveName.get(name);
    return field ? [[field, value] as const] : [];
  });
  return sets.length > 0 && sets.every(([field, value]) => fieldUnchanged(field, field.codec.decode(value), field.codec.decode(raw[field.pveName])));
}

/** Polls until PVE no longer returns the object (its deferred removal happened). */
async function awaitGone(def: CollectionDefinition, api: EngineApi, id: string, identity: Identity, options: LifecycleOptions): Promise<void> {
  const limitMs = options.removalTimeoutMs ?? DEFAULT_REMOVAL_TIMEOUT_MS;
  let waited = 0;
  let interval = 200;
  while ((await readRaw(def, api, identity)) !== undefined) {
    if (waited >= limitMs) {
      throw new Error(`${label(def, id)} is marked for removal, but PVE had not removed it after ${Math.round(limitMs / 1000)} s`);
    }
    if (waited === 0) options.onLog?.("PVE removes the object asynchronously; waiting until it is gone");
    await new Promise((resolve) => setTimeout(resolve, interval));
    waited += interval;
    interval = Math.min(interval * 2, 5_000);
  }
}
