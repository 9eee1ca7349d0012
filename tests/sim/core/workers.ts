/**
 * Per-node worker capacity: pveproxy runs 3 workers for ordinary methods and pvedaemon 3
 * for `protected` ones; a request waits (like in the accept backlog) until a worker is free.
 */

/** A counting semaphore with a FIFO queue. */
class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async acquire(): Promise<() => void> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
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
}
