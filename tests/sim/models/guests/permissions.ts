/**
 * Permission checks guest handlers make in code (pve-access-control `PVE/RPCEnvironment.pm`:
 * `check`, `check_any`, `check_full`, `check_vm_perm`, `check_pool_exist`), on top of the
 * schema's declared checks the core already ran. `$authuser eq 'root@pam'` is true only for the
 * root user itself, never for one of its API tokens.
 */
import type { SimAuth, SimContext } from "../../types";
import { SimError } from "../../types";
import { permissionDenied } from "../../core/permissions";
import { accessStoreOf } from "./access";

/** `$authuser eq 'root@pam'`. */
export function isRoot(auth: SimAuth): boolean {
  return auth.userid === "root@pam" && auth.tokenid === undefined;
}

/** Whether `auth` has `priv` on `path`. */
export function hasPriv(ctx: SimContext, auth: SimAuth, path: string, priv: string): boolean {
  try {
    ctx.checkPermission(auth, path, priv);
    return true;
  } catch (err) {
    if (err instanceof SimError && err.status === 403) return false;
    throw err;
  }
}

/** `check` (all of `privs`) or `check_any` (one of them), with PVE's 403 text. */
export function checkPrivs(ctx: SimContext, auth: SimAuth, path: string, privs: readonly string[], any = false): void {
  if (any) {
    if (privs.some((p) => hasPriv(ctx, auth, path, p))) return;
    throw permissionDenied(`${path}, ${privs.join("|")}`);
  }
  for (const priv of privs) if (!hasPriv(ctx, auth, path, priv)) throw permissionDenied(`${path}, ${priv}`);
}

/** `check_vm_perm`: the privileges on the pool (when given) or on `/vms/<vmid>`. */
export function checkVmPerm(ctx: SimContext, auth: SimAuth, vmid: number, pool: string | undefined, privs: readonly string[], any = false): void {
  if (pool !== undefined) {
    const onPool = any ? privs.some((p) => hasPriv(ctx, auth, `/pool/${pool}`, p)) : privs.every((p) => hasPriv(ctx, auth, `/pool/${pool}`, p));
    if (onPool) return;
  }
  checkPrivs(ctx, auth, `/vms/${vmid}`, privs, any);
}

/** `check_pool_exist`: 403 `Permission check failed (pool 'x' does not exist)`. */
export function checkPoolExists(ctx: SimContext, pool: string): void {
  if (!accessStoreOf(ctx).pools.has(pool)) throw permissionDenied(`pool '${pool}' does not exist`);
}
