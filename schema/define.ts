/**
 * A resource kind is data: its API calls, its identity, and overrides on top of the fields
 * that the official schema gives for its create and update methods. `defineKind` derives the
 * rest (types, zod validation, codecs, replace-on-change) so that no kind repeats PVE's facts.
 */
import { base64KeyValueCodec, codecFor as codecForField, commentLinesCodec, spaceListCodec, stringCodec } from "./codecs";
import type { FieldDef, FieldOverride } from "./fields";
import { describeParam, fieldSchema, fieldType, refusingUrlPasswords } from "./fields";
import { resolveNamedFormat } from "./formats";
import { indexedParam } from "./indexed";
import { kindKey, toCamel } from "./naming";
import type { ApiHttpMethod, ApiParam } from "./pve-schema";
import { requireApiMethod } from "./pve-schema";

/** One API call of a kind's lifecycle. */
export interface ApiCall {
  readonly method: ApiHttpMethod;
  /** The schema path template; `{x}` is filled from the identity. */
  readonly path: string;
  /** Constant parameters sent with the call (e.g. `delete: 1` for an ACL removal). */
  readonly extra?: Readonly<Record<string, string | number>>;
  /**
   * An update that sends every managed field, not only the changed ones (a firewall alias, whose
   * PUT replaces the object; a network interface, whose method PVE recomputes from what is sent).
   * Fields the program dropped are still deleted where the call has a `delete` list.
   */
  readonly whole?: boolean;
  /**
   * Parameters that repeat an identity value under another name, as `{param: identityParam}`: PVE
   * updates an IP set's or a security group's comment by renaming it to its own name (`rename`).
   */
  readonly sameAs?: Readonly<Record<string, string>>;
  /**
   * PVE accepts the removal but deletes the object later (a replication job is removed by the
   * replication runner): the delete waits until a read no longer finds the object.
   */
  readonly awaitGone?: boolean;
}

/** A group of fields of which exactly one (or, when not `required`, at most one) may be given. */
export interface OneOf {
  /** PVE names of the fields. */
  readonly fields: readonly string[];
  readonly required: boolean;
}

/**
 * A kind whose valid fields depend on a type field (storage, realm): the fields each type
 * accepts and requires, as the type's PVE plugin declares them. Fields no variant lists are
 * common to all types.
 */
export interface Variants {
  /** PVE name of the discriminating field, e.g. `type`. */
  readonly field: string;
  /** Per type value: the type-specific fields it accepts (PVE names). */
  readonly accepts: Readonly<Record<string, readonly string[]>>;
  /** Per type value: the fields it requires (PVE names); `a|b` means either. */
  readonly requires?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Where a list sits inside the object a read returns: the keys that lead to it, through nested
 * lists. `["standard-repos"]` is that key's list; `["files", "repositories"]` is every file's
 * repositories. Each item carries the plain values of the objects above it (the response's
 * `digest`, its file's `path`, which `address` can use) and, under `position`, its index in its
 * file (PVE addresses a repository by path + index). `select` picks the kind's item.
 */
export interface ListWithin {
  readonly keys: readonly [string, ...string[]];
  /** The key under which an item of the innermost list records its index in that list. */
  readonly position?: string;
}

/** How a kind reads its object back. */
export interface ReadCall {
  readonly path: string;
  /** When the read returns a list, picks this kind's object from it. */
  readonly select?: (item: Readonly<Record<string, unknown>>, identity: Readonly<Record<string, string>>) => boolean;
  /**
   * The read returns an object that holds the list `select` picks from (APT repositories): see
   * {@link ListWithin}.
   */
  readonly within?: ListWithin;
  /**
   * Path parameters of update and delete that PVE derives and the read-back reveals, as
   * `{pathParam: keyOfTheSelectedItem}`: a subnet's zone-prefixed id, a firewall rule's current
   * position (which shifts when other rules come and go). They are resolved before each write.
   */
  readonly address?: Readonly<Record<string, string>>;
  /**
   * PVE does not refuse a second object with the same identity (firewall rules): the engine
   * looks before it creates and refuses a duplicate, so the identity stays unique.
   */
  readonly unique?: boolean;
  /**
   * The output (SDK name) that tells the object this resource made from another one at the same
   * identity (a node's certificate is always `pveproxy-ssl.pem`; its names tell whose it is).
   * A refresh that finds another value reports the object gone: it was replaced out of band.
   */
  readonly pin?: string;
}

/**
 * How staged writes are applied (SDN `PUT /cluster/sdn`, node network `PUT /nodes/{node}/network`).
 * Writes of every kind with the same filled `call.path` are batched into one apply per quiet
 * period (see `provider/engine/commit.ts`); each write resolves when the apply that covers it ended.
 */
export interface CommitSpec {
  readonly call: ApiCall;
  /**
   * A global lock whose token the batch's writes and its apply carry (PVE 9 SDN); absent on older
   * PVE (501). `POST path` takes it, `DELETE path` with the token gives it back.
   */
  readonly lock?: {
    readonly path: string;
    readonly tokenParam: string;
    /** Takes the lock although changes are pending (the apply then takes them along). */
    readonly allowPendingParam?: string;
    /** How PVE refuses the lock while changes are pending: then someone else's changes are staged. */
    readonly pendingRefusal?: RegExp;
    /** Makes the apply (and the rollback) release the lock; PVE applies no default, so it is always sent. */
    readonly releaseParam?: string;
  };
  /** Discards every pending change: run when an apply fails and every pending change is the batch's own. */
  readonly rollback?: ApiCall;
}

/** A computed output that PVE returns (from the read-back or the create response). */
export interface OutputSpec {
  readonly pveName: string;
  readonly doc: string;
  readonly type: "string" | "number" | "boolean" | "list";
  /** Only the create response has it (e.g. a token secret): later reads keep the recorded value. */
  readonly fromCreate?: boolean;
  readonly secret?: boolean;
}

/**
 * A path segment chosen by an input (a service's `start`, `stop`, ...): the create path holds
 * `{param}`, and each allowed value names one method of the schema. The input is a required
 * enum field of the kind; it is never sent as a parameter.
 */
export interface PathChoice {
  /** The placeholder in the create path and the field's PVE-style name, e.g. `action`. */
  readonly param: string;
  readonly doc: string;
  /** The allowed values; `create.path` with `{param}` replaced by each must be a schema path. */
  readonly values: readonly [string, ...string[]];
}

/** Kinds that take `triggers`: actions (rerun) and collections whose update is an operation (rerun the update). */
export function hasTriggers(spec: Pick<KindSpec, "lifecycle" | "updateOnTriggers">): boolean {
  return spec.lifecycle === "action" || spec.updateOnTriggers === true;
}

/**
 * Kinds that take `adopt`: collections whose identity the program gives (not one PVE assigns), so
 * that a create can look for the object first and take over the one already there.
 */
export function takesAdopt(def: Pick<KindDefinition, "lifecycle" | "identity" | "fieldsByPveName">): boolean {
  return def.lifecycle === "collection" && def.identity.every((pveName) => def.fieldsByPveName.has(pveName));
}

/** The call with its chosen segment filled in (the call itself when it has no choice). */
export function chosenCall(call: ApiCall, choice: PathChoice | undefined, value: string): ApiCall {
  return choice ? { ...call, path: call.path.replace(`{${choice.param}}`, value) } : call;
}

/** What a definition file writes. */
export interface KindSpec {
  /** SDK namespace, mirroring PVE's tree: `access`, `cluster`, `firewall`, `sdn`, `node`, `storage`. */
  readonly namespace: string;
  /** SDK class name, e.g. `User`. */
  readonly name: string;
  /** The kind's doc comment. */
  readonly description: string;
  /**
   * `collection`: create/read/update/delete an object; `singleton`: a config that always exists;
   * `action`: a one-shot operation (create runs it and awaits its task; a change of its inputs or
   * `triggers` runs it again; delete forgets it).
   */
  readonly lifecycle: "collection" | "singleton" | "action";
  /** PVE parameters (in create/update order) that form the id, joined with `idSeparator`. */
  readonly identity: readonly string[];
  readonly idSeparator?: string;
  /** The fixed id of a singleton. */
  readonly singletonId?: string;
  readonly create: ApiCall;
  /** How to read the object back (every lifecycle but `action`). */
  readonly read?: ReadCall;
  readonly update?: ApiCall;
  readonly remove?: ApiCall;
  /** PVE parameters of create/update that this kind does not expose (control or other kinds' concerns). */
  readonly exclude?: readonly string[];
  readonly fields?: Readonly<Record<string, FieldOverride>>;
  readonly outputs?: Readonly<Record<string, OutputSpec>>;
  /**
   * Ids of objects PVE ships and never lets be created or deleted (the `pam` and `pve` realms):
   * declaring one adopts it (create updates it), and deleting resets the fields it managed.
   */
  readonly builtinIds?: readonly string[];
  /** Groups of mutually exclusive fields (e.g. an ACL's user, group or token). */
  readonly oneOf?: readonly OneOf[];
  /** Type-dependent fields (e.g. a storage's `path` only for directory-like types). */
  readonly variants?: Variants;
  /** Named hook set in `provider/engine/hooks` for what data cannot say. */
  readonly hooks?: string;
  /** Writes are staged by PVE and need an apply: see {@link CommitSpec}. */
  readonly commit?: CommitSpec;
  /**
   * Inputs people expect that PVE has no operation for (e.g. an apt upgrade), each with the reason
   * `check` gives in preview instead of a bare "no such input".
   */
  readonly unsupported?: Readonly<Record<string, string>>;
  /**
   * A collection whose update call is an operation worth running again (an ACME certificate's
   * renewal): the kind takes `triggers`, and a change of them runs the update call.
   */
  readonly updateOnTriggers?: boolean;
  /**
   * PVE has no call that removes the object (a standard APT repository): deleting the resource
   * only forgets it and PVE keeps it as it is. The kind's description says what to do instead.
   */
  readonly forgetOnDelete?: boolean;
  /**
   * PVE refuses a second object of the kind next to the first (one EVPN controller per cluster):
   * a replacement deletes the old object before it creates the new one, even under a new identity.
   */
  readonly replaceDeletesFirst?: boolean;
  /** The create path has a segment chosen by an input (actions only): see {@link PathChoice}. */
  readonly pathChoice?: PathChoice;
  /**
   * The call that makes PVE issue the object's one-time secrets again (an API token's
   * `regenerate`), for a create whose answer, which carried them, was lost. A kind with such
   * secrets and no `reissue` is deleted and created again instead.
   */
  readonly reissue?: ApiCall;
}

/** A kind as the engine and the SDK generator use it. */
export interface KindDefinition extends KindSpec {
  /** `access:User`. */
  readonly key: string;
  readonly fieldList: readonly FieldDef[];
  readonly fieldsBySdkName: ReadonlyMap<string, FieldDef>;
  readonly fieldsByPveName: ReadonlyMap<string, FieldDef>;
}

/**
 * The usual REST shape: POST to the collection (or to the item itself when PVE creates there),
 * GET, PUT and DELETE on the item.
 */
export function restCalls(collection: string | null, item: string): Pick<KindSpec, "create" | "read" | "update" | "remove"> {
  return {
    create: { method: "POST", path: collection ?? item },
    read: { path: item },
    update: { method: "PUT", path: item },
    remove: { method: "DELETE", path: item },
  };
}

/** The usual singleton shape: GET the config, and write it with `method` (PUT, or POST for a node's hosts). */
export function configCalls(path: string, method: "PUT" | "POST" = "PUT"): Pick<KindSpec, "create" | "read" | "update"> {
  return { create: { method, path }, read: { path }, update: { method, path } };
}

/** Parameters that steer a write instead of describing the object. */
const CONTROL_PARAMS = new Set(["digest", "delete", "append", "revert", "lock-token", "skiplock"]);

function paramsOf(call: ApiCall | undefined): Record<string, ApiParam> {
  return call ? requireApiMethod(call.method, call.path).parameters : {};
}

/** What every action records about its run. */
export const ACTION_OUTPUTS: Readonly<Record<string, OutputSpec>> = {
  upid: { pveName: "upid", type: "string", fromCreate: true, doc: "The UPID of the task that ran the action." },
  exitStatus: { pveName: "exitstatus", type: "string", fromCreate: true, doc: "How the task ended: `OK` or `WARNINGS: n`." },
  warnings: { pveName: "warnings", type: "number", fromCreate: true, doc: "The number of warnings the task logged." },
};

/** Builds a kind from its spec and the official schema. Throws when the spec names what PVE lacks. */
export function defineKind(spec: KindSpec): KindDefinition {
  if (spec.read) requireApiMethod("GET", spec.read.path);
  else if (spec.lifecycle !== "action") throw new Error(`${spec.namespace}.${spec.name}: a ${spec.lifecycle} kind needs a read call`);
  if (spec.read?.within && !spec.read.select) throw new Error(`${spec.namespace}.${spec.name}: read.within needs a select`);
  if (spec.remove) requireApiMethod(spec.remove.method, spec.remove.path);
  if (spec.commit) requireApiMethod(spec.commit.call.method, spec.commit.call.path);
  if (spec.reissue) requireApiMethod(spec.reissue.method, spec.reissue.path);
  if (spec.commit?.lock) {
    requireApiMethod("POST", spec.commit.lock.path);
    requireApiMethod("DELETE", spec.commit.lock.path);
  }
  if (spec.commit?.rollback) requireApiMethod(spec.commit.rollback.method, spec.commit.rollback.path);
  if (spec.updateOnTriggers && (spec.lifecycle !== "collection" || !spec.update)) {
    throw new Error(`${spec.namespace}.${spec.name}: updateOnTriggers needs a collection with an update call`);
  }
  if (spec.read?.pin && !spec.outputs?.[spec.read.pin]) throw new Error(`${spec.namespace}.${spec.name}: read.pin names no output '${spec.read.pin}'`);
  const choice = spec.pathChoice;
  if (choice && (spec.lifecycle !== "action" || !spec.identity.includes(choice.param))) {
    throw new Error(`${spec.namespace}.${spec.name}: a path choice needs an action whose identity names '${choice.param}'`);
  }
  for (const value of choice?.values ?? []) requireApiMethod(spec.create.method, chosenCall(spec.create, choice, value).path);
  const createParams = choice
    ? { ...paramsOf(chosenCall(spec.create, choice, choice.values[0])), [choice.param]: { type: "string", enum: [...choice.values], description: choice.doc } as ApiParam }
    : paramsOf(spec.create);
  const updateParams = paramsOf(spec.update);
  const readParams = spec.read ? requireApiMethod("GET", spec.read.path).parameters : {};
  const excluded = new Set([...CONTROL_PARAMS, ...(spec.exclude ?? [])]);
  const names = [...new Set([...Object.keys(createParams), ...Object.keys(updateParams)])].filter(
    (name) => !excluded.has(name),
  );
  for (const name of Object.keys(spec.fields ?? {})) {
    if (!names.includes(name)) throw new Error(`${spec.namespace}.${spec.name}: override for unknown field '${name}'`);
  }
  const named = [
    ...(spec.oneOf ?? []).flatMap((group) => group.fields),
    ...(spec.variants ? [spec.variants.field, ...Object.values(spec.variants.accepts).flat(), ...Object.values(spec.variants.requires ?? {}).flat().flatMap((r) => r.split("|"))] : []),
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
    const type = fieldType(param, override);
    const indexed = indexedParam(pveName, readParams);
    return {
      pveName,
      sdkName: override?.sdkName ?? toCamel(pveName),
      param,
      type,
      codec: override?.single
        ? stringCodec
        : override?.encoding === "base64-key-value"
          ? base64KeyValueCodec
          : override?.encoding === "comment-lines"
            ? commentLinesCodec
            : override?.encoding === "space-list"
              ? spaceListCodec
              : codecForField(param),
      schema: override?.secret ? fieldSchema(param, type, indexed) : refusingUrlPasswords(fieldSchema(param, type, indexed)),
      required: override?.required ?? (inCreate && param.optional !== true),
      inCreate,
      inUpdate,
      // What PVE cannot change after creation forces a new object.
      replaceOnChange: override?.replaceOnChange ?? (identity || !inUpdate),
      secret: override?.secret ?? false,
      writeOnly: override?.writeOnly ?? false,
      presence: override?.presence ?? false,
      identity,
      doc: override?.doc ?? describeParam(pveName, param),
      ...(override?.unset !== undefined ? { unset: override.unset } : {}),
      ...(indexed ? { indexed } : {}),
    };
  });
  return {
    ...spec,
    ...(spec.lifecycle === "action" ? { outputs: { ...ACTION_OUTPUTS, ...spec.outputs } } : {}),
    key: kindKey(spec.namespace, spec.name),
    fieldList,
    fieldsBySdkName: new Map(fieldList.map((f) => [f.sdkName, f])),
    fieldsByPveName: new Map(fieldList.map((f) => [f.pveName, f])),
  };
}
