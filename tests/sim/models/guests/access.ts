/**
 * What guests change in user.cfg (pve-access-control `PVE/AccessControl.pm`): `add_vm_to_pool`
 * on create and clone, `remove_vm_access` on destroy (the VM leaves its pool and the ACLs of
 * `/vms/<vmid>` go), both under `lock_user_config`; and the pool a VM belongs to.
 */
import { lockUserConfig } from "../access/common";
import type { AccessStore } from "../access/store";
import type { SimContext } from "../../types";
import { simService } from "../services";

/** The simulator's user.cfg; `startSimulator` provides it. */
export const accessStoreOf = simService<AccessStore>("user.cfg");

/** `add_vm_to_pool`. */
export async function addVmToPool(ctx: SimContext, vmid: number, pool: string): Promise<void> {
  await lockUserConfig(ctx, `can't add VM ${vmid} to pool '${pool}'`, () => {
    const store = accessStoreOf(ctx);
    for (const other of store.pools.values()) other.vms.delete(vmid);
    store.pools.get(pool)?.vms.add(vmid);
  });
}

/** `remove_vm_access`. */
export async function removeVmAccess(ctx: SimContext, vmid: number): Promise<void> {
  await lockUserConfig(ctx, `access permissions cleanup for VM ${vmid} failed`, () => {
    const store = accessStoreOf(ctx);
    for (const path of [...store.acl.keys()]) if (path === `/vms/${vmid}` || path.startsWith(`/vms/${vmid}/`)) store.acl.delete(path);
    for (const pool of store.pools.values()) pool.vms.delete(vmid);
  });
}

/** The pool holding the VM, if any. */
export function poolOfVm(ctx: SimContext, vmid: number): string | undefined {
  for (const [id, pool] of accessStoreOf(ctx).pools) if (pool.vms.has(vmid)) return id;
  return undefined;
}
