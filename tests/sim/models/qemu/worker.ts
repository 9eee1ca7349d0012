/**
 * qemu-server's config flock (`PVE::QemuConfig::config_file_lock`, pve-guest-common
 * `AbstractConfig::lock_config_full`): the node's flock `/var/lock/qemu-server/lock-<vmid>.conf`,
 * 10 s unless the caller says otherwise; `lock_config_shared` takes it shared. Workers and the
 * migration lock are shared with containers (`../guests/worker`).
 */
import type { SimContext } from "../../types";
import type { FlockOptions } from "../guests/worker";

/** `lock_config_full` / `lock_config_shared` on `node`. */
export function lockConfig<T>(ctx: SimContext, node: string, vmid: number, fn: () => Promise<T> | T, options: FlockOptions = {}): Promise<T> {
  return ctx.withLock(`${node}:/var/lock/qemu-server/lock-${vmid}.conf`, fn, options);
}
