/**
 * The generic lifecycle: create, read, update and delete of a kind, driven by its definition.
 * Every write reads the object back, because PVE normalizes values and fills in defaults.
 */
import type { ApiCall, KindDefinition } from "../../schema/define";
import type { FieldDef } from "../../schema/fields";
import { requireApiMethod } from "../../schema/pve-schema";
import { runAction } from "./action";
import { PartialCreateError } from "./partial";
import { type EngineApi, type WireParams, errorKind, writeAndWait } from "./api";
import { callParams } from "./calls";
import { changedFields } from "./diff";
import { hooksOf } from "./hooks";
import { type Identity, fillPath, formatId, identityOf, identityProps, parseId } from "./identity";
import { type Props, fieldValues, fromWire, isSet } from "./values";

/** Options for one lifecycle call. */
export interface LifecycleOptions {
  /** Progress lines of worker tasks. */
  onLog?: (line: string) => void;
}

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
    if (errorKind(error) === "not-found") return undefined;
    throw error;
  }
}

/**
 * The outputs after a write or a refresh: identity, the managed fields as PVE returns them,
 * write-only values as desired (PVE never returns them), and outputs only a create returns.
 */
function outputsFrom(def: KindDefinition, identity: Identity, raw: Record<string, unknown>, managed: Props): Props {
  const fields = def.fieldList.filter((field) => isSet(managed[field.sdkName]) && !field.writeOnly);
  const outs: Props = { ...identityProps(def, identity), ...fromWire(def, raw, fields) };
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
  const identity = identityOf(def, inputs);
  const id = formatId(def, identity);
  const values = [...fieldValues(def, inputs)].filter(([field]) => field.inCreate || def.lifecycle === "singleton");
  let response: unknown;
  try {
    response = await writeAndWait(api, def.create.method, fillPath(def.create.path, identity), callParams(def.create, identity, values), options.onLog);
  } catch (error) {
    throw await adoptIfCreated(def, api, identity, inputs, error);
  }
  const managed = { ...inputs, ...createOutputs(def, response) };
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
  const identity = Object.keys(recorded).length > 0 ? recorded : parseId(def, id);
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
  const identity = identityOf(def, news);
  const call = def.update;
  if (!call) throw new Error(`${label(def, formatId(def, identity))} cannot be updated in place`);
  const changed = new Set(changedFields(def, olds, news).filter((field) => !field.replaceOnChange));
  const values = fieldValues(def, news);
  const set = [...values].filter(([field]) => changed.has(field) && field.inUpdate);
  const removed = [...changed].filter((field) => !values.has(field) && field.inUpdate);
  const params = { ...callParams(call, identity, set), ...removalParams(def, call, removed) };
  // Changes the update call cannot carry go first, so that if PVE refuses them nothing else changed.
  const hooks = hooksOf(def);
  if (hooks.beforeUpdate) await hooks.beforeUpdate(api, identity, changed, news);
  if (set.length > 0 || removed.length > 0 || call.extra) {
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
  const recorded = identityOf(def, olds);
  const identity = Object.keys(recorded).length > 0 ? recorded : parseId(def, id);
  if (def.lifecycle === "singleton") {
    const managed = def.fieldList.filter((field) => isSet(olds[field.sdkName]) && field.inUpdate);
    if (!def.update || managed.length === 0) return;
    const params = callParams(def.update, identity, []);
    params["delete"] = managed.map((field) => field.pveName).join(",");
    await writeAndWait(api, def.update.method, fillPath(def.update.path, identity), params, options.onLog);
    return;
  }
  if (!def.remove) throw new Error(`${label(def, id)} cannot be deleted through the API`);
  try {
    await writeAndWait(api, def.remove.method, fillPath(def.remove.path, identity), callParams(def.remove, identity, []), options.onLog);
  } catch (error) {
    if (errorKind(error) !== "not-found") throw error;
  }
}
