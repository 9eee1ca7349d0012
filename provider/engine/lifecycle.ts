/**
 * The generic lifecycle: create, read, update and delete of a kind, driven by its definition.
 * Every write reads the object back, because PVE normalizes values and fills in defaults.
 */
import type { ApiCall, KindDefinition } from "../../schema/define";
import type { FieldDef } from "../../schema/fields";
import { requireApiMethod } from "../../schema/pve-schema";
import { runAction } from "./action";
import { type EngineApi, type PveMethod, type WireParams, errorKind, writeAndWait } from "./api";
import { callParams } from "./calls";
import { type CommitCoordinator, commits } from "./commit";
import { serialized } from "./serial";
import { changedFields } from "./diff";
import { hooksOf } from "./hooks";
import { type Identity, fillPath, formatId, identityOf, identityProps, parseId } from "./identity";
import { type Props, fieldValues, fromWire, isSet } from "./values";

/** A create that reached PVE but could not be completed: Pulumi keeps `id` in state. */
export class PartialCreateError extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Props,
    readonly reasons: string[],
  ) {
    super(message);
    this.name = "PartialCreateError";
  }
}

/** Options for one lifecycle call. */
export interface LifecycleOptions {
  /** Progress lines of worker tasks. */
  onLog?: (line: string) => void;
  /** The coordinator of staged writes (default: the process's own). */
  commits?: CommitCoordinator;
}

function label(def: KindDefinition, id: string): string {
  return `${def.namespace}.${def.name} '${id}'`;
}

/** The object as PVE returns it (before any hook); undefined when PVE says it does not exist. */
async function findRaw(def: KindDefinition, api: EngineApi, identity: Identity): Promise<Record<string, unknown> | undefined> {
  const spec = def.read;
  if (!spec) throw new Error(`${def.key} cannot be read back`);
  const readCall: ApiCall = { method: "GET", path: spec.path };
  try {
    const raw = await api.request("GET", fillPath(spec.path, identity), callParams(readCall, identity, []));
    const item = spec.select
      ? (Array.isArray(raw) ? (raw as Record<string, unknown>[]) : []).find((entry) => spec.select?.(entry, identity))
      : (raw as Record<string, unknown> | null);
    return item ?? undefined;
  } catch (error) {
    if (errorKind(error) === "not-found") return undefined;
    throw error;
  }
}

/** Reads the object, reshaped by the kind's `decodeRead` hook; undefined when it does not exist. */
async function readRaw(def: KindDefinition, api: EngineApi, identity: Identity): Promise<Record<string, unknown> | undefined> {
  const item = await findRaw(def, api, identity);
  if (!item) return undefined;
  const hooks = hooksOf(def);
  return hooks.decodeRead ? hooks.decodeRead(item) : item;
}

/** A write's identity with the path parameters PVE derives (`read.address`) resolved from a fresh read. */
async function locate(def: KindDefinition, api: EngineApi, identity: Identity): Promise<Identity | undefined> {
  const address = def.read?.address;
  if (!address) return identity;
  const item = await findRaw(def, api, identity);
  if (!item) return undefined;
  const located: Identity = { ...identity };
  for (const [param, key] of Object.entries(address)) located[param] = String(item[key]);
  return located;
}

/** Locating and writing an object addressed by a read-back value (its position) is one step per list. */
function addressed<T>(def: KindDefinition, identity: Identity, fn: () => Promise<T>): Promise<T> {
  const spec = def.read;
  if (!spec?.address) return fn();
  return serialized(`${def.key}:${fillPath(spec.path, identity)}`, fn);
}

/** One write; a kind with staged changes joins the process's commit batch and waits for its apply. */
async function write(def: KindDefinition, api: EngineApi, call: ApiCall, identity: Identity, params: WireParams, options: LifecycleOptions): Promise<unknown> {
  const path = fillPath(call.path, identity);
  const method: PveMethod = call.method;
  if (!def.commit) return writeAndWait(api, method, path, params, options.onLog);
  const accepted = requireApiMethod(call.method, call.path).parameters;
  return (options.commits ?? commits).staged(
    api,
    def.commit,
    identity,
    (extra) => {
      const carried = Object.fromEntries(Object.entries(extra).filter(([name]) => name in accepted));
      return writeAndWait(api, method, path, { ...params, ...carried }, options.onLog);
    },
    options.onLog,
  );
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
  if (def.read?.unique && (await findRaw(def, api, identity))) {
    throw new Error(`${label(def, id)} already exists: import it (id '${id}') or choose another identity`);
  }
  const response = await write(def, api, def.create, identity, callParams(def.create, identity, values), options);
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

/** Applies the changed fields; removed fields go into PVE's `delete` list where the call has one. */
export async function update(def: KindDefinition, api: EngineApi, olds: Props, news: Props, options: LifecycleOptions = {}): Promise<{ outs: Props }> {
  const identity = identityOf(def, news);
  const call = def.update;
  if (!call) throw new Error(`${label(def, formatId(def, identity))} cannot be updated in place`);
  const changed = new Set(changedFields(def, olds, news).filter((field) => !field.replaceOnChange));
  const values = fieldValues(def, news);
  const updateParams = requireApiMethod(call.method, call.path).parameters;
  // What the update call requires (a DNS `search`, an interface's `type`) goes along even when unchanged.
  const requiredByCall = (field: FieldDef): boolean => call.whole === true || updateParams[field.pveName]?.optional !== true;
  const set = [...values].filter(([field]) => field.inUpdate && (changed.has(field) || requiredByCall(field)));
  const removed = [...changed].filter((field) => !values.has(field) && field.inUpdate);
  if (set.some(([field]) => changed.has(field)) || removed.length > 0 || call.extra) {
    await addressed(def, identity, async () => {
      const located = await locate(def, api, identity);
      if (!located) throw new Error(`${label(def, formatId(def, identity))} disappeared before the update`);
      const params = callParams(call, located, set);
      const hasDelete = "delete" in updateParams;
      if (removed.length > 0) {
        if (hasDelete) params["delete"] = removed.map((field) => field.pveName).join(",");
        // Without a `delete` parameter, PVE clears a string by setting it empty.
        else for (const field of removed) if (field.type.kind === "string") params[field.pveName] = "";
      }
      await write(def, api, call, located, params, options);
    });
  }
  const hooks = hooksOf(def);
  if (hooks.afterUpdate) await hooks.afterUpdate(api, identity, changed, news);
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
    const managed = def.fieldList.filter((field) => isSet(olds[field.sdkName]) && field.inUpdate && !field.required);
    // Without a `delete` parameter (DNS, hosts, time) PVE has no "default" to go back to: leave the values.
    if (!def.update || managed.length === 0 || !("delete" in requireApiMethod(def.update.method, def.update.path).parameters)) return;
    const params = callParams(def.update, identity, []);
    params["delete"] = managed.map((field) => field.pveName).join(",");
    await write(def, api, def.update, identity, params, options);
    return;
  }
  if (!def.remove) throw new Error(`${label(def, id)} cannot be deleted through the API`);
  const call = def.remove;
  try {
    await addressed(def, identity, async () => {
        const located = await locate(def, api, identity);
        if (located) await write(def, api, call, located, callParams(call, located, []), options);
    });
  } catch (error) {
    if (errorKind(error) !== "not-found") throw error;
  }
}
