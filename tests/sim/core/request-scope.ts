/**
 * Per-request state that must reach code the handler calls (task start, locks) without
 * threading it through the model contract: the faults that hit this request, and the handler
 * time it has yet to spend.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { sleep } from "./clock";
import type { FaultAction } from "./faults";

/** What the current request carries down into the core's services. */
export interface RequestScope {
  /** Faults not yet consumed; services remove the ones they apply. */
  readonly faults: FaultAction[];
  /** Handler time (ms) not yet spent: see {@link spendServiceTime}. */
  serviceMs: number;
}

const storage = new AsyncLocalStorage<RequestScope>();

/** Runs `fn` with `scope` as the current request scope. */
export function runInScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn);
}

/** Removes and returns the first pending fault of `type` for the current request, if any. */
export function takeFault<K extends FaultAction["type"]>(type: K): Extract<FaultAction, { type: K }> | undefined {
  const faults = storage.getStore()?.faults;
  if (!faults) return undefined;
  const i = faults.findIndex((f) => f.type === type);
  if (i < 0) return undefined;
  const [hit] = faults.splice(i, 1);
  return hit as Extract<FaultAction, { type: K }>;
}

/**
 * Spends the current request's handler time, once. PVE's handlers do their real work (read,
 * change and write a cluster file through pmxcfs) inside the file's lock, so a handler that takes
 * a lock spends it there, holding the lock; one that takes none spends it after its work.
 */
export async function spendServiceTime(): Promise<void> {
  const scope = storage.getStore();
  if (!scope || scope.serviceMs <= 0) return;
  const ms = scope.serviceMs;
  scope.serviceMs = 0;
  await sleep(ms);
}
