/**
 * Staged changes (SDN, node network): PVE keeps edits pending until one "apply" call (a task)
 * makes them the running config, and every apply reloads networking. The coordinator batches:
 * writes to the same target (e.g. `/cluster/sdn`, `/nodes/pve1/network`) join one open batch,
 * and once no write of the batch is in flight and a short quiet period has passed, it runs ONE
 * apply and every write it covers resolves with that task. A Pulumi provider host is one
 * process per deployment and runs resources in parallel, so a wave of resources shares an apply.
 *
 * Where PVE 9 has the SDN global lock, the batch's first write takes it, every write of the batch
 * carries its token, and the apply releases it: no other client can slip an edit between our
 * writes and our apply. A deployment never ends with the lock held or our edits pending:
 * - a batch whose every write was refused applies nothing and gives the lock back;
 * - an apply PVE refuses rolls our edits back (when every pending change is ours; PVE's rollback
 *   discards all of them) or else gives the lock back, and says which;
 * - an apply PVE accepted has committed and released before it answered; a failed reload task
 *   after that is a {@link StagedApplyError}, the objects exist;
 * - when the host is stopped (Pulumi's engine sends SIGINT to its plugins at the end of a
 *   deployment, on cancellation too, and kills them 5 s later), open batches are applied or
 *   released at once before the process goes.
 */
import type { CommitSpec } from "../../schema/spec";
import { type EngineApi, type WireParams, errorKind, taskWaitOptions, wasRetried } from "./api";
import { type Identity, fillPath } from "./identity";

/**
 * The apply that covers a staged write failed after PVE had accepted the write itself: the
 * object may exist (committed, or still pending), so a create must not forget it.
 */
export class StagedApplyError extends Error {
  override readonly name = "StagedApplyError";
  constructor(
    message: string,
    /** The apply's own failure. */
    override readonly cause: unknown,
  ) {
    super(message);
  }
}

/** Counts per target, for tests and for the bound on reloads. */
export interface CommitStats {
  commits: number;
  writes: number;
}

/** The lock a batch holds. */
interface Held {
  readonly token: string;
  /** Someone else's changes were pending when the batch took the lock (rolling back would discard them). */
  readonly foreignPending: boolean;
}

interface Batch {
  readonly target: string;
  readonly api: EngineApi;
  readonly spec: CommitSpec;
  readonly onLog: ((line: string) => void) | undefined;
  inFlight: number;
  writes: number;
  /** Writes PVE accepted, or whose answer was lost (they may have happened): what the apply is for. */
  staged: number;
  timer: NodeJS.Timeout | undefined;
  /** The lock (undefined without one), taken once by the batch's first write. */
  lock: Promise<Held | undefined> | undefined;
  /** Set once the batch is being applied or released; resolves when PVE has answered the apply (not its task). */
  settled: Promise<void> | undefined;
  /** Called when the last write in flight has ended (a shutdown waits for it). */
  idle: (() => void) | undefined;
  readonly applied: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

function errorStatus(error: unknown): number | undefined {
  if (typeof error === "object" && error !== null && "status" in error) {
    const status = (error as { status: unknown }).status;
    return typeof status === "number" ? status : undefined;
  }
  return undefined;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * A failed write whose answer was lost (connection reset, 596, client timeout) may have been staged
 * anyway; so may one whose client retried it (a delete's retry finds the object gone because the
 * first attempt staged its removal).
 */
function mayHaveHappened(error: unknown): boolean {
  const kind = errorKind(error);
  return kind === "unreachable" || kind === "timeout" || wasRetried(error);
}

/** How the host is stopped: Pulumi's engine interrupts its plugins; `kill` and service managers terminate. */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM"];

/** Options of a {@link CommitCoordinator}. */
export interface CommitOptions {
  /** How long a batch waits for more writes once none is in flight (default 400 ms). */
  quietMs?: number;
  /** Apply or release open batches when the process is told to stop (the provider host's own coordinator). */
  flushOnStop?: boolean;
}

/** One per provider process; see the module comment. */
export class CommitCoordinator {
  private readonly open = new Map<string, Batch>();
  private readonly settling = new Set<Batch>();
  private readonly counts = new Map<string, CommitStats>();
  private readonly quietMs: number;
  private readonly flushOnStop: boolean;
  private watching = false;

  /** @param options the quiet period (a number, for short) and shutdown behaviour. */
  constructor(options: CommitOptions | number = {}) {
    const opts = typeof options === "number" ? { quietMs: options } : options;
    this.quietMs = opts.quietMs ?? 400;
    this.flushOnStop = opts.flushOnStop ?? false;
  }

  /** Commits and writes so far, per target path. */
  stats(target: string): CommitStats {
    return { ...(this.counts.get(target) ?? { commits: 0, writes: 0 }) };
  }

  /**
   * Runs a staged write in the open batch of its target and resolves (with the write's result)
   * once an apply that covers it has ended. `write` receives the parameters the batch adds
   * (the lock token). A failed write rejects once its batch has settled (applied, or the lock given
   * back), so that its error never leaves our lock held; the others are applied.
   */
  async staged<T>(api: EngineApi, spec: CommitSpec, identity: Identity, write: (extra: WireParams) => Promise<T>, onLog?: (line: string) => void): Promise<T> {
    const target = fillPath(spec.call.path, identity);
    const batch = this.batchFor(target, api, spec, onLog);
    batch.inFlight += 1;
    batch.writes += 1;
    clearTimeout(batch.timer);
    let result!: T;
    let failure: { error: unknown } | undefined;
    try {
      batch.lock ??= this.takeLock(api, spec);
      const held = await batch.lock;
      try {
        result = await write(held && spec.lock ? { [spec.lock.tokenParam]: held.token } : {});
        batch.staged += 1;
      } catch (error) {
        // PVE may have staged it although the answer was lost: the batch applies it too.
        if (mayHaveHappened(error)) batch.staged += 1;
        throw error;
      }
    } catch (error) {
      // Reported once the batch has settled, so that no error leaves our lock held behind it.
      failure = { error };
    } finally {
      batch.inFlight -= 1;
      if (batch.inFlight === 0) {
        batch.timer = setTimeout(() => void this.settle(batch), this.quietMs);
        batch.idle?.();
      }
    }
    await batch.applied.catch((error: unknown) => {
      if (!failure) throw error;
    });
    if (failure) throw failure.error;
    return result;
  }

  /**
   * Applies (or, when nothing of theirs was staged, releases) every open batch now, without the
   * quiet period, once its writes in flight have ended. Resolves when PVE has answered each apply,
   * i.e. the changes are committed and the lock given back; reload tasks may still be running.
   */
  async flush(): Promise<void> {
    const open = [...this.open.values()].map(async (batch) => {
      clearTimeout(batch.timer);
      if (batch.inFlight > 0) await new Promise<void>((resolve) => (batch.idle = resolve));
      await this.settle(batch);
    });
    await Promise.all([...open, ...[...this.settling].map((batch) => batch.settled)]);
  }

  private batchFor(target: string, api: EngineApi, spec: CommitSpec, onLog: ((line: string) => void) | undefined): Batch {
    const existing = this.open.get(target);
    if (existing) return existing;
    let resolve!: () => void;
    let reject!: (error: unknown) => void;
    const applied = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // A batch whose every write failed has no waiter; its apply's failure must not crash the host.
    applied.catch(() => undefined);
    const batch: Batch = {
      target,
      api,
      spec,
      onLog,
      inFlight: 0,
      writes: 0,
      staged: 0,
      timer: undefined,
      lock: undefined,
      settled: undefined,
      idle: undefined,
      applied,
      resolve,
      reject,
    };
    this.open.set(target, batch);
    this.watchStop();
    return batch;
  }

  /**
   * PVE 9's lock; a PVE without the endpoint (501) has no lock, and writes go without a token.
   * It is first asked for without `allow-pending`: a refusal for pending changes tells that someone
   * else's changes are staged, and the lock is then taken with it.
   */
  private async takeLock(api: EngineApi, spec: CommitSpec): Promise<Held | undefined> {
    const lock = spec.lock;
    if (!lock) return undefined;
    const take = async (params: WireParams, foreignPending: boolean): Promise<Held | undefined> => {
      const token = await api.request<unknown>("POST", lock.path, params);
      return typeof token === "string" && token !== "" ? { token, foreignPending } : undefined;
    };
    try {
      return await take({}, false);
    } catch (error) {
      if (errorStatus(error) === 501) return undefined;
      if (!lock.allowPendingParam || !lock.pendingRefusal?.test(messageOf(error))) throw error;
      return take({ [lock.allowPendingParam]: 1 }, true);
    }
  }

  /** Starts applying or releasing `batch` (once); see {@link flush} for what the promise waits for. */
  private settle(batch: Batch): Promise<void> {
    if (batch.settled) return batch.settled;
    clearTimeout(batch.timer);
    // Writes that arrive from now on open the next batch.
    if (this.open.get(batch.target) === batch) this.open.delete(batch.target);
    this.settling.add(batch);
    batch.settled = this.apply(batch).finally(() => {
      this.settling.delete(batch);
      this.unwatchStop();
    });
    return batch.settled;
  }

  private async apply(batch: Batch): Promise<void> {
    const { api, spec, target } = batch;
    const counts = this.counts.get(target) ?? { commits: 0, writes: 0 };
    counts.writes += batch.writes;
    this.counts.set(target, counts);
    // A lock that was never taken failed the writes already.
    const held = await batch.lock?.catch(() => undefined);
    if (batch.staged === 0) {
      // Every write was refused: nothing of ours to apply (and someone else's pending changes are not ours to apply).
      if (held) await this.release(batch, held).catch(() => undefined);
      batch.resolve();
      return;
    }
    const params: WireParams = { ...(spec.call.extra ?? {}) };
    if (held && spec.lock) {
      params[spec.lock.tokenParam] = held.token;
      if (spec.lock.releaseParam) params[spec.lock.releaseParam] = 1;
    }
    counts.commits += 1;
    let result: unknown;
    try {
      result = await api.request(spec.call.method, target, params);
    } catch (error) {
      const cleanup = await this.undo(batch, held);
      batch.reject(new StagedApplyError(`applying the staged changes (${spec.call.method} ${target}) failed: ${messageOf(error)}${cleanup}`, error));
      return;
    }
    // PVE has committed (and released the lock) before answering; only the reload is left to wait for.
    void this.awaitReload(batch, result, params);
  }

  private async awaitReload(batch: Batch, result: unknown, params: WireParams): Promise<void> {
    try {
      if (typeof result === "string" && result.startsWith("UPID:")) await batch.api.waitForTask(result, taskWaitOptions(params, batch.onLog));
      batch.resolve();
    } catch (error) {
      const { method } = batch.spec.call;
      batch.reject(
        new StagedApplyError(`applying the staged changes (${method} ${batch.target}) failed after PVE had committed them: ${messageOf(error)}`, error),
      );
    }
  }

  /**
   * After an apply PVE did not take: our edits are still staged and the lock is ours. Roll them
   * back when every pending change is ours, else give the lock back; the text says what was done.
   */
  private async undo(batch: Batch, held: Held | undefined): Promise<string> {
    const { api, spec } = batch;
    if (!held || !spec.lock) return "; the changes stay pending on PVE until they are applied or rolled back";
    const release: WireParams = { [spec.lock.tokenParam]: held.token, ...(spec.lock.releaseParam ? { [spec.lock.releaseParam]: 1 } : {}) };
    if (spec.rollback && !held.foreignPending) {
      try {
        await api.request(spec.rollback.method, spec.rollback.path, release);
        return "; the staged changes were rolled back and the lock released";
      } catch {
        // Fall back to giving the lock back at least.
      }
    }
    try {
      await this.release(batch, held);
    } catch (error) {
      return `; releasing the lock failed too (${messageOf(error)}): DELETE ${spec.lock.path} with force=1 frees it`;
    }
    const others = held.foreignPending ? ", together with changes someone else had left pending" : "";
    return `; the lock was released, the changes stay pending on PVE${others}`;
  }

  private async release(batch: Batch, held: Held): Promise<void> {
    const lock = batch.spec.lock;
    if (lock) await batch.api.request("DELETE", lock.path, { [lock.tokenParam]: held.token });
  }

  /** While batches are open, a stop signal first flushes them, then does what it would have done. */
  private watchStop(): void {
    if (!this.flushOnStop || this.watching) return;
    this.watching = true;
    for (const signal of STOP_SIGNALS) process.on(signal, this.onStop);
  }

  private unwatchStop(): void {
    if (!this.watching || this.open.size > 0 || this.settling.size > 0) return;
    this.watching = false;
    for (const signal of STOP_SIGNALS) process.off(signal, this.onStop);
  }

  private readonly onStop = (signal: NodeJS.Signals): void => {
    void this.flush().finally(() => {
      this.watching = false;
      for (const s of STOP_SIGNALS) process.off(s, this.onStop);
      // Nobody else handles it: end the process the way the signal would have.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  };
}

/** The provider process's coordinator (the Pulumi host runs one process per deployment). */
export const commits = new CommitCoordinator({ flushOnStop: true });
