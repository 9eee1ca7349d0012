/**
 * Per-node worker capacity: pveproxy runs 3 workers for ordinary methods and pvedaemon 3
 * for `protected` ones; a request waits (like in the accept backlog) until a worker is free.
 */

/** A counting semaphore with a FIFO queue; it adds up how long its slots were held. */
class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** Sum of hold times in ms (the server-side work the benchmarks compare against). */
  busyMs = 0;
  acquired = 0;

  constructor(readonly size: number) {}

  async acquire(): Promise<() => void> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    const since = performance.now();
    this.acquired++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.busyMs += performance.now() - since;
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    };
  }
}

/** The worker pools of every node. */
export class WorkerPools {
  private readonly pools = new Map<string, Semaphore>();

  constructor(private readonly perNode: number) {}

  /** Waits for a worker of `node` (daemon for protected methods) and returns its release function. */
  acquire(node: string, protectedMethod: boolean): Promise<() => void> {
    const key = `${node}/${protectedMethod ? "pvedaemon" : "pveproxy"}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new Semaphore(this.perNode);
      this.pools.set(key, pool);
    }
    return pool.acquire();
  }

  /** How long each pool's workers were busy so far (only pools that served a request). */
  usage(): WorkerUsage[] {
    return [...this.pools].map(([pool, s]) => ({ pool, workers: s.size, requests: s.acquired, busyMs: s.busyMs }));
  }
}

/** The accumulated work of one node's daemon pool. */
export interface WorkerUsage {
  /** `<node>/pveproxy` or `<node>/pvedaemon`. */
  pool: string;
  workers: number;
  requests: number;
  busyMs: number;
}
