/** The update of an object that exists (a collection's object, a singleton's config): the changed fields, written in place. */
import type { ReadableDefinition } from "../../../schema/define";
import type { FieldDef } from "../../../schema/fields";
import { type Identity, type Props, type WireParams, isSet } from "../../../schema/props";
import type { EngineApi } from "../api";
import { callParams } from "../calls";
import { changedFields, replacesOnChange, triggersChanged } from "../diff";
import { hookApi, hooksOf } from "../hook-kit";
import { formatId, identityOf } from "../identity";
import { type LifecycleOptions, label } from "../options";
import { fieldValues } from "../values";
import { addressed, findRaw, locate, outputsFrom, readRaw } from "./read-back";
import { isPlannedField, planField, refusal } from "./slots";
import { removalParams, staleIndexedKeys } from "./unset";
import { write } from "./write";

/**
 * The `digest` for a write based on the recorded state: PVE's current one, once the managed fields
 * are found as recorded (a change elsewhere in the object, a disk added by hand, is not ours to
 * refuse). A managed field changed on PVE since the last read fails the update, naming it, rather
 * than being overwritten; a change between this read and the write fails on PVE's digest check.
 */
async function unchangedDigest(def: ReadableDefinition, api: EngineApi, identity: Identity, olds: Props): Promise<WireParams> {
  const raw = await findRaw(def, api, identity);
  if (!raw || typeof raw["digest"] !== "string") return {};
  const current = outputsFrom(def, identity, raw, olds);
  const drifted = changedFields(def, current, olds).filter((field) => !field.own && !field.writeOnly && isSet(olds[field.sdkName]));
  if (drifted.length > 0) {
    throw new Error(
      `${label(def, formatId(def, identity))} was changed on PVE since it was last read (${drifted.map((field) => field.sdkName).join(", ")}): refresh, then update again`,
    );
  }
  return { digest: raw["digest"] };
}

/** Applies the changed fields; removed fields are unset the way the call allows. */
export async function updateInPlace(def: ReadableDefinition, api: EngineApi, olds: Props, news: Props, options: LifecycleOptions): Promise<{ outs: Props }> {
  // Parts PVE assigned (a TFA entry's id) are only in the recorded outputs.
  const identity = identityOf(def, { ...olds, ...news });
  const call = def.update;
  const changed = new Set(changedFields(def, olds, news).filter((field) => !replacesOnChange(field, olds, news)));
  // Write-only settings that only steer the create (a pool membership's `allowMove`) are just recorded.
  if (!call && ![...changed].every((field) => field.writeOnly && !field.inUpdate)) {
    throw new Error(`${label(def, formatId(def, identity))} cannot be updated in place`);
  }
  const values = fieldValues(def, news);
  // Device families change slot by slot (see ./slots.ts); every other field as a whole.
  const plans = [...changed]
    .filter(isPlannedField)
    .filter((field) => field.inUpdate && (field.slots !== undefined || values.has(field)))
    .map((field) => planField(field, olds[field.sdkName], news[field.sdkName], identity));
  const refused = refusal(plans);
  if (refused) throw refused;
  const slotWrites = Object.assign({}, ...plans.map((plan) => plan.write)) as WireParams;
  const slotRemovals = plans.flatMap((plan) => plan.remove);
  const removed = [...changed].filter((field) => !values.has(field) && field.inUpdate && !field.slots);
  const triggered = triggersChanged(def, olds, news);
  // Changes the update call cannot carry go first, so that if PVE refuses them nothing else changed.
  const hooks = hooksOf(def);
  if (hooks.beforeUpdate) await hooks.beforeUpdate(hookApi(api), identity, changed, news);
  if (call) {
    const updateParams = def.accepts(call);
    // What the update call requires (a DNS `search`, an interface's `type`) goes along even when unchanged,
    // and an update that replaces the whole object (a firewall alias) carries every managed field.
    const requiredByCall = (field: FieldDef): boolean => call.whole === true || updateParams[field.pveName]?.optional !== true;
    // Planned fields (families, property strings with operations) are written by their plans.
    const set = [...values].filter(([field]) => field.inUpdate && !isPlannedField(field) && (changed.has(field) || requiredByCall(field)));
    const slotsChange = Object.keys(slotWrites).length > 0 || slotRemovals.length > 0;
    if (set.some(([field]) => changed.has(field)) || removed.length > 0 || slotsChange || call.extra || triggered) {
      await addressed(def, identity, async () => {
        const located = await locate(def, api, identity);
        if (!located) throw new Error(`${label(def, formatId(def, identity))} disappeared before the update`);
        const stale = await staleIndexedKeys(def, api, identity, [...changed], values);
        const digest = call.carriesDigest ? await unchangedDigest(def, api, located, olds) : {};
        // A whole-object call without a `delete` list (a DNS set, an alias) drops what it does not
        // carry: nothing to unset. One with a `delete` list (a network interface) still needs it.
        const dropsUnsent = call.whole === true && updateParams["delete"] === undefined;
        const plain = dropsUnsent ? [] : removed.filter((field) => !field.indexed);
        await write(
          def,
          api,
          call,
          located,
          { ...callParams(def, call, located, set), ...slotWrites, ...removalParams(def, call, plain, [...stale, ...slotRemovals]), ...digest },
          options,
        );
      });
    }
  }
  // What a config write cannot change (a disk's size, its storage) goes through its operation, after the write.
  for (const operation of plans.flatMap((plan) => plan.operations)) {
    options.onLog?.(`${operation.property}: ${operation.call.method} ${operation.call.path}`);
    await write(def, api, operation.call, identity, { ...callParams(def, operation.call, identity, []), ...operation.params }, options);
  }
  const raw = await readRaw(def, api, identity);
  if (!raw) throw new Error(`${label(def, formatId(def, identity))} disappeared during the update`);
  const managed: Props = { ...news };
  for (const [sdkName, output] of Object.entries(def.outputs ?? {})) if (output.fromCreate) managed[sdkName] = olds[sdkName];
  return { outs: outputsFrom(def, identity, raw, managed) };
}
