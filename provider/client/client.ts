/**
 * ProxmoxClient: the one REST client for Proxmox VE. It composes the pieces of this folder:
 * options → TLS agent → transport (got) → scheduler (p-queue) → auth → tasks/capabilities.
 */
import { inspect } from "node:util";
import type { Caller } from "../../schema/props";
import { TicketAuth, TokenAuth, type Authenticator } from "./auth";
import { parseVersion, probeParams, probeResult, type PveVersion } from "./capabilities";
import { encodePath, type PveParams } from "./encode";
import { PveApiError, type HttpMethod } from "./errors";
import { toPveError, Transport } from "./http";
import { lockKeyFor, nodeOf, runsInDaemon } from "./lock-keys";
import { normalizeOptions, type NormalizedOptions, type ProxmoxClientOptions } from "./options";
import { Scheduler } from "./queues";
import { createRedactor, withExtraSecrets, type Redactor } from "./redact";
import { waitForTask, type TaskResult, type WaitForTaskOptions } from "./tasks";
import { PveAgent } from "./tls";

/** Per-request options. */
export interface RequestOptions {
  /**
   * The keyed lock this write takes. Default: derived from the path (same guest, same cluster
   * config file). `null` takes no lock. GETs never lock.
   */
  lockKey?: string | null;
  /** Declares a POST safe to repeat when its fate is unknown (596, connection reset). */
  idempotent?: boolean;
  /** Aborts the request (also while it waits in a queue). */
  signal?: AbortSignal;
  /**
   * Values this request's errors and log lines must not show, besides the client's credentials
   * and the parameters whose names say they are secret: removed in every form a server may echo
   * them in (encoded, base64, lines, sub-keys, ...).
   */
  secrets?: readonly string[];
}

const METHODS: readonly HttpMethod[] = ["GET", "POST", "PUT", "DELETE"];

/**
 * A Proxmox VE API client: auth (token or ticket + CSRF + TOTP), verified TLS, safe retries,
 * per-node concurrency limits, keyed locks, typed errors, task waiting and capability checks.
 *
 * @example
 * const pve = new ProxmoxClient({ endpoint: "https://pve1:8006", apiToken: "ci@pve!deploy=…" });
 * const upid = await pve.post<string>("/nodes/pve1/qemu/100/status/start");
 * await pve.waitForTask(upid, { onLog: console.log });
 */
export class ProxmoxClient {
  readonly #options: NormalizedOptions;
  readonly #agent: PveAgent;
  readonly #transport: Transport;
  readonly #scheduler: Scheduler;
  readonly #auth: Authenticator;
  readonly #redact: Redactor;
  readonly #log: (line: string) => void;
  #version: Promise<PveVersion> | undefined;
  readonly #supports = new Map<string, Promise<boolean>>();
  // How long the last task of each type took: the next wait for that type polls around then.
  readonly #taskDurations = new Map<string, number>();

  /** @throws PveApiError (`validation`) naming the bad option. */
  constructor(options: ProxmoxClientOptions) {
    const normalized = normalizeOptions(options);
    this.#options = normalized;
    const creds = normalized.credentials;
    this.#auth =
      creds.type === "token"
        ? new TokenAuth(creds.tokenId, creds.secret)
        : // Login bypasses the queues: it runs while a request already holds a slot.
          new TicketAuth(creds, (params) => this.#send("POST", "/access/ticket", params, {}, { idempotent: true }), normalized.ticketRenewAfterMs);
    this.#redact = createRedactor(() => this.#auth.secrets());
    const logger = normalized.logger;
    this.#log = logger ? (line) => logger(this.#redact(line)) : () => undefined;
    this.#agent = new PveAgent({ ...normalized.tls, keepAliveIdleMs: normalized.keepAliveIdleMs });
    this.#transport = new Transport({
      baseUrl: normalized.baseUrl,
      agent: this.#agent,
      timeoutMs: normalized.timeoutMs,
      retries: normalized.retries,
      retryBaseDelayMs: normalized.retryBaseDelayMs,
      retryMaxDelayMs: normalized.retryMaxDelayMs,
      redact: this.#redact,
      log: this.#log,
      logging: logger !== undefined,
      maxResponseBytes: normalized.maxResponseBytes,
    });
    this.#scheduler = new Scheduler(normalized);
  }

  /** `GET path?params`; resolves to the response's `data`. */
  get<T = unknown>(path: string, params?: PveParams, options?: RequestOptions): Promise<T> {
    return this.request<T>("GET", path, params, options);
  }

  /** `POST path` with a form body; resolves to `data` (often a UPID: see {@link waitForTask}). */
  post<T = unknown>(path: string, params?: PveParams, options?: RequestOptions): Promise<T> {
    return this.request<T>("POST", path, params, options);
  }

  /** `PUT path` with a form body; resolves to `data`. */
  put<T = unknown>(path: string, params?: PveParams, options?: RequestOptions): Promise<T> {
    return this.request<T>("PUT", path, params, options);
  }

  /** `DELETE path?params` (parameters in the query: PVE refuses a DELETE body); resolves to `data`. */
  delete<T = unknown>(path: string, params?: PveParams, options?: RequestOptions): Promise<T> {
    return this.request<T>("DELETE", path, params, options);
  }

  /**
   * Sends one API request. `path` is relative to `/api2/json` with raw (unencoded) segments.
   * Writes are serialized per guest / cluster config file; every failure is a {@link PveApiError}.
   */
  async request<T = unknown>(method: HttpMethod, path: string, params?: PveParams, options: RequestOptions = {}): Promise<T> {
    if (!METHODS.includes(method)) {
      throw new PveApiError({ kind: "validation", message: `${String(method)} ${path}: PVE only knows GET, POST, PUT and DELETE` });
    }
    encodePath(path); // fail fast on a bad path, before queueing
    const lockKey = method === "GET" ? null : options.lockKey === undefined ? lockKeyFor(method, path, params) : options.lockKey;
    try {
      return await this.#scheduler.run(
        nodeOf(path),
        runsInDaemon(method, path),
        lockKey,
        () => this.#authenticated<T>(method, path, params, options),
        options.signal,
      );
    } catch (error) {
      throw toPveError(error, { method, path }, withExtraSecrets(this.#redact, options.secrets ?? []));
    }
  }

  /** Sends with credentials; after a 401, renews them once (ticket auth) and sends again. */
  async #authenticated<T>(method: HttpMethod, path: string, params: PveParams | undefined, options: RequestOptions): Promise<T> {
    const headers = await this.#auth.headers(method);
    try {
      return await this.#send<T>(method, path, params, headers, options);
    } catch (error) {
      if (!(error instanceof PveApiError && error.status === 401) || !(await this.#auth.refresh(headers))) throw error;
      this.#log(`${method} ${path}: 401, logged in again, sending once more`);
      return this.#send<T>(method, path, params, await this.#auth.headers(method), options);
    }
  }

  #send<T>(method: HttpMethod, path: string, params: PveParams | undefined, headers: Record<string, string>, options: RequestOptions): Promise<T> {
    return this.#transport.send<T>({
      method,
      path,
      encodedPath: encodePath(path),
      params,
      headers,
      idempotent: options.idempotent === true,
      signal: options.signal,
      secrets: options.secrets,
    });
  }

  /**
   * Waits for a worker task (UPID) to end, polling the node named in the UPID and passing new log
   * lines to `onLog`. Without an expected duration (`expectedMs`, or the last task of the same
   * type) the interval starts short and grows; with one, polls gather around the expected end.
   * Resolves on `OK` / `WARNINGS: n`.
   * @throws PveApiError `task-failed` (with `upid` and `taskLog`), or `timeout`.
   */
  waitForTask(upid: string, options?: WaitForTaskOptions): Promise<TaskResult> {
    return waitForTask(
      {
        get: (path, params, signal) => this.get(path, params, signal ? { signal } : {}),
        pollIntervalMs: this.#options.taskPollIntervalMs,
        maxPollIntervalMs: this.#options.taskPollMaxIntervalMs,
        durations: this.#taskDurations,
        redact: this.#redact,
        maxLogLines: this.#options.maxTaskLogLines,
      },
      upid,
      options,
    );
  }

  /** `GET /version` with major/minor parsed; cached per client (a failure is not cached). */
  version(): Promise<PveVersion> {
    // A failure (of the request or of parsing) is not cached: the next call asks again.
    this.#version ??= this.get("/version")
      .then(parseVersion)
      .catch((error: unknown) => {
        this.#version = undefined;
        throw error;
      });
    return this.#version;
  }

  /**
   * Whether the connected PVE implements `method path`, probed without changing anything: a GET
   * is sent as is; other methods carry an unknown parameter, which PVE's validation refuses
   * (400) before any handler code runs, while an unknown method/path is a 501. Cached.
   */
  supports(method: HttpMethod, path: string): Promise<boolean> {
    const key = `${method} ${path}`;
    let cached = this.#supports.get(key);
    if (!cached) {
      cached = this.request(method, path, probeParams(method), { lockKey: null }).then(
        () => probeResult({ ok: true }),
        (error: unknown) => probeResult({ ok: false, error }),
      );
      cached.catch(() => this.#supports.delete(key));
      this.#supports.set(key, cached);
    }
    return cached;
  }

  /**
   * Runs `fn` while holding the keyed lock `key` (e.g. `guest:100`, `file:user.cfg`), for a
   * read-modify-write that spans several requests. Requests inside `fn` that take the same key
   * do not wait for it again.
   */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.#scheduler.withLock(key, fn);
  }

  /** Who this client's requests are made as (never a secret). */
  caller(): Caller {
    return this.#auth.caller();
  }

  /** Closes idle keep-alive sockets. The client stays usable (new sockets are opened on demand). */
  close(): void {
    this.#agent.destroy();
  }

  /** Shows the endpoint and the kind of credentials, never their values. */
  [inspect.custom](): string {
    return `ProxmoxClient { endpoint: '${this.#options.baseUrl}', auth: '${this.#auth.describe()}' }`;
  }

  /** Same as the inspect output: no secrets in JSON either. */
  toJSON(): { endpoint: string; auth: string } {
    return { endpoint: this.#options.baseUrl, auth: this.#auth.describe() };
  }
}
