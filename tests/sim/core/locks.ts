/**
 * Named locks with PVE's timeout messages: cluster-filesystem locks (pve-cluster
 * `PVE/Cluster.pm::$cfs_lock`, ids like `file-user_cfg`, `domain-sdn`), guest flocks
 * (`lock-100.conf`, `pve-config-100.lock`) and a node's own lock files (`pve1:/var/lock/x.lck`,
 * pve-common `PVE/Tools.pm::lock_file_full`).
 */
import { SimError } from "../types";
import { spendServiceTime, takeFault } from "./request-scope";

/** Lock acquisition timeouts in ms (PVE: 10 s for both). */
export interface LockTimeouts {
  cfsMs: number;
  flockMs: number;
}

const CFS_PREFIXES = ["file-", "domain-", "storage-", "acme-", "firewall-", "authkey"];

function isCfsLock(lockId: string): boolean {
  return CFS_PREFIXES.some((p) => lockId.startsWith(p));
}

/** The file PVE's flock error names for a lock id (`node:/path` is a node's own lock file). */
function flockPath(lockId: string): string {
  const local = /^[^/:]+:(\/.*)$/.exec(lockId)?.[1];
  if (local) return local;
  if (lockId.startsWith("/")) return lockId;
  if (lockId.startsWith("pve-config-")) return `/run/lock/lxc/${lockId}`;
  return `/var/lock/qemu-server/${lockId}`;
}

/** PVE's timeout message for `lockId`. */
export function lockTimeoutMessage(lockId: string): string {
  return isCfsLock(lockId) ? `cfs-lock '${lockId}' error: got lock request timeout` : `can't lock file '${flockPath(lockId)}' - got timeout`;
}

/** How long one lock was held in all: writes under one lock run one at a time on PVE too. */
export interface LockUsage {
  lockId: string;
  acquired: number;
  heldMs: number;
}

/** FIFO mutexes keyed by lock id. */
export class LockManager {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly held = new Map<string, LockUsage>();

  constructor(private readonly timeouts: LockTimeouts) {}

  /** Runs `fn` holding `lockId`; throws PVE's 500 timeout message if the lock stays busy too long. */
  async withLock<T>(lockId: string, fn: () => Promise<T> | T): Promise<T> {
    const injected = takeFault(isCfsLock(lockId) ? "cfs-lock-timeout" : "lock-timeout");
    if (injected) throw new SimError(500, lockTimeoutMessage(lockId));
    const previous = this.tails.get(lockId) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(lockId, tail);
    const timeoutMs = isCfsLock(lockId) ? this.timeouts.cfsMs : this.timeouts.flockMs;
    let timer: NodeJS.Timeout | undefined;
    const acquired = await Promise.race([
      previous.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (!acquired) {
      // Give up our place: release as soon as our turn would have come.
      void previous.then(release);
      throw new SimError(500, lockTimeoutMessage(lockId));
    }
    const since = performance.now();
    try {
      await spendServiceTime(); // the handler's work happens under its lock
      return await fn();
    } finally {
      const usage = this.held.get(lockId) ?? { lockId, acquired: 0, heldMs: 0 };
      usage.acquired++;
      usage.heldMs += performance.now() - since;
      this.held.set(lockId, usage);
      release();
      if (this.tails.get(lockId) === tail) this.tails.delete(lockId);
    }
  }

  /** How long each lock was held so far (the server's own serialization, for benchmarks). */
  usage(): LockUsage[] {
    return [...this.held.values()].map((u) => ({ ...u }));
  }
}
