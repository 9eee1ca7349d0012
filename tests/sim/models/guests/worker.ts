/**
 * Worker tasks of the guest handlers (pve-common `RESTEnvironment::fork_worker`; qemu-server and
 * pve-container fork them alike). `fork_worker` returns the UPID at once; the worker's configured
 * duration (the simulator's task duration for its type) is spent inside the locks the worker
 * holds, because that is where PVE's workers spend it (a clone copies disks while holding the
 * source's and the target's flocks). Also pve-guest-common's `guest_migration_lock` and the wait
 * of calls that take a `background_delay`/`delay`.
 */
import { sleep } from "../../core/clock";
import type { SimAuth, SimContext } from "../../types";
import { SimError } from "../../types";

/**
 * What a worker's `die` leaves as its exit status: `PVE::Exception::stringify` puts the code in
 * front of raised exceptions (`400 Parameter verification failed.`, `403 Permission check
 * failed ...`) and appends each `errors` entry as `key: message` lines; a plain `die` is its text.
 */
export function workerError(err: unknown): Error {
  if (!(err instanceof SimError) || (err.status === 500 && !err.errors)) return err instanceof Error ? err : new Error(String(err));
  const head = err.message.endsWith("\n") ? err.message : `${err.message}\n`;
  const lines = Object.entries(err.errors ?? {})
    .map(([key, msg]) => `${key}: ${msg}\n`)
    .join("");
  return new Error(`${err.status === 500 ? "" : `${err.status} `}${head}${lines}`);
}

/** A running worker: log, count warnings (`log_warn`), spend parts of its duration. */
export interface Worker {
  readonly node: string;
  /** The configured duration of this task, in ms. */
  readonly durationMs: number;
  log(line: string): void;
  /** `log_warn`: prints `WARN: msg` and makes the task end `WARNINGS: n`. */
  warn(message: string): void;
  /** Spends `share` (0..1) of the task's duration. */
  spend(share: number): Promise<void>;
}

/** `fork_worker`: starts the task and returns its UPID. */
export function forkWorker(
  ctx: SimContext,
  auth: SimAuth,
  task: { readonly node: string; readonly type: string; readonly id: string },
  body: (worker: Worker) => Promise<void> | void,
): string {
  const durationMs = ctx.taskDurationMs(task);
  return ctx.startTask({
    ...task,
    auth,
    durationMs: 0,
    work: async (log) => {
      let warnings = 0;
      const worker: Worker = {
        node: task.node,
        durationMs,
        log,
        warn: (message) => {
          warnings++;
          log(`WARN: ${message.replace(/\n$/, "")}`);
        },
        spend: async (share) => {
          const ms = Math.round(durationMs * share);
          if (ms > 0) await sleep(ms);
        },
      };
      try {
        await body(worker);
      } catch (err) {
        throw workerError(err);
      }
      return { warnings };
    },
  });
}

/**
 * A worker the HA resource agent runs as root@pam on the guest's node (`exec_resource_agent`
 * forks `qmstart`, `vzshutdown`, ...): resolves when its body has finished, rejects with its
 * error; nothing to do when the guest is on no node.
 */
export function runAgentWorker(
  ctx: SimContext,
  node: string | undefined,
  type: string,
  vmid: number,
  body: (worker: Worker) => Promise<void> | void,
): Promise<void> {
  if (!node) return Promise.resolve();
  return new Promise((resolve, reject) => {
    forkWorker(ctx, { userid: "root@pam", via: "ticket" }, { node, type, id: String(vmid) }, async (worker) => {
      try {
        await body(worker);
        resolve();
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
        throw err;
      }
    });
  });
}

/** How a config flock is taken: the caller's timeout (seconds in PVE) and shared or not. */
export interface FlockOptions {
  readonly timeoutMs?: number;
  readonly shared?: boolean;
}

/** `guest_migration_lock($vmid, 10, ...)`. */
export function migrationLock<T>(ctx: SimContext, node: string, vmid: number, fn: () => Promise<T> | T): Promise<T> {
  return ctx.withLock(`${node}:/var/lock/pve-manager/pve-migrate-${vmid}`, fn);
}

/**
 * Waits up to `ms` for a task to stop (what `background_delay` and content `delay` do); the
 * exit status, or undefined while it still runs.
 */
export async function waitForTask(ctx: SimContext, upid: string, ms: number): Promise<string | undefined> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const status = ctx.taskExitStatus(upid);
    if (status !== undefined) return status;
    await sleep(Math.min(50, Math.max(1, end - Date.now())));
  }
  return ctx.taskExitStatus(upid);
}

/** Whether an exit status counts as success (`upid_status_is_error` is false). */
export function taskSucceeded(status: string): boolean {
  return status === "OK" || /^WARNINGS: \d+$/.test(status);
}
