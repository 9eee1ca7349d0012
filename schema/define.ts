/**
 * A resource kind is data: its API calls, its identity, and overrides on top of the fields
 * that the official schema gives for its create and update methods. `defineKind` derives the
 * rest (types, zod validation, codecs, replace-on-change) so that no kind repeats PVE's facts.
 */
import { entryShape, fieldShape } from "./codecs";
import type { FieldDef, FieldType, IndexedParam } from "./fields";
import { guestCalls } from "./guest";
import type { SlotFamily, SlotField, SubKeyRule } from "./slots";
import { describeParam } from "./fields";
import { resolveNamedFormat } from "./formats";
import { indexedParam } from "./indexed";
import { kindKey, toCamel } from "./naming";
import type { ApiParam } from "./pve-schema";
import { requireApiMethod } from "./pve-schema";
import type { ActionSpec, ApiCall, CollectionSpec, KindSpec, OutputSpec, OwnInput, PathChoice, SingletonSpec } from "./spec";

/** The input whose change reruns an action, or the update of a kind with `updateOnTriggers`. */
export const TRIGGERS = "triggers";

/** Kinds that take `triggers`: actions (rerun) and collections whose update is an operation (rerun the update). */
export function hasTriggers(def: KindSpec): boolean {
  return def.lifecycle === "action" || (def.lifecycle === "collection" && def.updateOnTriggers === true);
}

/**
 * Kinds that take `adopt`: collections whose identity the program gives (not one PVE assigns), so
 * that a create can look for the object first and take over the one already there.
 */
export function takesAdopt(def: KindDefinition): boolean {
  return def.lifecycle === "collection" && def.identity.every((pveName) => def.fieldsByPveName.has(pveName));
}

/** The call with its chosen segment filled in (the call itself when it has no choice). */
export function chosenCall(call: ApiCall, choice: PathChoice | undefined, value: string): ApiCall {
  return choice ? { ...call, path: call.path.replace(`{${choice.param}}`, value) } : call;
}

/** What `defineKind` derives from a spec and the official schema. */
export interface DerivedFacts {
  /** `access:User`. */
  readonly key: string;
  readonly fieldList: readonly FieldDef[];
  readonly fieldsBySdkName: ReadonlyMap<string, FieldDef>;
  readonly fieldsByPveName: ReadonlyMap<string, FieldDef>;
  /** The parameters the schema's method for one of the kind's calls takes (looked up once, by `defineKind`). */
  accepts(call: ApiCall): Readonly<Record<string, ApiParam>>;
}

/** A collection kind as the engine and the SDK generator use it. */
export type CollectionDefinition = CollectionSpec & DerivedFacts;
/** A singleton kind as the engine and the SDK generator use it. */
export type SingletonDefinition = SingletonSpec & DerivedFacts;
/** An action kind as the engine and the SDK generator use it. */
export type ActionDefinition = ActionSpec & DerivedFacts;
/** A kind as the engine and the SDK generator use it: one of the three lifecycles. */
export type KindDefinition = CollectionDefinition | SingletonDefinition | ActionDefinition;
/** A kind whose object can be read back (every lifecycle but `action`). */
export type ReadableDefinition = CollectionDefinition | SingletonDefinition;

/**
 * The usual REST shape: POST to the collection (or to the item itself when PVE creates there),
 * GET, PUT and DELETE on the item.
 */
export function restCalls(collection: string | null, item: string): Pick<CollectionSpec, "create" | "read" | "update" | "remove"> {
  return {
    create: { method: "POST", path: collection ?? item },
    read: { path: item },
    update: { method: "PUT", path: item },
    remove: { method: "DELETE", path: item },
  };
}

/** The usual singleton shape: GET the config, and write it with `method` (PUT, or POST for a node's hosts). */
export function configCalls(path: string, method: "PUT" | "POST" = "PUT"): Pick<SingletonSpec, "create" | "read" | "update"> {
  return { create: { method, path }, read: { path }, update: { method, path } };
}

/** Parameters that steer a write instead of describing the object. */
const CONTROL_PARAMS = new Set(["digest", "delete", "append", "revert", "lock-token", "skiplock"]);

function callKey(call: ApiCall): string {
  return `${call.method} ${call.path}`;
}

/** What every action records about its run. */
export const ACTION_OUTPUTS: Readonly<Record<string, OutputSpec>> = {
  upid: { pveName: "upid", type: "string", fromCreate: true, doc: "The UPID of the task that ran the action." },
  exitStatus: { pveName: "exitstatus", type: "string", fromCreate: true, doc: "How the task ended: `OK` or `WARNINGS: n`." },
  warnings: { pveName: "warnings", type: "number", fromCreate: true, doc: "The number of warnings the task logged." },
};

/** Every call of a spec, each checked against the schema once (`defineKind`). */
function callsOf(spec: KindSpec): ApiCall[] {
  const read: ApiCall | undefined = spec.lifecycle === "action" ? undefined : { method: "GET", path: spec.read.path };
  const own: Array<ApiCall | undefined> =
    spec.lifecycle === "collection"
      ? [spec.update, spec.remove, spec.reissue, spec.commit?.call, spec.commit?.rollback]
      : spec.lifecycle === "singleton"
        ? [spec.update]
        : (spec.pathChoice?.values ?? []).map((value) => chosenCall(spec.create, spec.pathChoice, value));
  // The operations of device families' sub-keys (a disk's `resize`).
  const operations = Object.values(spec.fields ?? {}).flatMap((override) =>
    Object.values({ ...override.slots?.subKeys, ...override.subKeys }).flatMap((rule) => (rule.operation ? [rule.operation.call] : [])),
  );
  own.push(...operations);
  if (spec.lifecycle === "collection" && spec.guest) own.push(...guestCalls(spec.guest));
  const lock = spec.lifecycle === "collection" ? spec.commit?.lock : undefined;
  const lockCalls: ApiCall[] = lock
    ? [
        { method: "POST", path: lock.path },
        { method: "DELETE", path: lock.path },
      ]
    : [];
  // An action with a path choice has no method at its template path: only its chosen calls exist.
  const create = spec.lifecycle === "action" && spec.pathChoice ? [] : [spec.create];
  return [...create, ...(read ? [read] : []), ...own.filter((call) => call !== undefined), ...lockCalls];
}

/** Run-time rules the spec types cannot carry. */
function checkSpec(spec: KindSpec): void {
  const where = `${spec.namespace}.${spec.name}`;
  if (spec.lifecycle === "collection") {
    if (spec.read.within && !spec.read.select) throw new Error(`${where}: read.within needs a select`);
    if (spec.updateOnTriggers && !spec.update) throw new Error(`${where}: updateOnTriggers needs an update call`);
    if (spec.read.pin && !spec.outputs?.[spec.read.pin]) throw new Error(`${where}: read.pin names no output '${spec.read.pin}'`);
  }
  if (spec.lifecycle === "action" && spec.pathChoice && !spec.identity.includes(spec.pathChoice.param)) {
    throw new Error(`${where}: a path choice needs an identity that names '${spec.pathChoice.param}'`);
  }
}

/** A device family's field facts; throws when the family names what the parameter lacks. */
function slotFamily(where: string, pveName: string, type: FieldType, family: SlotFamily, indexed: IndexedParam | undefined): SlotField {
  if (!indexed) throw new Error(`${where}: '${pveName}' is not an indexed parameter, so it cannot be a device family`);
  // A family of plain values (a serial port's `socket` or device path) has no sub-keys.
  if (type.kind !== "object" && Object.keys(family.subKeys ?? {}).length > 0)
    throw new Error(`${where}: the device family '${pveName}' is not a property string, so it has no sub-keys`);
  for (const [key, rule] of Object.entries(family.subKeys ?? {})) {
    if (type.kind !== "object" || !type.keys[key]) throw new Error(`${where}: the device family '${pveName}' has no sub-key '${key}'`);
    if ((rule.change === "operation") !== (rule.operation !== undefined))
      throw new Error(`${where}: '${pveName}.${key}' needs an operation exactly when its change is one`);
  }
  return { ...family, base: indexed.base };
}

/** Sub-key rules of a plain property string; throws when they name what it lacks, or an operation without its call. */
function plainSubKeys(where: string, pveName: string, type: FieldType, rules: Readonly<Record<string, SubKeyRule>>): Readonly<Record<string, SubKeyRule>> {
  if (type.kind !== "object") throw new Error(`${where}: '${pveName}' is not a property string, so it has no sub-keys`);
  for (const [key, rule] of Object.entries(rules)) {
    if (!type.keys[key]) throw new Error(`${where}: the property string '${pveName}' has no sub-key '${key}'`);
    if ((rule.change === "operation") !== (rule.operation !== undefined))
      throw new Error(`${where}: '${pveName}.${key}' needs an operation exactly when its change is one`);
  }
  return rules;
}

/**
 * The field of an input of ours (see {@link OwnInput}): typed and checked like a parameter, in no
 * call; read back from its `readKey`, or kept as given (write-only).
 */
function ownField(sdkName: string, input: OwnInput, where: string): FieldDef {
  const { type, codec, schema } = fieldShape(entryShape(input.param, undefined, where));
  return {
    pveName: input.readKey ?? sdkName,
    sdkName,
    param: input.param,
    type,
    codec,
    schema,
    required: false,
    inCreate: false,
    inUpdate: false,
    replaceOnChange: input.replaceOnChange ?? false,
    ...(input.replaceWhen ? { replaceWhen: input.replaceWhen } : {}),
    secret: false,
    writeOnly: input.readKey === undefined,
    presence: false,
    identity: false,
    computed: false,
    own: true,
    doc: input.doc,
  };
}

/** Builds a kind from its spec and the official schema. Throws when the spec names what PVE lacks. */
export function defineKind(spec: CollectionSpec): CollectionDefinition;
export function defineKind(spec: SingletonSpec): SingletonDefinition;
export function defineKind(spec: ActionSpec): ActionDefinition;
export function defineKind(spec: KindSpec): KindDefinition {
  checkSpec(spec);
  const accepted = new Map(callsOf(spec).map((call) => [callKey(call), requireApiMethod(call.method, call.path).parameters]));
  const accepts = (call: ApiCall): Readonly<Record<string, ApiParam>> => {
    const found = accepted.get(callKey(call));
    if (!found) throw new Error(`${spec.namespace}.${spec.name}: ${callKey(call)} is not one of its calls`);
    return found;
  };
  const choice = spec.lifecycle === "action" ? spec.pathChoice : undefined;
  const update = spec.lifecycle === "action" ? undefined : spec.update;
  const createParams = choice
    ? {
        ...accepts(chosenCall(spec.create, choice, choice.values[0])),
        [choice.param]: { type: "string", enum: [...choice.values], description: choice.doc } as ApiParam,
      }
    : accepts(spec.create);
  const updateParams = update ? accepts(update) : {};
  const readParams = spec.lifecycle === "action" ? {} : accepts({ method: "GET", path: spec.read.path });
  const excluded = new Set([...CONTROL_PARAMS, ...(spec.exclude ?? [])]);
  const names = [...new Set([...Object.keys(createParams), ...Object.keys(updateParams)])].filter((name) => !excluded.has(name));
  for (const name of Object.keys(spec.fields ?? {})) {
    if (!names.includes(name)) throw new Error(`${spec.namespace}.${spec.name}: override for unknown field '${name}'`);
  }
  const named = [
    ...(spec.oneOf ?? []).flatMap((group) => group.fields),
    ...(spec.variants
      ? [
          spec.variants.field,
          ...Object.values(spec.variants.accepts).flat(),
          ...Object.values(spec.variants.requires ?? {})
            .flat()
            .flatMap((r) => r.split("|")),
        ]
      : []),
  ];
  for (const name of named) {
    if (!names.includes(name)) throw new Error(`${spec.namespace}.${spec.name}: rule names unknown field '${name}'`);
  }
  const fieldList = names.sort().map((pveName): FieldDef => {
    const override = spec.fields?.[pveName];
    const fromCreate = createParams[pveName];
    // Named property-string formats (`prune-backups`, ...) become typed objects like inline ones.
    const param = resolveNamedFormat((fromCreate ?? updateParams[pveName]) as ApiParam);
    const inCreate = fromCreate !== undefined;
    const inUpdate = updateParams[pveName] !== undefined && !updateParams[pveName]?.pathParam;
    const identity = spec.identity.includes(pveName);
    // One codec family gives a value's type, codec and validation; indexed fields and device
    // families wrap that entry.
    const entry = entryShape(param, override, `${spec.namespace}.${spec.name}: '${pveName}'`);
    const indexed = indexedParam(pveName, readParams);
    const slots = override?.slots ? slotFamily(`${spec.namespace}.${spec.name}`, pveName, entry.type, override.slots, indexed) : undefined;
    const { type, codec, schema } = fieldShape(entry, { indexed, slots, secret: override?.secret });
    return {
      pveName,
      sdkName: override?.sdkName ?? toCamel(pveName),
      param,
      type,
      codec,
      schema,
      required: override?.required ?? (inCreate && param.optional !== true),
      inCreate,
      inUpdate,
      // What PVE cannot change after creation forces a new object.
      replaceOnChange: override?.replaceOnChange ?? (identity || !inUpdate),
      ...(override?.replaceWhen ? { replaceWhen: override.replaceWhen } : {}),
      computed: override?.computed ?? false,
      own: false,
      ...(override?.subKeys ? { subKeys: plainSubKeys(`${spec.namespace}.${spec.name}`, pveName, type, override.subKeys) } : {}),
      secret: override?.secret ?? false,
      writeOnly: override?.writeOnly ?? false,
      presence: override?.presence ?? false,
      identity,
      doc: override?.doc ?? describeParam(pveName, param),
      ...(override?.unset !== undefined ? { unset: override.unset } : {}),
      // A device family is a map of slots, not the array an indexed field is.
      ...(slots ? { slots } : indexed ? { indexed } : {}),
    };
  });
  for (const [sdkName, input] of Object.entries(spec.ownInputs ?? {})) {
    if (fieldList.some((field) => field.sdkName === sdkName))
      throw new Error(`${spec.namespace}.${spec.name}: own input '${sdkName}' is also a PVE parameter's name`);
    fieldList.push(ownField(sdkName, input, `${spec.namespace}.${spec.name}: own input '${sdkName}'`));
  }
  return {
    ...spec,
    ...(spec.lifecycle === "action" ? { outputs: { ...ACTION_OUTPUTS, ...spec.outputs } } : {}),
    key: kindKey(spec.namespace, spec.name),
    accepts,
    fieldList,
    fieldsBySdkName: new Map(fieldList.map((f) => [f.sdkName, f])),
    fieldsByPveName: new Map(fieldList.map((f) => [f.pveName, f])),
  };
}
