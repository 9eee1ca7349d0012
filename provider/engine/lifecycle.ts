/**
 * The generic lifecycle: create, read, update and delete of a kind, driven by its definition.
 * Every write reads the object back, because PVE normalizes values and fills in defaults.
 */
import { type ApiCall, type KindDefinition, hasTriggers } from "../../schema/define";
import type { FieldDef } from "../../schema/fields";
import { requireApiMethod } from "../../schema/pve-schema";
import { TRIGGERS, runAction } from "./action";
import { PartialCreateError } from "./partial";
import { adoptExisting, wantsAdopt } from "./adopt";
import { type EngineApi, type PveMethod, type WireParams, errorKind, isMissing, writeAndWait } from "./api";
import { callParams } from "./calls";
import { type CommitCoordinator, commits } from "./commit";
import { serialized } from "./serial";
import { changedFields, triggersChanged } from "./diff";
import { itemsWithin } from "./within";
import { hooksOf } from "./hooks";
import { type Identity, fillPath, formatId, identityFor, identityOf, identityProps } from "./identity";
import type { SdkValue } from "../../schema/codecs";
import { presentKeys, staleKeys } from "../../schema/indexed";
import { type Props, fieldValues, fromWire, isSet } from "./values";

/** Options for one lifecycle call. */
export interface LifecycleOptions {
  /** Progress lines of worker tasks. */
  onLog?: (line: string) => void;
  /** How long a delete waits for a deferred removal (`awaitGone`); default 5 minutes. */
  removalTimeoutMs?: number;
  /** The coordinator of staged writes (default: the process's own). */
  commits?: CommitCoordinator;
}

/** PVE's replication runner removes a marked job within a minute or two; allow for a busy cluster. */
const DEFAULT_REMOVAL_TIMEOUT_MS = 5 * 60_000;

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
    const list = spec.within ? itemsWithin(raw, spec.within) : Array.isArray(raw) ? (raw as Record<string, unknown>[]) : [];
    const item = spec.select ? list.find((entry) => spec.select?.(entry, identity)) : (raw as Record<string, unknown> | null);
    return item ?? undefined;
  } catch (error) {
    if (isMissing(error)) return undefined;
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
  // An identity field the read-back leaves out (an ACME account's name) is the one addressed, not the schema's default.
  const fields = def.fieldList.filter((field) => isSet(managed[field.sdkName]) && !field.writeOnly && !(field.identity && !isSet(raw[field.pveName])));
  // A managed field PVE leaves out of its read-back has PVE's default (e.g. a TFA entry's `enable`).
  const outs: Props = { ...identityProps(def, identity), ...fromWire(def, raw, fields, { defaults: true }) };
  for (const field of def.fieldList) {
    if (field.writeOnly && isSet(managed[field.sdkName])) outs[field.sdkName] = managed[field.sdkName];
  }
  for (const [sdkName, output] of Object.entries(def.outputs ?? {})) {
    if (output.fromCreate && isSet(managed[sdkName])) outs[sdkName] = managed[sdkName];
  }
  if (hasTriggers(def) && isSet(managed[TRIGGERS])) outs[TRIGGERS] = managed[TRIGGERS];
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
    await write(def, api, def.update, given, callParams(def.update, given, all), options);
    managed = inputs;
  } else {
    const values = [...all].filter(([field]) => field.inCreate || def.lifecycle === "singleton");
    const hooks = hooksOf(def);
    const params = callParams(def.create, given, values);
    // Adopting a singleton: numbered keys beyond the given entries of an indexed field go.
    if (def.lifecycle === "singleton") {
      const stale = await staleIndexedKeys(def, api, given, values.map(([field]) => field), all);
      Object.assign(params, removalParams(def, def.create, [], stale));
    }
    // `adopt: true`: an object already there is taken over and converged instead of refused.
    if (wantsAdopt(def, inputs)) {
      const adopted = await adoptExisting(def, api, inputs, options);
      if (adopted) return adopted;
    }
    if (def.read?.unique && (await findRaw(def, api, given))) {
      const id = formatId(def, given);
      throw new Error(`${label(def, id)} already exists: adopt it (set \`adopt: true\`) or choose another identity`);
    }
    let response: unknown;
    try {
      response = await write(def, api, def.create, given, hooks.beforeCreate ? hooks.beforeCreate(params, inputs) : params, options);
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
  await write(def, api, def.update, identity, callParams(def.update, identity, later), options);
}

/**
 * Resets the fields a resource managed on an object that stays (singletons, built-in objects).
 * Without a `delete` parameter (DNS, hosts, time) PVE has no default to go back to: the values stay.
 */
async function resetManaged(def: KindDefinition, api: EngineApi, identity: Identity, olds: Props, options: LifecycleOptions): Promise<void> {
  const managed = def.fieldList.filter((field) => isSet(olds[field.sdkName]) && field.inUpdate && !field.identity && !field.required);
  if (!def.update || managed.length === 0) return;
  if (!("delete" in requireApiMethod(def.update.method, def.update.path).parameters)) return;
  const params = callParams(def.update, identity, []);
  // An indexed field is the numbered keys PVE holds now.
  const raw = managed.some((field) => field.indexed) ? ((await findRaw(def, api, identity)) ?? {}) : {};
  const keys = managed.flatMap((field) => (field.indexed ? presentKeys(field, raw) : [field.pveName]));
  if (keys.length === 0) return;
  params["delete"] = keys.join(",");
  await write(def, api, def.update, identity, params, options);
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

/** A pinned output's value as comparable text (a list's order does not matter). */
function pinText(value: unknown): string {
  return Array.isArray(value) ? value.map(String).sort().join(",") : String(value);
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
  // Another object took this one's place (a certificate replaced by hand): the one this resource made is gone.
  const pin = def.read?.pin;
  const pinned = pin ? def.outputs?.[pin] : undefined;
  if (pin && pinned && isSet(props[pin]) && pinText(raw[pinned.pveName]) !== pinText(props[pin])) return { id: "", props: {} };
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
function removalParams(def: KindDefinition, call: ApiCall, removed: readonly FieldDef[], stale: readonly string[] = []): WireParams {
  if (removed.length === 0 && stale.length === 0) return {};
  const deleteParam = requireApiMethod(call.method, call.path).parameters["delete"];
  if (deleteParam?.format === "pve-configid-list") return { delete: [...removed.map((field) => field.pveName), ...stale].join(",") };
  if (stale.length > 0) throw new Error(`${def.namespace}.${def.name}: PVE cannot remove '${stale.join("', '")}' through this call`);
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

/**
 * The numbered keys of changed indexed fields (`acmedomain3`) that PVE holds beyond the entries
 * about to be written: they are deleted, so that a shorter array leaves nothing behind.
 */
async function staleIndexedKeys(def: KindDefinition, api: EngineApi, identity: Identity, changed: readonly FieldDef[], values: ReadonlyMap<FieldDef, SdkValue>): Promise<string[]> {
  const indexed = changed.filter((field) => field.indexed && field.inUpdate);
  if (indexed.length === 0) return [];
  const raw = (await findRaw(def, api, identity)) ?? {};
  return indexed.flatMap((field) => {
    const value = values.get(field);
    return staleKeys(field, raw, value === undefined ? 0 : Array.isArray(value) ? value.length : 1);
  });
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
  const removed = [...changed].filter((field) => !values.has(field) && field.inUpdate);
  const triggered = triggersChanged(def, olds, news);
  // Changes the update call cannot carry go first, so that if PVE refuses them nothing else changed.
  const hooks = hooksOf(def);
  if (hooks.beforeUpdate) await hooks.beforeUpdate(api, identity, changed, news);
  if (call) {
    const updateParams = requireApiMethod(call.method, call.path).parameters;
    // What the update call requires (a DNS `search`, an interface's `type`) goes along even when unchanged,
    // and an update that replaces the whole object (a firewall alias) carries every managed field.
    const requiredByCall = (field: FieldDef): boolean => call.whole === true || updateParams[field.pveName]?.optional !== true;
    const set = [...values].filter(([field]) => field.inUpdate && (changed.has(field) || requiredByCall(field)));
    if (set.some(([field]) => changed.has(field)) || removed.length > 0 || call.extra || triggered) {
      await addressed(def, identity, async () => {
        const located = await locate(def, api, identity);
        if (!located) throw new Error(`${label(def, formatId(def, identity))} disappeared before the update`);
        const stale = await staleIndexedKeys(def, api, identity, [...changed], values);
        const plain = removed.filter((field) => !field.indexed);
        await write(def, api, call, located, { ...callParams(call, located, set), ...removalParams(def, call, plain, stale) }, options);
      });
    }
  }
  const raw = await readRaw(def, api, identity);
  if (!raw) throw new Error(`${label(def, formatId(def, identity))} disappeared during the update`);
  const managed: Props = { ...news };
  for (const [sdkName, output] of Object.entries(def.outputs ?? {})) if (output.fromCreate) managed[sdkName] = olds[sdkName];
  return { outs: outputsFrom(def, identity, raw, managed) };
}

/** Deletes the object; one that is already gone counts as deleted. A singleton resets what it managed. */
export async function remove(def: KindDefinition, api: EngineApi, id: string, olds: Props, options: LifecycleOptions = {}): Promise<void> {
  // Deleting an action forgets it: what it did is not undone; so does an object PVE cannot remove.
  if (def.lifecycle === "action" || def.forgetOnDelete) return;
  const identity = identityFor(def, id, olds);
  if (def.lifecycle === "singleton" || isBuiltin(def, identity)) return resetManaged(def, api, identity, olds, options);
  if (!def.remove) throw new Error(`${label(def, id)} cannot be deleted through the API`);
  // Write-only values the removal accepts (a confirming password) go along.
  const confirm = [...fieldValues(def, olds)].filter(([field]) => field.writeOnly);
  const call = def.remove;
  try {
    await addressed(def, identity, async () => {
      const located = await locate(def, api, identity);
      if (located) await write(def, api, call, located, callParams(call, located, confirm), options);
    });
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
