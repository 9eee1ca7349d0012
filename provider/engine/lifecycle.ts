/**
 * The generic lifecycle: create, read, update and delete of a kind, driven by its definition.
 * Every write reads the object back, because PVE normalizes values and fills in defaults.
 */
import { type ApiCall, type KindDefinition, hasTriggers } from "../../schema/define";
import type { FieldDef } from "../../schema/fields";
import { requireApiMethod } from "../../schema/pve-schema";
import { TRIGGERS, runAction, updateAction } from "./action";
import { PartialCreateError } from "./partial";
import { adoptExisting, wantsAdopt } from "./adopt";
import { type EngineApi, type PveMethod, type WireParams, errorKind, isMissing, writeAndWait } from "./api";
import { callParams } from "./calls";
import { type CommitCoordinator, StagedApplyError, commits } from "./commit";
import { serialized } from "./serial";
import { changedFields, fieldUnchanged, triggersChanged } from "./diff";
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
  // A value PVE holds as given keeps the given form (list order, `1` for true), so that the inputs a
  // refresh reads back differ from the program's only where PVE's values do.
  for (const field of fields) if (fieldUnchanged(field, managed[field.sdkName], outs[field.sdkName])) outs[field.sdkName] = managed[field.sdkName];
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
  if (isBuiltin(def, given) && def.update) {
    // A built-in object exists already: adopting it is writing the given settings.
    await write(def, api, def.update, given, callParams(def.update, given, all), options);
    // The update call carried every field: nothing is left for a follow-up write.
    return completeCreate(def, api, inputs, new Map(), options);
  }
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
  const createParams = hooks.beforeCreate ? hooks.beforeCreate(params, inputs) : params;
  let response: unknown;
  try {
    response = await write(def, api, def.create, given, createParams, options);
  } catch (error) {
    throw await afterFailedWrite(def, api, inputs, createParams, error, options);
  }
  return completeCreate(def, api, { ...inputs, ...createOutputs(def, response) }, all, options);
}

/**
 * The rest of a create whose first write PVE took: the fields only the update call carries, then
 * the read-back. From here on the object exists, so a failure keeps it (see {@link keepCreated}).
 */
async function completeCreate(def: KindDefinition, api: EngineApi, managed: Props, all: ReadonlyMap<FieldDef, SdkValue>, options: LifecycleOptions): Promise<{ id: string; outs: Props }> {
  // Parts of the identity PVE assigns (a TFA entry's id) come with the create response.
  const identity = identityOf(def, managed);
  const id = formatId(def, identity);
  let raw: Record<string, unknown> | undefined;
  try {
    await applyUpdateOnly(def, api, identity, all, options);
    raw = await readRaw(def, api, identity);
  } catch (error) {
    throw await keepCreated(def, api, identity, managed, error);
  }
  if (!raw) throw new Error(`${label(def, id)} was created, but PVE does not return it`);
  return { id, outs: outputsFrom(def, identity, raw, managed) };
}

/**
 * A create failed after PVE had taken its first write (a follow-up write, an apply, the read-back):
 * the object is read again. There: a partial create, so that Pulumi keeps it with its id and the
 * next `up` converges it. Gone (a staged edit rolled back): the error stands. Unreadable: PVE took
 * the create, so the object is kept; a refresh will tell.
 */
async function keepCreated(def: KindDefinition, api: EngineApi, identity: Identity, managed: Props, error: unknown): Promise<unknown> {
  const id = formatId(def, identity);
  let raw: Record<string, unknown> | undefined;
  try {
    raw = await readRaw(def, api, identity);
  } catch (readError) {
    return new PartialCreateError(`${label(def, id)} was created, but ${reason(error)}; reading it back failed: ${reason(readError)}`, id, managed, [String(error)]);
  }
  if (!raw) return error;
  return new PartialCreateError(`${label(def, id)} was created, but ${reason(error)}`, id, outputsFrom(def, identity, raw, managed), [String(error)]);
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The create's answer was lost (596, a reset connection, a timeout): pveproxy often carries on without the client. */
function answerLost(error: unknown): boolean {
  const kind = errorKind(error);
  return kind === "unreachable" || kind === "timeout";
}

/** Outputs PVE shows only in the create's answer and that are secret (a token's value, recovery keys). */
function oneTimeSecrets(def: KindDefinition): string[] {
  return Object.entries(def.outputs ?? {})
    .filter(([, output]) => output.fromCreate && output.secret)
    .map(([sdkName]) => sdkName);
}

/**
 * The first write of a create failed. If PVE may have taken it anyway (its answer was lost, or
 * the apply that covers a staged write failed after PVE accepted it), the object is read again:
 * there, it is kept (a partial create) and its lost one-time secrets are issued again; gone, the
 * error stands.
 */
async function afterFailedWrite(def: KindDefinition, api: EngineApi, inputs: Props, params: WireParams, error: unknown, options: LifecycleOptions): Promise<unknown> {
  const lost = answerLost(error);
  if (def.lifecycle !== "collection" || !(lost || error instanceof StagedApplyError)) return error;
  const identity = { ...identityOf(def, inputs), ...hooksOf(def).assignedIdentity?.(inputs) };
  const raw = await readRaw(def, api, identity).catch(() => undefined);
  if (!raw) return error;
  const id = formatId(def, identity);
  const why = lost ? `PVE's answer was lost (${reason(error)})` : reason(error);
  const secrets = oneTimeSecrets(def);
  if (!lost || secrets.length === 0) return keepCreated(def, api, identity, inputs, new Error(why));
  try {
    const issued = await reissueSecrets(def, api, identity, inputs, params, options);
    return keepCreated(def, api, identity, { ...inputs, ...issued }, new Error(why));
  } catch (reissueError) {
    // Null marks a secret that is known to be lost (an import never had it): the next diff replaces the object.
    const lostSecrets = Object.fromEntries(secrets.map((name) => [name, null]));
    return new PartialCreateError(
      `${label(def, id)} was created, but ${why}, and its one-time ${secrets.join(", ")} could not be issued again (${reason(reissueError)}): the next update replaces it`,
      id,
      { ...outputsFrom(def, identity, raw, inputs), ...lostSecrets },
      [why],
    );
  }
}

/**
 * Issues again the one-time secrets a lost create answer carried: with the kind's `reissue` call
 * (a token's `regenerate`), or by deleting the object and creating it again. Says so in the log:
 * whoever held the lost secret (nobody, normally) can no longer use it.
 */
async function reissueSecrets(def: KindDefinition, api: EngineApi, identity: Identity, inputs: Props, params: WireParams, options: LifecycleOptions): Promise<Props> {
  const secrets = oneTimeSecrets(def).join(", ");
  if (def.reissue) {
    const response = await write(def, api, def.reissue, identity, callParams(def.reissue, identity, []), options);
    options.onLog?.(`PVE's answer to the create was lost, and with it the ${secrets} it shows only once: issued a new one (the lost one no longer works)`);
    return createOutputs(def, response);
  }
  if (!def.remove) throw new Error(`${def.key} cannot be deleted to create it again`);
  await write(def, api, def.remove, identity, callParams(def.remove, identity, confirmValues(def, inputs)), options);
  const response = await write(def, api, def.create, identity, params, options);
  options.onLog?.(`PVE's answer to the create was lost, and with it the ${secrets} it shows only once: deleted the new object and created it again`);
  return createOutputs(def, response);
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

/** A pinned output's value as comparable text (a list's order does not matter). */
function pinText(value: unknown): string {
  return Array.isArray(value) ? value.map(String).sort().join(",") : String(value);
}

/** What a refresh or import reads: the id (empty when gone), the outputs, and the inputs as read back. */
export interface ReadResult {
  id: string;
  props: Props;
  /**
   * The managed inputs as PVE has them now (write-only values and `triggers` as recorded): a
   * refresh records them, so that a hand-made change kept by `ignoreChanges` is not written
   * back, and an import takes them as the resource's inputs.
   */
  inputs?: Props;
}

/** The inputs among a resource's properties: its fields and `triggers`, not its outputs. */
function inputsOf(def: KindDefinition, props: Props): Props {
  return Object.fromEntries(Object.entries(props).filter(([key]) => def.fieldsBySdkName.has(key) || (key === TRIGGERS && hasTriggers(def))));
}

/**
 * Reads the object for refresh or import. `props` are the recorded outputs (refresh) or the
 * program's inputs (import): their fields are the ones this resource manages. Gone → empty id.
 */
export async function read(def: KindDefinition, api: EngineApi, id: string, props: Props): Promise<ReadResult> {
  // An action happened once; there is nothing on PVE to compare it with.
  if (def.lifecycle === "action") return { id, props, inputs: inputsOf(def, props) };
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
  const outs = outputsFrom(def, identity, raw, managed);
  return { id: formatId(def, identity), props: outs, inputs: inputsOf(def, outs) };
}

/**
 * True when PVE's validator takes an empty string for `param`: no named format (or an `-opt` or
 * `-list` one), no minimum length and no pattern that refuses it.
 */
function acceptsEmpty(param: FieldDef["param"]): boolean {
  if (typeof param.format === "string" && !/-(opt|list)$/.test(param.format)) return false;
  if ((param.minLength ?? 0) > 0) return false;
  if (param.pattern === undefined) return true;
  try {
    return new RegExp(`^(?:${param.pattern})$`).test("");
  } catch {
    return false;
  }
}

/**
 * How to unset fields the program no longer sets: a field's own `unset` value where PVE's
 * `delete` refuses it; PVE's `delete` list where the call has one (`pve-configid-list`);
 * otherwise the schema default, or an empty string or list (the client sends those as JSON,
 * since a form cannot carry an empty value to PVE). A parameter whose format
 * refuses an empty value is left out: the calls that have such parameters without a `delete`
 * list (node DNS) rewrite the whole set, so what is not sent is gone. A field PVE cannot unset
 * is an error that says so, rather than a silent no-op.
 */
function removalParams(def: KindDefinition, call: ApiCall, removed: readonly FieldDef[], stale: readonly string[] = []): WireParams {
  // Fields whose "not set" is a value (a token's privsep) are written, never deleted.
  const params: WireParams = {};
  for (const field of removed) if (field.unset !== undefined) params[field.pveName] = field.unset;
  const deletable = removed.filter((field) => field.unset === undefined);
  if (deletable.length === 0 && stale.length === 0) return params;
  const deleteParam = requireApiMethod(call.method, call.path).parameters["delete"];
  if (deleteParam?.format === "pve-configid-list") return { ...params, delete: [...deletable.map((field) => field.pveName), ...stale].join(",") };
  if (stale.length > 0) throw new Error(`${def.namespace}.${def.name}: PVE cannot remove '${stale.join("', '")}' through this call`);
  for (const field of deletable) {
    const fallback = field.param.default;
    if (typeof fallback === "string" || typeof fallback === "number") params[field.pveName] = fallback;
    else if ((field.type.kind === "string" || field.type.kind === "list") && !acceptsEmpty(field.param)) continue;
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
  if (def.lifecycle === "action") return updateAction(def, api, olds, news, options);
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
        // A whole-object call without a `delete` list (a DNS set, an alias) drops what it does not
        // carry: nothing to unset. One with a `delete` list (a network interface) still needs it.
        const dropsUnsent = call.whole === true && updateParams["delete"] === undefined;
        const plain = dropsUnsent ? [] : removed.filter((field) => !field.indexed);
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
  const confirm = confirmValues(def, olds);
  const call = def.remove;
  try {
    await addressed(def, identity, async () => {
      const located = await locate(def, api, identity);
      if (located) await write(def, api, call, located, callParams(call, located, confirm), options);
    });
  } catch (error) {
    // A delete that failed may have happened anyway: its answer was lost, the client's retry found
    // the object gone, or the apply covering it failed after PVE had taken the removal. Gone is deleted.
    if (!(await isRemoved(def, api, identity, call))) throw error;
    return;
  }
  if (def.remove.awaitGone) await awaitGone(def, api, id, identity, options);
}

/** Write-only values a removal may need (a confirming password); the call takes those it accepts. */
function confirmValues(def: KindDefinition, props: Props): Array<[FieldDef, SdkValue]> {
  return [...fieldValues(def, props)].filter(([field]) => field.writeOnly);
}

/**
 * True when a read shows the removal done: the object is gone or, for a removal that only sets
 * fields (an APT entry's `enabled: 0`), it has the values the removal sets. A read that fails proves nothing.
 */
async function isRemoved(def: KindDefinition, api: EngineApi, identity: Identity, call: ApiCall): Promise<boolean> {
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
