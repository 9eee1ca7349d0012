/**
 * Permission checks guest handlers make in code (pve-access-control `PVE/RPCEnvironment.pm`:
 * `check`, `check_any`, `check_full`, `check_vm_perm`, `check_pool_exist`; pve-guest-common
 * `GuestHelpers::check_vnet_access`), on top of the
 * schema's declared checks the core already ran. `$authuser eq 'root@pam'` is true only for the
 * root user itself, never for one of its API tokens.
 */
import type { SimAuth, SimContext } from "../../types";
import { SimError } from "../../types";
import { permissionDenied } from "../../core/permissions";
import { accessStoreOf } from "./access";
import type { GuestConfigStore } from "./config-store";

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

/**
 * `check_vnet_access`: `SDN.Use` on the bridge's path in zone `localnetwork`, per VLAN tag (and
 * each VLAN of `trunks`) when given, else on the bridge itself.
 */
export function checkVnetAccess(ctx: SimContext, auth: SimAuth, bridge: string, tag: string | number | undefined, trunks: string | number | undefined): void {
  const base = `/sdn/zones/localnetwork/${bridge}`;
  if (tag) checkPrivs(ctx, auth, `${base}/${tag}`, ["SDN.Use"]);
  for (const vlan of trunkTags(trunks)) checkPrivs(ctx, auth, `${base}/${vlan}`, ["SDN.Use"]);
  if (!tag && !trunks) checkPrivs(ctx, auth, base, ["SDN.Use"]);
}

/** `get_tags_from_trunk`: `10;20-22` → 10, 20, 21, 22 (sorted as strings, like `sort keys`). */
function trunkTags(trunks: string | number | undefined): string[] {
  if (trunks === undefined) return [];
  const tags = new Set<string>();
  for (const part of String(trunks).split(";")) {
    const [from, to] = part.split("-").map(Number);
    if (from === undefined || Number.isNaN(from)) continue;
    if (to !== undefined && to > from) for (let t = from; t <= to; t++) tags.add(String(t));
    else tags.add(String(from));
  }
  return [...tags].sort();
}

/** The guests on `node` the caller may see: the `vmlist` handlers list those with `VM.Audit` only. */
export function auditableGuests(ctx: SimContext, auth: SimAuth, configs: GuestConfigStore, node: string): number[] {
  return configs.vmids().filter((vmid) => configs.existsOn(vmid, node) && hasPriv(ctx, auth, `/vms/${vmid}`, "VM.Audit"));
}
