/**
 * Named locks with PVE's timeout messages: cluster-filesystem locks (pve-cluster
 * `PVE/Cluster.pm::$cfs_lock`, ids like `file-user_cfg`, `domain-sdn`), guest flocks
 * (`lock-100.conf`, `pve-config-100.lock`) and a node's own lock files (`pve1:/var/lock/x.lck`,
 * pve-common `PVE/Tools.pm::lock_file_full`). Flocks can be taken shared, as `lock_file_full($file,
 * $timeout, $shared)` does (`LOCK_SH`): shared holders run together and an exclusive request
 * waits for all of them.
 */
import { SimError } from "../types";
import { spendServiceTime, takeFault } from "./request-scope";

/** Lock acquisition timeouts in ms (PVE: 10 s for both). */
export interface LockTimeouts {
  cfsMs: number;
  flockMs: number;
}

/** How one acquisition waits. */
export interface LockOptions {
  /** The caller's own timeout (PVE passes 1 s for clones, 5 s for create); default: the lock kind's. */
  readonly timeoutMs?: number;
  /** A shared (`LOCK_SH`) flock: compatible with other shared holders. */
  readonly shared?: boolean;
}

const CFS_PREFIXES = ["file-", "domain-", "storage-", "acme-", "firewall-", "authkey"];

function isCfsLock(lockId: string): boolean {
  return CFS_PREFIXES.some((p) => lockId.startsWith(p));
}

/**
 * The file PVE's flock error names for a lock id. A flock is node-local: `<node>:<path>` names
 * the file on one node (two nodes' `lock-100.conf` are different files).
 */
function flockPath(lockId: string): string {
  const onNode = /^[a-zA-Z0-9-]+:(\/.*)$/.exec(lockId);
  if (onNode?.[1]) return onNode[1];
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
  /** Time during which anyone held the lock (overlapping shared holds count once). */
  heldMs: number;
}

interface Waiter {
  readonly shared: boolean;
  readonly grant: () => void;
}

/** The holders and the queue of one lock id. */
interface LockState {
  holders: number;
  sharedHold: boolean;
  readonly queue: Waiter[];
  /** `performance.now()` when the lock went from free to held. */
  heldSince: number;
}

/** Mutexes (FIFO for exclusive requests) and shared flocks keyed by lock id. */
export class LockManager {
  private readonly states = new Map<string, LockState>();
  private readonly held = new Map<string, LockUsage>();

  constructor(private readonly timeouts: LockTimeouts) {}

  /** Runs `fn` holding `lockId`; throws PVE's 500 timeout message if the lock stays busy too long. */
  async withLock<T>(lockId: string, fn: () => Promise<T> | T, options: LockOptions = {}): Promise<T> {
    const injected = takeFault(isCfsLock(lockId) ? "cfs-lock-timeout" : "lock-timeout");
    if (injected) throw new SimError(500, lockTimeoutMessage(lockId));
    const shared = Boolean(options.shared) && !isCfsLock(lockId);
    const timeoutMs = options.timeoutMs ?? (isCfsLock(lockId) ? this.timeouts.cfsMs : this.timeouts.flockMs);
    const state = this.stateOf(lockId);
    if (!this.tryGrant(lockId, state, shared)) {
      const acquired = await new Promise<boolean>((resolve) => {
        const waiter: Waiter = {
          shared,
          grant: () => {
            clearTimeout(timer);
            resolve(true);
          },
        };
        const timer = setTimeout(() => {
          state.queue.splice(state.queue.indexOf(waiter), 1);
          resolve(false);
          this.wake(lockId, state);
        }, timeoutMs);
        state.queue.push(waiter);
      });
      if (!acquired) throw new SimError(500, lockTimeoutMessage(lockId));
    }
    try {
      await spendServiceTime(); // the handler's work happens under its lock
      return await fn();
    } finally {
      this.release(lockId, state);
    }
  }

  /** How long each lock was held so far (the server's own serialization, for benchmarks). */
  usage(): LockUsage[] {
    return [...this.held.values()].map((u) => ({ ...u }));
  }

  private stateOf(lockId: string): LockState {
    let state = this.states.get(lockId);
    if (!state) {
      state = { holders: 0, sharedHold: false, queue: [], heldSince: 0 };
      this.states.set(lockId, state);
    }
    return state;
  }

  /** Takes the lock at once when free, or joins shared holders (flock grants LOCK_SH beside LOCK_SH). */
  private tryGrant(lockId: string, state: LockState, shared: boolean): boolean {
    const free = state.holders === 0 && state.queue.length === 0;
    const joinShared = shared && state.holders > 0 && state.sharedHold;
    if (!free && !joinShared) return false;
    this.hold(lockId, state, shared);
    return true;
  }

  private hold(lockId: string, state: LockState, shared: boolean): void {
    if (state.holders === 0) state.heldSince = performance.now();
    state.holders++;
    state.sharedHold = shared;
    const usage = this.held.get(lockId) ?? { lockId, acquired: 0, heldMs: 0 };
    usage.acquired++;
    this.held.set(lockId, usage);
  }

  private release(lockId: string, state: LockState): void {
    state.holders--;
    if (state.holders === 0) {
      const usage = this.held.get(lockId);
      if (usage) usage.heldMs += performance.now() - state.heldSince;
    }
    this.wake(lockId, state);
  }

  /** Grants the head of the queue: one exclusive waiter, or every shared waiter in a row. */
  private wake(lockId: string, state: LockState): void {
    while (state.queue.length > 0) {
      const head = state.queue[0] as Waiter;
      const fits = state.holders === 0 || (head.shared && state.sharedHold);
      if (!fits) break;
      state.queue.shift();
      this.hold(lockId, state, head.shared);
      head.grant();
      if (!head.shared) break;
    }
    if (state.holders === 0 && state.queue.length === 0) this.states.delete(lockId);
  }
}
