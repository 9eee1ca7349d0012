/**
 * SDN's staged/running views (pve-network `src/PVE/Network/SDN.pm` `pending_config`): what GET returns with
 * `pending=1` for new, changed and deleted objects.
 */
import type { ConfigRecord } from "../config-text";

/** Keys that stay at the top level of a new object (the rest goes under `pending`). */
const TOP_LEVEL = ["type", "vnet"];

/** One object's pending view, or undefined when it exists in neither config. */
export function pendingView(running: Readonly<ConfigRecord> | undefined, staged: Readonly<ConfigRecord> | undefined): Record<string, unknown> | undefined {
  if (!running && !staged) return undefined;
  if (!running && staged) {
    const top: Record<string, unknown> = {};
    const pending: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(staged)) (TOP_LEVEL.includes(key) ? top : pending)[key] = value;
    return { ...top, state: "new", pending };
  }
  if (running && !staged) return { ...running, state: "deleted", pending: {} };
  const pending: Record<string, unknown> = {};
  const before = running ?? {};
  const after = staged ?? {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (!(key in after)) pending[key] = "deleted";
    else if (String(after[key]) !== String(before[key])) pending[key] = after[key];
  }
  return Object.keys(pending).length > 0 ? { ...before, state: "changed", pending } : { ...before };
}

/** True when the staged objects differ from the running ones in any way. */
export function differs(running: ReadonlyMap<string, ConfigRecord>, staged: ReadonlyMap<string, ConfigRecord>): boolean {
  const ids = new Set([...running.keys(), ...staged.keys()]);
  return [...ids].some((id) => pendingView(running.get(id), staged.get(id))?.state !== undefined);
}
