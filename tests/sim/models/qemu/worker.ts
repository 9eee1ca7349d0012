/**
 * Worker tasks of qemu-server and its config flock. `fork_worker` returns the UPID at once; the
 * worker's configured duration (the simulator's task duration for its type) is spent inside the
 * locks the worker holds, because that is where PVE's workers spend it (a clone copies disks
 * while holding the source's and the target's flocks). `lock_config_full($vmid, $timeout)` is
 * the node's flock `/var/lock/qemu-server/lock-<vmid>.conf`, 10 s unless the caller says
 * otherwise; `lock_config_shared` takes it shared.
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
  const lines = Object.entries(err.errors ?? {}).map(([key, msg]) => `${key}: ${msg}\n`).join("");
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

/** Lock timeouts qemu-server passes (seconds in PVE). */
export interface FlockOptions {
  readonly timeoutMs?: number;
  readonly shared?: boolean;
}

/** `lock_config_full` / `lock_config_shared` on `node`. */
export function lockConfig<T>(ctx: SimContext, node: string, vmid: number, fn: () => Promise<T> | T, options: FlockOptions = {}): Promise<T> {
  return ctx.withLock(`${node}:/var/lock/qemu-server/lock-${vmid}.conf`, fn, options);
}

/** `guest_migration_lock($vmid, 10, ...)`. */
export function migrationLock<T>(ctx: SimContext, node: string, vmid: number, fn: () => Promise<T> | T): Promise<T> {
  return ctx.withLock(`${node}:/var/lock/pve-manager/pve-migrate-${vmid}`, fn);
}
