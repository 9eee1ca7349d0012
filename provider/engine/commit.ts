/**
 * Staged changes (SDN, node network): PVE keeps edits pending until one "apply" call (a task)
 * makes them the running config, and every apply reloads networking. The coordinator batches:
 * writes to the same target (e.g. `/cluster/sdn`, `/nodes/pve1/network`) join one open batch,
 * and once no write of the batch is in flight and a short quiet period has passed, it runs ONE
 * apply and every write it covers resolves with that task. A Pulumi provider host is one
 * process per deployment and runs resources in parallel, so a wave of resources shares an apply.
 *
 * Where PVE 9 has the SDN global lock, the batch's first write takes it (`allow-pending`, so
 * changes someone else left pending do not block us; they are applied with ours, as PVE's own
 * apply would), every write of the batch carries its token, and the apply releases it: no other
 * client can slip an edit between our writes and our apply.
 */
import type { CommitSpec } from "../../schema/define";
import { type EngineApi, type WireParams, taskWaitOptions } from "./api";
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

interface Batch {
  readonly target: string;
  inFlight: number;
  writes: number;
  timer: NodeJS.Timeout | undefined;
  /** The lock token (undefined without a lock), taken once by the batch's first write. */
  token: Promise<string | undefined> | undefined;
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

/** One per provider process; see the module comment. */
export class CommitCoordinator {
  private readonly open = new Map<string, Batch>();
  private readonly counts = new Map<string, CommitStats>();

  /** @param quietMs how long a batch waits for more writes once none is in flight. */
  constructor(private readonly quietMs = 400) {}

  /** Commits and writes so far, per target path. */
  stats(target: string): CommitStats {
    return { ...(this.counts.get(target) ?? { commits: 0, writes: 0 }) };
  }

  /**
   * Runs a staged write in the open batch of its target and resolves (with the write's result)
   * once an apply that covers it has ended. `write` receives the parameters the batch adds
   * (the lock token). A failed write rejects once the batch's apply ran; the others are applied.
   */
  async staged<T>(api: EngineApi, spec: CommitSpec, identity: Identity, write: (extra: WireParams) => Promise<T>, onLog?: (line: string) => void): Promise<T> {
    const target = fillPath(spec.call.path, identity);
    const batch = this.batchFor(target);
    batch.inFlight += 1;
    batch.writes += 1;
    clearTimeout(batch.timer);
    let result!: T;
    let failure: { error: unknown } | undefined;
    try {
      batch.token ??= this.takeLock(api, spec);
      const token = await batch.token;
      result = await write(token !== undefined && spec.lock ? { [spec.lock.tokenParam]: token } : {});
    } catch (error) {
      failure = { error };
    } finally {
      batch.inFlight -= 1;
      if (batch.inFlight === 0) batch.timer = setTimeout(() => void this.apply(api, spec, batch, onLog), this.quietMs);
    }
    // PVE may have staged a write whose answer was lost: it fails only once the batch's apply ran.
    await batch.applied.catch((error: unknown) => {
      if (!failure) throw error;
    });
    if (failure) throw failure.error;
    return result;
  }

  private batchFor(target: string): Batch {
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
    const batch: Batch = { target, inFlight: 0, writes: 0, timer: undefined, token: undefined, applied, resolve, reject };
    this.open.set(target, batch);
    return batch;
  }

  /** PVE 9's lock; a PVE without the endpoint (501) has no lock, and writes go without a token. */
  private async takeLock(api: EngineApi, spec: CommitSpec): Promise<string | undefined> {
    if (!spec.lock) return undefined;
    try {
      const token = await api.request<unknown>("POST", spec.lock.path, spec.lock.params ?? {});
      return typeof token === "string" && token !== "" ? token : undefined;
    } catch (error) {
      if (errorStatus(error) === 501) return undefined;
      throw error;
    }
  }

  private async apply(api: EngineApi, spec: CommitSpec, batch: Batch, onLog?: (line: string) => void): Promise<void> {
    // Writes that arrive from now on open the next batch.
    if (this.open.get(batch.target) === batch) this.open.delete(batch.target);
    const counts = this.counts.get(batch.target) ?? { commits: 0, writes: 0 };
    counts.writes += batch.writes;
    this.counts.set(batch.target, counts);
    try {
      let token: string | undefined;
      try {
        token = await batch.token;
      } catch {
        token = undefined; // the lock was never taken: the writes failed already
      }
      const params: WireParams = { ...(spec.call.extra ?? {}) };
      if (token !== undefined && spec.lock) params[spec.lock.tokenParam] = token;
      counts.commits += 1;
      const result = await api.request(spec.call.method, batch.target, params);
      if (typeof result === "string" && result.startsWith("UPID:")) await api.waitForTask(result, taskWaitOptions(params, onLog));
      batch.resolve();
    } catch (error) {
      batch.reject(new StagedApplyError(`applying the staged changes (${spec.call.method} ${batch.target}) failed: ${error instanceof Error ? error.message : String(error)}`, error));
    }
  }
}

/** The provider process's coordinator (the Pulumi host runs one process per deployment). */
export const commits = new CommitCoordinator();
