/**
 * pve-access-control `PVE/RPCEnvironment.pm::check_any` with `$noerr`: whether the caller has any
 * of the privileges on a path, for handlers that filter what they show instead of refusing.
 */
import type { SimAuth, SimContext } from "../types";

/** True when `auth` has at least one of `privs` on `path`. */
export function hasAny(ctx: SimContext, auth: SimAuth, path: string, privs: readonly string[]): boolean {
  return privs.some((priv) => {
    try {
      ctx.checkPermission(auth, path, priv);
      return true;
    } catch {
      return false;
    }
  });
}
