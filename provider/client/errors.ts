/**
 * The one error type the client throws. Callers branch on `kind`, never on message text.
 */

/**
 * What went wrong, as far as a caller needs to know:
 * - `validation`: PVE rejected the parameters (HTTP 400, see `errors`), or the method/path does not exist (501);
 * - `auth`: the credentials were refused (401);
 * - `permission`: the credentials lack a privilege (403);
 * - `not-found`: the object does not exist (PVE reports this as HTTP 500 with a message);
 * - `locked`: a guest or cluster file lock could not be taken in time; nothing was changed;
 * - `conflict`: the object changed in between (digest mismatch) or already exists;
 * - `unreachable`: connection, DNS or TLS failure, or PVE's proxy codes 595/596;
 * - `timeout`: the client gave up waiting (request, task, or an abort);
 * - `task-failed`: a worker task ended with an error exit status;
 * - `server`: anything else the server reported.
 */
export type PveErrorKind = "validation" | "auth" | "permission" | "not-found" | "locked" | "conflict" | "unreachable" | "timeout" | "task-failed" | "server";

// Every kind (the type makes the list complete), to tell one from any other string.
const KINDS: Readonly<Record<PveErrorKind, true>> = {
  validation: true,
  auth: true,
  permission: true,
  "not-found": true,
  locked: true,
  conflict: true,
  unreachable: true,
  timeout: true,
  "task-failed": true,
  server: true,
};

/** The HTTP methods PVE knows. */
export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

/** The facts a {@link PveApiError} carries; all strings in it are already redacted. */
export interface PveApiErrorInit {
  kind: PveErrorKind;
  message: string;
  status?: number;
  method?: HttpMethod;
  path?: string;
  errors?: Record<string, string>;
  pveMessage?: string;
  upid?: string;
  taskLog?: string[];
  retryable?: boolean;
  retried?: boolean;
  cause?: Error;
}

/**
 * A failed Proxmox VE API call or task.
 *
 * The message reads `<METHOD> <path>: <PVE message>` followed by PVE's per-field errors, so a
 * person can act on it. No secret (token, password, ticket, CSRF token) is ever part of it.
 */
export class PveApiError extends Error {
  /** The class of failure; see {@link PveErrorKind}. */
  readonly kind: PveErrorKind;
  /** The HTTP status (including PVE's proxy codes 595/596), when there was a response. */
  readonly status?: number;
  /** The HTTP method of the failed request. */
  readonly method?: HttpMethod;
  /** The API path (relative to `/api2/json`) of the failed request. */
  readonly path?: string;
  /** PVE's per-parameter errors (HTTP 400 "Parameter verification failed."). */
  readonly errors?: Record<string, string>;
  /** PVE's own message, from the JSON `message` field (PVE ≥ 8.3) or the HTTP reason phrase. */
  readonly pveMessage?: string;
  /** The task's UPID, for task failures and task timeouts. */
  readonly upid?: string;
  /** The last lines of the task log, for task failures. */
  readonly taskLog?: string[];
  /** Whether repeating the same call later could succeed (nothing permanent was wrong with it). */
  readonly retryable: boolean;
  /**
   * The call was sent more than once (a retry after a failed attempt): a write may have taken
   * effect on an earlier attempt although this one failed (a delete's retry then finds nothing).
   */
  readonly retried: boolean;

  constructor(init: PveApiErrorInit) {
    super(init.message, init.cause ? { cause: init.cause } : undefined);
    this.name = "PveApiError";
    this.kind = init.kind;
    // Only set what is known, so JSON and inspect output stay short.
    if (init.status !== undefined) this.status = init.status;
    if (init.method !== undefined) this.method = init.method;
    if (init.path !== undefined) this.path = init.path;
    if (init.errors !== undefined) this.errors = init.errors;
    if (init.pveMessage !== undefined) this.pveMessage = init.pveMessage;
    if (init.upid !== undefined) this.upid = init.upid;
    if (init.taskLog !== undefined) this.taskLog = init.taskLog;
    this.retryable = init.retryable ?? false;
    this.retried = init.retried ?? false;
  }

  /** A plain, secret-free object for logs and `JSON.stringify`. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      kind: this.kind,
      status: this.status,
      method: this.method,
      path: this.path,
      errors: this.errors,
      pveMessage: this.pveMessage,
      upid: this.upid,
      taskLog: this.taskLog,
      retryable: this.retryable,
    };
  }
}

/** True when `value` is a {@link PveApiError}, optionally of one of the given kinds. */
export function isPveApiError(value: unknown, ...kinds: PveErrorKind[]): value is PveApiError {
  return value instanceof PveApiError && (kinds.length === 0 || kinds.includes(value.kind));
}

/**
 * The kind of any error, as the client classified it (`classify.ts` decides, once, when the
 * error is made): a {@link PveApiError}'s `kind`, or the {@link PveErrorKind} in the `kind` of
 * any other error that carries one (a wrapper's or a test double's, or a copy from another
 * instance of this module); undefined for anything else, which is no PVE error.
 */
export function errorKindOf(error: unknown): PveErrorKind | undefined {
  if (error instanceof PveApiError) return error.kind;
  if (typeof error !== "object" || error === null || !("kind" in error)) return undefined;
  const kind = (error as { kind: unknown }).kind;
  return typeof kind === "string" && Object.hasOwn(KINDS, kind) ? (kind as PveErrorKind) : undefined;
}

/** True when PVE (as the client classified it) says the addressed object does not exist. */
export function isNotFound(error: unknown): boolean {
  return errorKindOf(error) === "not-found";
}

/** Whether the client sent the failed call more than once (see {@link PveApiError.retried}). */
export function wasRetried(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { retried?: unknown }).retried === true;
}
