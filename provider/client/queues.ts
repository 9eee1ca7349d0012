/**
 * Concurrency that PVE survives: a global cap, per-node read and write caps (3 pvedaemon workers
 * per node), and a keyed lock for writes to the same guest or cluster file. All are p-queues.
 * Order of acquisition is always lock → node → global, so no request waits for a lock while
 * holding a slot that the lock holder needs.
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
  read: PQueue;
  write: PQueue;
}

/** Runs requests under the global, per-node and keyed limits. */
export class Scheduler {
  readonly #limits: SchedulerLimits;
  readonly #global: PQueue;
  readonly #nodes = new Map<string, NodeQueues>();
  readonly #locks = new Map<string, PQueue>();
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
        read: new PQueue({ concurrency: this.#limits.nodeReadConcurrency }),
        write: new PQueue({ concurrency: this.#limits.nodeWriteConcurrency }),
      };
      this.#nodes.set(node, queues);
    }
    return queues;
  }

  /** Runs `fn` while holding `key`; re-entrant within one async call chain. */
  async withLock<T>(key: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const held = this.#held.getStore() ?? new Set<string>();
    if (held.has(key)) return fn();
    let queue = this.#locks.get(key);
    if (!queue) {
      queue = new PQueue({ concurrency: 1 });
      this.#locks.set(key, queue);
    }
    const lock = queue;
    try {
      return await lock.add(() => this.#held.run(new Set([...held, key]), fn), signal ? { signal } : {});
    } finally {
      // Forget idle locks so a long-lived client does not collect one queue per guest ever seen.
      if (lock.size === 0 && lock.pending === 0 && this.#locks.get(key) === lock) this.#locks.delete(key);
    }
  }

  /** Runs one request: under `lockKey` (if any), then a node read/write slot, then a global slot. */
  run<T>(node: string, write: boolean, lockKey: string | null, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const options = signal ? { signal } : {};
    const queues = this.#node(node);
    const slot = (): Promise<T> =>
      (write ? queues.write : queues.read).add(() => this.#global.add(fn, options), options);
    return lockKey === null ? slot() : this.withLock(lockKey, slot, signal);
  }

  /** Requests waiting or running, for diagnostics. */
  stats(): { global: { pending: number; queued: number }; locks: number } {
    return { global: { pending: this.#global.pending, queued: this.#global.size }, locks: this.#locks.size };
  }
}
