/**
 * Schema-driven CRUD for PVE's config objects, so models write only their real semantics:
 * a collection of section-config items (create/list/read/update/delete) and singleton configs.
 */
import { SimError, type HttpMethod, type SimContext, type SimHandler, type SimRequest } from "../types";
import { applyUpdate, assertDigest, configParams, pveDie, splitList, withoutKeys, type ConfigRecord } from "./config-text";
import { parametersOf } from "../core/schema";
import type { SectionStore } from "./section-store";
import { type Reraise, underCfsLock } from "../core/cfs-lock";
import type { FlatConfig } from "./flat-config";

/** The `register` function a model's `install` receives. */
export type Register = (method: HttpMethod, template: string, handler: SimHandler) => void;

/** Hooks for a collection's real semantics; every hook runs inside the lock. */
export interface CollectionHooks {
  /** Runs before a write takes its lock: what PVE checks first (`check_config` on create, a parent's existence). */
  before?(req: SimRequest, op: "create" | "update" | "delete"): void;
  /** Runs before every write, inside the lock (e.g. SDN's lock token check). */
  guard?(req: SimRequest): void;
  /** The new object's id when it is not simply the id param (generated, or derived like SDN subnets). */
  createId?(req: SimRequest): string;
  /** Validates or completes a new record before it is stored. */
  create?(id: string, record: ConfigRecord, req: SimRequest): void;
  /** Validates the updated record (already merged) before it is stored. */
  update?(id: string, record: ConfigRecord, before: ConfigRecord, req: SimRequest): void;
  /**
   * Builds the updated record itself, for handlers whose `delete` and set rules are their own
   * (ACME plugins delete first and never refuse a key both set and deleted); replaces the
   * generic `delete_from_config` merge.
   */
  merge?(id: string, before: ConfigRecord, req: SimRequest): ConfigRecord;
  /** Runs the removal; returning `"keep"` leaves the record (marked by the hook) in place. */
  remove?(id: string, record: ConfigRecord, req: SimRequest): "keep" | void;
  /** Replaces the GET list (e.g. SDN pending/running views). */
  list?(req: SimRequest): unknown;
  /** Replaces the GET item (e.g. SDN pending/running views). */
  read?(id: string, req: SimRequest): unknown;
  /** The data POST/PUT return (default null; storage returns `{storage, type}`). */
  result?(id: string, record: ConfigRecord, req: SimRequest): unknown;
  /** Runs after any successful write (e.g. counters). */
  written?(req: SimRequest): void;
}

/** How one collection of section-config items is exposed. */
export interface CollectionSpec {
  readonly store: SectionStore;
  /** GET list template (and POST create unless `createOnItem`). */
  readonly collection?: string;
  readonly item: string;
  readonly idParam: string;
  /** The cfs lock taken by writes, e.g. `file-storage_cfg`. */
  readonly lockId: string;
  /** POST goes to the item template (metric servers, ACME plugins do this). */
  readonly createOnItem?: boolean;
  /** DELETE of an id that does not exist succeeds silently (ACME plugins: PVE deletes without looking), or decides per request. */
  readonly deleteMissingOk?: boolean | ((req: SimRequest) => boolean);
  /** PVE's wording for a missing id on read/update/delete and a duplicate on create. */
  readonly messages: {
    readonly notFound: (id: string) => string | SimError;
    readonly updateNotFound?: (id: string) => string | SimError;
    readonly deleteNotFound?: (id: string) => string | SimError;
    readonly exists: (id: string) => string;
  };
  /**
   * The `$errmsg` of each write's `die "$errmsg: $err"` (e.g. `create storage failed`): any error
   * raised under the lock, a 400 included, becomes a 500 with that prefix.
   */
  readonly errorPrefix?: { readonly create?: string; readonly update?: string; readonly delete?: string };
  /** Writes without a prefix re-raise with `die "$@"` (pve-manager's jobs): errors become 500s as text. */
  readonly stringified?: boolean;
  /** Keys never returned by GET (passwords, keys, tokens). */
  readonly hidden?: readonly string[];
  /** GET item includes the file digest (most section configs do). */
  readonly itemDigest?: boolean;
  /** Params that are never stored (e.g. SDN's `lock-token`). */
  readonly transient?: readonly string[];
  readonly hooks?: CollectionHooks;
}

/** A message is PVE's plain `die` (500); a SimError (e.g. a 400 param error) passes through. */
function asError(failure: string | SimError): SimError {
  return typeof failure === "string" ? pveDie(failure) : failure;
}

/**
 * Runs `fn` under the cfs lock and re-raises its error as the PVE handler does (see
 * {@link Reraise}): a string is `$errmsg` of `die "$errmsg: $err"` (`lock_storage_config($code, $msg)`),
 * so even a 400 raised inside becomes a 500 that carries it as text.
 */
export function lockedWrite<T>(ctx: SimContext, lockId: string, how: string | Reraise, fn: () => T): Promise<T> {
  return underCfsLock(ctx, lockId, typeof how === "string" ? { prefix: how } : how, fn);
}

/** How one write of a collection re-raises errors from under its lock. */
function reraiseOf(spec: CollectionSpec, op: "create" | "update" | "delete"): Reraise {
  const prefix = spec.errorPrefix?.[op];
  if (prefix) return { prefix };
  return spec.stringified ? {} : undefined;
}

/** The public view of a stored record: secrets removed, id added under `idParam`. */
export function publicView(spec: Pick<CollectionSpec, "idParam" | "hidden">, id: string, record: ConfigRecord): ConfigRecord {
  return { ...withoutKeys(record, spec.hidden ?? []), [spec.idParam]: id };
}

/** Registers GET list, POST create, GET/PUT/DELETE item for one collection. */
export function registerCollection(register: Register, ctx: SimContext, spec: CollectionSpec): void {
  const { store, idParam, hooks = {} } = spec;
  const idOf = (req: SimRequest): string => String(req.params[idParam]);
  const createTemplate = spec.createOnItem ? spec.item : spec.collection;

  if (spec.collection) {
    register("GET", spec.collection, (req) => hooks.list?.(req) ?? store.entries().map(([id, r]) => publicView(spec, id, r)));
  }

  if (createTemplate) {
    const schema = parametersOf("POST", createTemplate);
    register("POST", createTemplate, (req) => {
      hooks.before?.(req, "create");
      return lockedWrite(ctx, spec.lockId, reraiseOf(spec, "create"), () => {
        hooks.guard?.(req);
        const id = hooks.createId ? hooks.createId(req) : idOf(req);
        if (store.has(id)) throw pveDie(spec.messages.exists(id));
        const record = configParams(req.params, schema, [idParam, ...(spec.transient ?? [])]);
        hooks.create?.(id, record, req);
        store.set(id, record);
        hooks.written?.(req);
        return hooks.result?.(id, record, req) ?? null;
      });
    });
  }

  register("GET", spec.item, (req) => {
    const id = idOf(req);
    if (hooks.read) return hooks.read(id, req);
    const record = store.get(id);
    if (!record) throw asError(spec.messages.notFound(id));
    const view = publicView(spec, id, record);
    return spec.itemDigest === false ? view : { ...view, digest: store.digest() };
  });

  const updateSchema = parametersOf("PUT", spec.item);
  register("PUT", spec.item, (req) => {
    hooks.before?.(req, "update");
    return lockedWrite(ctx, spec.lockId, reraiseOf(spec, "update"), () => {
      hooks.guard?.(req);
      const id = idOf(req);
      assertDigest(store.digest(), req.params.digest);
      const before = store.get(id);
      if (!before) throw asError((spec.messages.updateNotFound ?? spec.messages.notFound)(id));
      let record = { ...before };
      if (hooks.merge) record = hooks.merge(id, before, req);
      else applyUpdate(record, configParams(req.params, updateSchema, [idParam, ...(spec.transient ?? [])]), req.params.delete, updateSchema);
      hooks.update?.(id, record, before, req);
      store.set(id, record);
      hooks.written?.(req);
      return hooks.result?.(id, record, req) ?? null;
    });
  });

  register("DELETE", spec.item, (req) => {
    hooks.before?.(req, "delete");
    return lockedWrite(ctx, spec.lockId, reraiseOf(spec, "delete"), () => {
      hooks.guard?.(req);
      const id = idOf(req);
      const record = store.get(id);
      const missingOk = typeof spec.deleteMissingOk === "function" ? spec.deleteMissingOk(req) : spec.deleteMissingOk;
      if (!record && missingOk) return null;
      if (!record) throw asError((spec.messages.deleteNotFound ?? spec.messages.notFound)(id));
      if (hooks.remove?.(id, record, req) !== "keep") store.delete(id);
      hooks.written?.(req);
      return null;
    });
  });
}

/** How one singleton config (datacenter.cfg, node config, firewall options, ...) is exposed. */
export interface SingletonSpec {
  readonly template: string;
  /** The config, or how to find it from the request (per-node configs). */
  readonly config: FlatConfig | ((req: SimRequest) => FlatConfig);
  /** The lock taken by PUT (or how to name it from the request); omitted for unlocked files. */
  readonly lockId?: string | ((req: SimRequest) => string);
  /** GET returns `digest` and PUT enforces it (only where the PUT schema has `digest`). */
  readonly digest?: boolean;
  readonly hidden?: readonly string[];
  /** Method of the write (PUT for almost all; `/nodes/{node}/hosts` uses POST). */
  readonly writeMethod?: "PUT" | "POST";
  /** Validates or completes the merged config before it is stored. */
  readonly validate?: (next: ConfigRecord, req: SimRequest) => void;
  /** Shapes the GET result from the stored values (e.g. parsed property strings). */
  readonly view?: (record: ConfigRecord) => Record<string, unknown>;
  /** Params that select the object (e.g. `node`) rather than being config keys. */
  readonly selectors?: readonly string[];
}

/**
 * Registers GET and PUT for a singleton config. Setting and deleting the same key is a 400 with
 * a per-field error, as PVE's flat-config APIs check it before touching the file.
 */
export function registerSingleton(register: Register, ctx: SimContext, spec: SingletonSpec): void {
  const method = spec.writeMethod ?? "PUT";
  const schema = parametersOf(method, spec.template);
  const configOf = (req: SimRequest): FlatConfig => (typeof spec.config === "function" ? spec.config(req) : spec.config);
  register("GET", spec.template, (req) => {
    const config = configOf(req);
    const stored = withoutKeys(config.record(), spec.hidden ?? []);
    const view = spec.view ? spec.view(stored) : stored;
    return spec.digest ? { ...view, digest: config.digest() } : view;
  });
  register(method, spec.template, (req) => {
    const config = configOf(req);
    const write = (): null => {
      if (spec.digest) assertDigest(config.digest(), req.params.digest);
      const set = configParams(req.params, schema, spec.selectors ?? []);
      const conflicts = splitList(req.params.delete).filter((key) => key in set);
      if (conflicts.length > 0) {
        const key = conflicts[0] ?? "";
        throw new SimError(400, "Parameter verification failed.\n", {
          delete: `you can't use '-${key}' and -delete ${key}' at the same time`,
        });
      }
      const next = config.record();
      applyUpdate(next, set, req.params.delete, schema);
      spec.validate?.(next, req);
      config.replace(next);
      return null;
    };
    const lockId = typeof spec.lockId === "function" ? spec.lockId(req) : spec.lockId;
    return lockId ? ctx.withLock(lockId, write) : write();
  });
}
