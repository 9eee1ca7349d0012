/**
 * What a definition file writes: one spec type per lifecycle, so that an option that belongs to
 * one lifecycle cannot be written on another (the compiler checks it, not a run-time test).
 */
import type { FieldOverride } from "./fields";
import type { KindHooks } from "./hooks";
import type { GuestSpec } from "./guest";
import type { ApiHttpMethod, ApiParam } from "./pve-schema";

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
   * The write carries the `digest` of the object as PVE has it just before the write, after the
   * managed fields were found as recorded: a change made by someone else in between fails the
   * write (PVE's `checksum mismatch`) instead of being overwritten.
   */
  readonly carriesDigest?: boolean;
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
   * Path parameters of update and delete that PVE derives and the read-back reveals, as
   * `{pathParam: keyOfTheSelectedItem}`: a subnet's zone-prefixed id, a firewall rule's current
   * position (which shifts when other rules come and go). They are resolved before each write.
   */
  readonly address?: Readonly<Record<string, string>>;
}

/** How a collection's object is read back: a {@link ReadCall} and what only collections need. */
export interface CollectionRead extends ReadCall {
  /**
   * The read returns an object that holds the list `select` picks from (APT repositories): see
   * {@link ListWithin}.
   */
  readonly within?: ListWithin;
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

/** How a collection's object is removed. */
export interface RemoveCall extends ApiCall {
  /**
   * PVE accepts the removal but deletes the object later (a replication job is removed by the
   * replication runner): the delete waits until a read no longer finds the object.
   */
  readonly awaitGone?: boolean;
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

/**
 * An input of ours that is no PVE parameter (a guest's `started`, its clone source): typed and
 * checked like a parameter, never sent as one; the kind's lifecycle acts on it.
 */
export interface OwnInput {
  /** The input's doc comment. */
  readonly doc: string;
  /** Its type, range, default and sub-keys, stated as PVE states a parameter's. */
  readonly param: ApiParam;
  /**
   * The key under which the kind's read reports the value (a guest's read adds `started` from its
   * status): the input is then read back and diffed. Without it the value is kept as given.
   */
  readonly readKey?: string;
  /** A change replaces the resource (a VM cloned from another source is another VM). */
  readonly replaceOnChange?: boolean;
  /** See {@link FieldOverride.replaceWhen}. */
  readonly replaceWhen?: (before: unknown, after: unknown) => boolean;
}

/** What every kind says, whatever its lifecycle. */
interface KindSpecBase {
  /** SDK namespace, mirroring PVE's tree: `access`, `cluster`, `firewall`, `sdn`, `node`, `storage`. */
  readonly namespace: string;
  /** SDK class name, e.g. `User`. */
  readonly name: string;
  /** The kind's doc comment. */
  readonly description: string;
  /** PVE parameters (in create/update order) that form the id, joined with `idSeparator`. */
  readonly identity: readonly string[];
  readonly idSeparator?: string;
  readonly create: ApiCall;
  /** PVE parameters of create/update that this kind does not expose (control or other kinds' concerns). */
  readonly exclude?: readonly string[];
  readonly fields?: Readonly<Record<string, FieldOverride>>;
  /** Inputs of ours that are no PVE parameter, by SDK name: see {@link OwnInput}. */
  readonly ownInputs?: Readonly<Record<string, OwnInput>>;
  readonly outputs?: Readonly<Record<string, OutputSpec>>;
  /** Groups of mutually exclusive fields (e.g. an ACL's user, group or token). */
  readonly oneOf?: readonly OneOf[];
  /** Type-dependent fields (e.g. a storage's `path` only for directory-like types). */
  readonly variants?: Variants;
  /** What the data cannot say, written beside the definition: see `schema/hooks.ts`. */
  readonly hooks?: KindHooks;
  /**
   * Inputs people expect that PVE has no operation for (e.g. an apt upgrade), each with the reason
   * `check` gives in preview instead of a bare "no such input".
   */
  readonly unsupported?: Readonly<Record<string, string>>;
}

/** An object that is created, read, updated and deleted (a user, a zone, a firewall rule). */
export interface CollectionSpec extends KindSpecBase {
  readonly lifecycle: "collection";
  readonly read: CollectionRead;
  readonly update?: ApiCall;
  readonly remove?: RemoveCall;
  /**
   * Ids of objects PVE ships and never lets be created or deleted (the `pam` and `pve` realms):
   * declaring one adopts it (create updates it), and deleting resets the fields it managed.
   */
  readonly builtinIds?: readonly string[];
  /**
   * A create succeeds although an object with the identity exists (it enables or merges into it:
   * an APT repository already in a sources file, an ACL entry), always or for the given inputs (a
   * certificate ordered with `force`): preview does not refuse a taken id then.
   */
  readonly createTakesExisting?: boolean | ((inputs: Readonly<Record<string, unknown>>) => boolean);
  /** Writes are staged by PVE and need an apply: see {@link CommitSpec}. */
  readonly commit?: CommitSpec;
  /**
   * The update call is an operation worth running again (an ACME certificate's renewal): the
   * kind takes `triggers`, and a change of them runs the update call.
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
  /**
   * The call that makes PVE issue the object's one-time secrets again (an API token's
   * `regenerate`), for a create whose answer, which carried them, was lost. A kind with such
   * secrets and no `reissue` is deleted and created again instead.
   */
  readonly reissue?: ApiCall;
  /**
   * The object is a guest (a VM, a container): besides its config it has a power state, pending
   * changes, a source it is made from, a node it migrates between. See `schema/guest.ts`.
   */
  readonly guest?: GuestSpec;
}

/**
 * A config that always exists (a node's DNS, the datacenter options): create writes the given
 * settings, delete resets the ones it managed.
 */
export interface SingletonSpec extends KindSpecBase {
  readonly lifecycle: "singleton";
  readonly read: ReadCall;
  readonly update: ApiCall;
  /** The fixed id of a singleton without identity parameters. */
  readonly singletonId?: string;
}

/**
 * A one-shot operation (restart a service, run apt update): create runs it and awaits its task;
 * a change of its inputs or `triggers` runs it again; delete forgets it.
 */
export interface ActionSpec extends KindSpecBase {
  readonly lifecycle: "action";
  /** The create path has a segment chosen by an input: see {@link PathChoice}. */
  readonly pathChoice?: PathChoice;
}

/** What a definition file writes: the spec of one lifecycle. */
export type KindSpec = CollectionSpec | SingletonSpec | ActionSpec;
