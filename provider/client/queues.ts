/**
 * Concurrency that PVE survives: a global cap, per-node caps for the calls pveproxy serves and for
 * those pvedaemon serves (3 workers per node: writes and protected reads), and a keyed lock for
 * writes to the same guest or cluster file. The caps are
 * p-queues; the keyed lock is a FIFO mutex per key (below). Order of acquisition is always
 * lock → node → global, so no request waits for a lock while holding a slot that the lock holder
 * needs.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import PQueue from "p-queue";

/** Limits of one {@link Scheduler}. */
export interface SchedulerLimits {
  maxConcurrency: number;
  nodeReadConcurrency: number;
  nodeWriteConcurrency: number;
}

interface NodeQueues {
  /** Calls pveproxy serves itself. */
  proxy: PQueue;
  /** Calls pvedaemon serves: writes and protected reads. */
  daemon: PQueue;
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  return Object.assign(new Error(typeof reason === "string" ? reason : "This operation was aborted"), { name: "AbortError" });
}

/**
 * FIFO mutexes by key. Holders of one key never overlap. An uncontended acquire is synchronous
 * (no promise, no queue hop); a contended one waits in arrival order, and a released key is
 * handed straight to the next waiter. A key without holder or waiters is forgotten, so a
 * long-lived client does not collect one entry per guest ever seen.
 */
class KeyedMutex {
  // key → waiters of the current holder (present while the key is held).
  readonly #held = new Map<string, (() => void)[]>();

  /** Takes `key` now if it is free (true), or returns false. */
  tryAcquire(key: string): boolean {
    if (this.#held.has(key)) return false;
    this.#held.set(key, []);
    return true;
  }

  /** Waits for `key`; rejects with the signal's reason if aborted while waiting. */
  acquire(key: string, signal?: AbortSignal): Promise<void> {
    if (this.tryAcquire(key)) return Promise.resolve();
    const waiters = this.#held.get(key) ?? [];
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      const onAbort = (): void => {
        const i = waiters.indexOf(grant);
        if (i >= 0) waiters.splice(i, 1);
        reject(abortError(signal as AbortSignal));
      };
      function grant(): void {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      waiters.push(grant);
    });
  }

  /** Releases `key`: the next waiter (if any) holds it from now on. */
  release(key: string): void {
    const waiters = this.#held.get(key);
    const next = waiters?.shift();
    if (next) next();
    else this.#held.delete(key);
  }

  get size(): number {
    return this.#held.size;
  }
}

/** Runs requests under the global, per-node and keyed limits. */
export class Scheduler {
  readonly #limits: SchedulerLimits;
  readonly #global: PQueue;
  readonly #nodes = new Map<string, NodeQueues>();
  readonly #locks = new KeyedMutex();
  // Keys held by the current async call chain, so withLock() around a request that takes the
  // same key does not deadlock on itself.
  readonly #held = new AsyncLocalStorage<ReadonlySet<string>>();

  constructor(limits: SchedulerLimits) {
    this.#limits = limits;
    this.#global = new PQueue({ concurrency: limits.maxConcurrency });
  }

  #node(node: string): NodeQueues {
    let queues = this.#nodes.get(node);
    if (!queues) {
      queues = {
        proxy: new PQueue({ concurrency: this.#limits.nodeReadConcurrency }),
        daemon: new PQueue({ concurrency: this.#limits.nodeWriteConcurrency }),
      };
      this.#nodes.set(node, queues);
    }
    return queues;
  }

  /** Runs `fn` while holding `key`; re-entrant within one async call chain. */
  async withLock<T>(key: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const held = this.#held.getStore() ?? new Set<string>();
    if (held.has(key)) return fn();
    await this.#locks.acquire(key, signal);
    try {
      return await this.#held.run(new Set([...held, key]), fn);
    } finally {
      this.#locks.release(key);
    }
  }

  /** Runs one request: under `lockKey` (if any), then a node proxy/daemon slot, then a global slot. */
  run<T>(node: string, daemon: boolean, lockKey: string | null, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const options = signal ? { signal } : {};
    const queues = this.#node(node);
    const slot = (): Promise<T> => (daemon ? queues.daemon : queues.proxy).add(() => this.#global.add(fn, options), options);
    if (lockKey === null || this.#held.getStore()?.has(lockKey)) return slot();
    // A single request issues no nested requests (a login bypasses the scheduler), so it needs
    // no async-context entry for its key: the mutex alone keeps same-key writes apart.
    const locked = async (): Promise<T> => {
      try {
        return await slot();
      } finally {
        this.#locks.release(lockKey);
      }
    };
    if (this.#locks.tryAcquire(lockKey)) return locked();
    return this.#locks.acquire(lockKey, signal).then(locked);
  }

  /** Requests waiting or running, for diagnostics. */
  stats(): { global: { pending: number; queued: number }; locks: number } {
    return { global: { pending: this.#global.pending, queued: this.#global.size }, locks: this.#locks.size };
  }
}
