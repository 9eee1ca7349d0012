/**
 * State that several models of one simulator share (storage.cfg, datacenter.cfg, the vmlist, the
 * volumes on each storage), the way PVE's handlers all read the same pmxcfs files. A service is
 * keyed by the simulator's context, so two simulators in one process never share state.
 */
import type { SimContext } from "../types";

/** One shared piece of state: call it with a context to get that simulator's instance. */
export interface SimService<T> {
  (ctx: SimContext): T;
  /** Installs an instance made elsewhere (e.g. the access store `startSimulator` builds). */
  provide(ctx: SimContext, value: T): void;
}

/**
 * Declares a service; `make` builds an instance on first use (omit it for a service that must be
 * provided, which then throws naming `name` when a model asks for it too early).
 */
export function simService<T>(name: string, make?: (ctx: SimContext) => T): SimService<T> {
  const instances = new WeakMap<SimContext, T>();
  const get = (ctx: SimContext): T => {
    let found = instances.get(ctx);
    if (found === undefined) {
      if (!make) throw new Error(`simulator service '${name}' was not provided`);
      found = make(ctx);
      instances.set(ctx, found);
    }
    return found;
  };
  return Object.assign(get, { provide: (ctx: SimContext, value: T) => void instances.set(ctx, value) });
}
