/**
 * The contract between the simulator's protocol core (server, routing, schema validation,
 * auth, tasks, faults, worker limits) and its state models (access, pools, SDN, ...).
 *
 * A model registers handlers for schema path templates. The core has already authenticated
 * the caller, validated every parameter against the vendored PVE 9.2 schema and merged the
 * path parameters in before a handler runs. A handler returns the `data` of the envelope or
 * throws a {@link SimError}; it never writes HTTP itself.
 */

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

/** Who is calling, as PVE's RPC environment sees it. */
export interface SimAuth {
  /** `user@realm` of the caller (for a token: the owning user). */
  readonly userid: string;
  /** Token name when authenticated with an API token (`user@realm!tokenid` is `${userid}!${tokenid}`). */
  readonly tokenid?: string;
  /** How the caller authenticated. */
  readonly via: "ticket" | "token" | "none";
}

/** A validated request, handed to a model's handler. */
export interface SimRequest {
  readonly method: HttpMethod;
  /** The schema template that matched, e.g. `/access/users/{userid}`. */
  readonly template: string;
  /** The concrete relative path, e.g. `/access/users/alice@pve`. */
  readonly path: string;
  /**
   * Validated parameters with path parameters merged in. Values are as PVE's validator
   * leaves them: booleans as 0/1 numbers, integers and numbers as numbers, `-list` formats
   * as the joined string, everything else as strings.
   */
  readonly params: Readonly<Record<string, unknown>>;
  readonly auth: SimAuth;
}

/** The services the core offers to models. */
export interface SimContext {
  /** Cluster node names, `pve1..pveN`. */
  readonly nodes: readonly string[];
  /**
   * The cluster's `pve-root-ca.pem`: made fresh at each start, one per simulated cluster as on PVE
   * (pve-cluster's `gen_pveca_cert`). Absent in unit-test contexts, which use a fixture.
   */
  readonly rootCa?: string;
  /** The simulator's controllable clock, in milliseconds since the epoch. */
  now(): number;
  /**
   * Starts a worker task on `node` and returns its UPID at once, like `fork_worker`.
   * `work` runs after the configured task duration and may log; throwing fails the task
   * with `TASK ERROR: <message>`; returning `{ warnings: n }` ends it `WARNINGS: n`.
   */
  startTask(options: {
    node: string;
    type: string;
    id?: string;
    auth: SimAuth;
    work: (log: (line: string) => void) => Promise<void | { warnings?: number }> | void | { warnings?: number };
    /** Override the configured duration for this task, in ms. */
    durationMs?: number;
  }): string;
  /**
   * Runs `fn` holding the named lock (e.g. `file-user_cfg`, `domain-sdn`, `lock-100.conf`).
   * A lock that stays busy past its timeout throws PVE's own timeout message. `options` give
   * the caller's own timeout and take a flock shared, as `lock_file_full` can.
   */
  withLock<T>(lockId: string, fn: () => Promise<T> | T, options?: { readonly timeoutMs?: number; readonly shared?: boolean }): Promise<T>;
  /** A task's exit status once it stopped (`OK`, `WARNINGS: n`, the error); undefined while it runs. */
  taskExitStatus(upid: string): string | undefined;
  /** How long a task of this node, type and id runs when its model sets no duration (ms). */
  taskDurationMs(task: { readonly node: string; readonly type: string; readonly id: string }): number;
  /**
   * Throws 403 `Permission check failed (path, priv)` unless the caller has `priv` on `path`
   * (ACLs with propagation, groups, roles, token privilege separation, root@pam shortcut).
   */
  checkPermission(auth: SimAuth, path: string, priv: string): void;
}

/** A request handler: returns the envelope's `data`, or throws a {@link SimError}. */
export type SimHandler = (req: SimRequest, ctx: SimContext) => unknown;

/** A model contributes handlers for schema templates. */
export interface SimModel {
  readonly name: string;
  /** Registers this model's handlers; `register` throws if the template/method is not in the schema. */
  install(register: (method: HttpMethod, template: string, handler: SimHandler) => void, ctx: SimContext): void;
}

/** An API error with PVE's status, message (first line becomes the reason phrase) and per-field errors. */
export class SimError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Readonly<Record<string, string>>,
  ) {
    super(message);
    this.name = "SimError";
  }
}

/**
 * Optional handler result that adds the envelope's extras (`total` for task lists and logs,
 * `changes` for network diffs); PVE emits them only when truthy. A plain return value is `data`.
 */
export class SimResult {
  constructor(
    readonly data: unknown,
    readonly extras: { readonly total?: number; readonly changes?: string } = {},
  ) {}
}

/**
 * Optional handler result for a file download (`{download => {...}}` of endpoints marked
 * `download_allowed`, e.g. a task log with `download=1`): sent as the file, without an envelope.
 */
export class SimDownload {
  constructor(
    readonly content: string,
    readonly contentType: string,
    readonly options: { readonly disposition?: string; readonly gzip?: boolean } = {},
  ) {}
}
