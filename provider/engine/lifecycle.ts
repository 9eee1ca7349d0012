/**
 * The generic lifecycle: create, read, update and delete of a kind, driven by its definition.
 * Every write reads the object back, because PVE normalizes values and fills in defaults.
 */
import type { ApiCall, KindDefinition } from "../../schema/define";
import type { FieldDef } from "../../schema/fields";
import { requireApiMethod } from "../../schema/pve-schema";
import { runAction } from "./action";
import { PartialCreateError } from "./partial";
import { type EngineApi, type WireParams, errorKind, isMissing, writeAndWait } from "./api";
import { callParams } from "./calls";
import { changedFields } from "./diff";
import { hooksOf } from "./hooks";
import { type Identity, fillPath, formatId, identityFor, identityOf, identityProps } from "./identity";
import type { SdkValue } from "../../schema/codecs";
import { type Props, fieldValues, fromWire, isSet } from "./values";

/** Options for one lifecycle call. */
export interface LifecycleOptions {
  /** Progress lines of worker tasks. */
  onLog?: (line: string) => void;
  /** How long a delete waits for a deferred removal (`awaitGone`); default 5 minutes. */
  removalTimeoutMs?: number;
}

/** PVE's replication runner removes a marked job within a minute or two; allow for a busy cluster. */
const DEFAULT_REMOVAL_TIMEOUT_MS = 5 * 60_000;

function label(def: KindDefinition, id: string): string {
  return `${def.namespace}.${def.name} '${id}'`;
}

/** Reads the raw object; undefined when PVE says it does not exist. */
async function readRaw(def: KindDefinition, api: EngineApi, identity: Identity): Promise<Record<string, unknown> | undefined> {
  const spec = def.read;
  if (!spec) throw new Error(`${def.key} cannot be read back`);
  const readCall: ApiCall = { method: "GET", path: spec.path };
  try {
    const raw = await api.request("GET", fillPath(spec.path, identity), callParams(readCall, identity, []));
    const item = spec.select
      ? (Array.isArray(raw) ? (raw as Record<string, unknown>[]) : []).find((entry) => spec.select?.(entry, identity))
      : (raw as Record<string, unknown> | null);
    if (!item) return undefined;
    const hooks = hooksOf(def);
    return hooks.decodeRead ? hooks.decodeRead(item) : item;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

/**
 * The outputs after a write or a refresh: identity, the managed fields as PVE returns them,
 * write-only values as desired (PVE never returns them), and outputs only a create returns.
 */
function outputsFrom(def: KindDefinition, identity: Identity, raw: Record<string, unknown>, managed: Props): Props {
  const fields = def.fieldList.filter((field) => isSet(managed[field.sdkName]) && !field.writeOnly);
  // A managed field PVE leaves out of its read-back has PVE's default (e.g. a TFA entry's `enable`).
  const outs: Props = { ...identityProps(def, identity), ...fromWire(def, raw, fields, { defaults: true }) };
  for (const field of def.fieldList) {
    if (field.writeOnly && isSet(managed[field.sdkName])) outs[field.sdkName] = managed[field.sdkName];
  }
  for (const [sdkName, output] of Object.entries(def.outputs ?? {})) {
    if (output.fromCreate && isSet(managed[sdkName])) outs[sdkName] = managed[sdkName];
  }
  return outs;
}

function createOutputs(def: KindDefinition, response: unknown): Props {
  const outs: Props = {};
  if (typeof response !== "object" || response === null) return outs;
  for (const [sdkName, output] of Object.entries(def.outputs ?? {})) {
    const value = (response as Record<string, unknown>)[output.pveName];
    if (output.fromCreate && isSet(value)) outs[sdkName] = value;
  }
  return outs;
}

/** Creates the object (or, for a singleton, applies the given settings) and reads it back. */
export async function create(def: KindDefinition, api: EngineApi, inputs: Props, options: LifecycleOptions = {}): Promise<{ id: string; outs: Props }> {
  if (def.lifecycle === "action") return runAction(def, api, inputs, options);
  const given = identityOf(def, inputs);
  const all = fieldValues(def, inputs);
  let managed: Props;
  if (isBuiltin(def, given) && def.update) {
    // A built-in object exists already: adopting it is writing the given settings.
    await writeAndWait(api, def.update.method, fillPath(def.update.path, given), callParams(def.update, given, all), options.onLog);
    managed = inputs;
  } else {
    const values = [...all].filter(([field]) => field.inCreate || def.lifecycle === "singleton");
    const hooks = hooksOf(def);
    const params = callParams(def.create, given, values);
    let response: unknown;
    try {
      response = await writeAndWait(api, def.create.method, fillPath(def.create.path, given), hooks.beforeCreate ? hooks.beforeCreate(params, inputs) : params, options.onLog);
    } catch (error) {
      throw await adoptIfCreated(def, api, given, inputs, error);
    }
    managed = { ...inputs, ...createOutputs(def, response) };
    await applyUpdateOnly(def, api, identityOf(def, managed), all, options);
  }
  // Parts of the identity PVE assigns (a TFA entry's id) come with the create response.
  const identity = identityOf(def, managed);
  const id = formatId(def, identity);
  let raw: Record<string, unknown> | undefined;
  try {
    raw = await readRaw(def, api, identity);
  } catch (error) {
    throw new PartialCreateError(`${label(def, id)} was created, but reading it back failed: ${String(error)}`, id, managed, [String(error)]);
  }
  if (!raw) {
    throw new PartialCreateError(`${label(def, id)} was created, but PVE does not return it`, id, managed, ["not found after create"]);
  }
  return { id, outs: outputsFrom(def, identity, raw, managed) };
}

function isBuiltin(def: KindDefinition, identity: Identity): boolean {
  return def.builtinIds?.includes(formatId(def, identity)) ?? false;
}

/** Fields only the update call carries (a TFA entry's `enable`) are written right after the create. */
async function applyUpdateOnly(def: KindDefinition, api: EngineApi, identity: Identity, values: ReadonlyMap<FieldDef, SdkValue>, options: LifecycleOptions): Promise<void> {
  if (!def.update || def.lifecycle !== "collection") return;
  const later = [...values].filter(([field]) => !field.inCreate && field.inUpdate);
  if (later.length === 0) return;
  await writeAndWait(api, def.update.method, fillPath(def.update.path, identity), callParams(def.update, identity, later), options.onLog);
}

/** Resets the fields a resource managed on an object that stays (singletons, built-in objects). */
async function resetManaged(def: KindDefinition, api: EngineApi, identity: Identity, olds: Props, options: LifecycleOptions): Promise<void> {
  const managed = def.fieldList.filter((field) => isSet(olds[field.sdkName]) && field.inUpdate && !field.identity);
  if (!def.update || managed.length === 0) return;
  const params = callParams(def.update, identity, []);
  params["delete"] = managed.map((field) => field.pveName).join(",");
  await writeAndWait(api, def.update.method, fillPath(def.update.path, identity), params, options.onLog);
}

/**
 * A create whose answer was lost (596, a reset connection, a timeout) has often happened anyway:
 * pveproxy carries on without the client. If the object is there now, report a partial create so
 * that Pulumi keeps its id; otherwise the original error stands.
 */
async function adoptIfCreated(def: KindDefinition, api: EngineApi, identity: Identity, inputs: Props, error: unknown): Promise<unknown> {
  const kind = errorKind(error);
  if (def.lifecycle !== "collection" || (kind !== "unreachable" && kind !== "timeout")) return error;
  const raw = await readRaw(def, api, identity).catch(() => undefined);
  if (!raw) return error;
  const id = formatId(def, identity);
  return new PartialCreateError(`${label(def, id)} was created, but PVE's answer was lost: ${String(error)}`, id, inputs, [String(error)]);
}

/**
 * Reads the object for refresh or import. `props` are the recorded outputs (refresh) or the
 * program's inputs (import): their fields are the ones this resource manages. Gone → empty id.
 */
export async function read(def: KindDefinition, api: EngineApi, id: string, props: Props): Promise<{ id: string; props: Props }> {
  // An action happened once; there is nothing on PVE to compare it with.
  if (def.lifecycle === "action") return { id, props };
  const recorded = identityOf(def, props);
  const identity = identityFor(def, id, props);
  const raw = await readRaw(def, api, identity);
  if (!raw) return { id: "", props: {} };
  // Importing by id alone (no recorded state, no program inputs): adopt every field PVE reports.
  const byIdAlone =
    def.lifecycle === "singleton" ? !def.fieldList.some((field) => isSet(props[field.sdkName])) : Object.keys(recorded).length === 0;
  const managed = byIdAlone ? { ...props, ...fromWire(def, raw, def.fieldList) } : props;
  return { id: formatId(def, identity), props: outputsFrom(def, identity, raw, managed) };
}

/**
 * How to unset fields the program no longer sets: PVE's `delete` list where the call has one
 * (`pve-configid-list`); otherwise the schema default, or an empty string or list. A field PVE
 * cannot unset is an error that says so, rather than a silent no-op.
 */
function removalParams(def: KindDefinition, call: ApiCall, removed: readonly FieldDef[]): WireParams {
  if (removed.length === 0) return {};
  const deleteParam = requireApiMethod(call.method, call.path).parameters["delete"];
  if (deleteParam?.format === "pve-configid-list") return { delete: removed.map((field) => field.pveName).join(",") };
  const params: WireParams = {};
  for (const field of removed) {
    const fallback = field.param.default;
    if (typeof fallback === "string" || typeof fallback === "number") params[field.pveName] = fallback;
    else if (field.type.kind === "string" || field.type.kind === "list") params[field.pveName] = "";
    else {
      throw new Error(`${def.namespace}.${def.name}: PVE cannot unset '${field.sdkName}'; set it to the value you want instead`);
    }
  }
  return params;
}

/** Applies the changed fields; removed fields are unset the way the call allows. */
export async function update(def: KindDefinition, api: EngineApi, olds: Props, news: Props, options: LifecycleOptions = {}): Promise<{ outs: Props }> {
  // Parts PVE assigned (a TFA entry's id) are only in the recorded outputs.
  const identity = identityOf(def, { ...olds, ...news });
  const call = def.update;
  const changed = new Set(changedFields(def, olds, news).filter((field) => !field.replaceOnChange));
  // Write-only settings that only steer the create (a pool membership's `allowMove`) are just recorded.
  if (!call && ![...changed].every((field) => field.writeOnly && !field.inUpdate)) {
    throw new Error(`${label(def, formatId(def, identity))} cannot be updated in place`);
  }
  const values = fieldValues(def, news);
  const set = [...values].filter(([field]) => changed.has(field) && field.inUpdate);
  const removed = [...changed].filter((field) => !values.has(field) && field.inUpdate);
  const params = call ? { ...callParams(call, identity, set), ...removalParams(def, call, removed) } : {};
  // Changes the update call cannot carry go first, so that if PVE refuses them nothing else changed.
  const hooks = hooksOf(def);
  if (hooks.beforeUpdate) await hooks.beforeUpdate(api, identity, changed, news);
  if (call && (set.length > 0 || removed.length > 0 || call.extra)) {
    await writeAndWait(api, call.method, fillPath(call.path, identity), params, options.onLog);
  }
  const raw = await readRaw(def, api, identity);
  if (!raw) throw new Error(`${label(def, formatId(def, identity))} disappeared during the update`);
  const managed: Props = { ...news };
  for (const [sdkName, output] of Object.entries(def.outputs ?? {})) if (output.fromCreate) managed[sdkName] = olds[sdkName];
  return { outs: outputsFrom(def, identity, raw, managed) };
}

/** Deletes the object; one that is already gone counts as deleted. A singleton resets what it managed. */
export async function remove(def: KindDefinition, api: EngineApi, id: string, olds: Props, options: LifecycleOptions = {}): Promise<void> {
  // Deleting an action forgets it: what it did is not undone.
  if (def.lifecycle === "action") return;
  const identity = identityFor(def, id, olds);
  if (def.lifecycle === "singleton" || isBuiltin(def, identity)) return resetManaged(def, api, identity, olds, options);
  if (!def.remove) throw new Error(`${label(def, id)} cannot be deleted through the API`);
  // Write-only values the removal accepts (a confirming password) go along.
  const confirm = [...fieldValues(def, olds)].filter(([field]) => field.writeOnly);
  try {
    await writeAndWait(api, def.remove.method, fillPath(def.remove.path, identity), callParams(def.remove, identity, confirm), options.onLog);
  } catch (error) {
    if (!isMissing(error)) throw error;
    return;
  }
  if (def.remove.awaitGone) await awaitGone(def, api, id, identity, options);
}

/** Polls until PVE no longer returns the object (its deferred removal happened). */
async function awaitGone(def: KindDefinition, api: EngineApi, id: string, identity: Identity, options: LifecycleOptions): Promise<void> {
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
