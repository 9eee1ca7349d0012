/**
 * What vzdump asks of each guest type (pve-manager `PVE/VZDump.pm` `exec_backup_task` and the
 * plugins it loads: qemu-server `PVE/VZDump/QemuServer.pm`, pve-container `PVE/VZDump/LXC.pm`,
 * with their `prepare`, `vm_status`, `lock_vm`/`unlock_vm`, `stop_vm`/`start_vm`,
 * `suspend_vm`/`resume_vm`, `snapshot`, `assemble`, `cleanup`). The guest models register their
 * plugin; the vzdump job drives it.
 */
import type { SimContext } from "../../types";
import type { BackupArchive } from "../guests/volumes";
import { simService } from "../services";
import type { Worker } from "../guests/worker";

/** What `prepare` found out. */
export interface PreparedGuest {
  /** `$task->{hostname}`: the VM's name (may be unset) or the container's hostname. */
  readonly hostname?: string;
  /** Bytes of data the archive will hold (what the simulator reports as the archive's size before compression). */
  readonly dataBytes: number;
}

/** One guest type's vzdump plugin. */
export interface VzdumpPlugin {
  readonly type: "qemu" | "lxc";
  /** `vm_status`. */
  isRunning(node: string, vmid: number): boolean;
  /** `prepare` for `mode`; logs what it includes; throws `mode failure - ...` when snapshot mode cannot work. */
  prepare(node: string, vmid: number, mode: string, log: (line: string) => void): PreparedGuest;
  /** `lock_vm` (`lock: backup`) and `unlock_vm`. */
  lock(node: string, vmid: number): Promise<void>;
  unlock(node: string, vmid: number): Promise<void>;
  /** `stop_vm` / `start_vm` for stop mode. */
  stop(node: string, vmid: number, worker: Worker): Promise<void>;
  start(node: string, vmid: number, worker: Worker): Promise<void>;
  /** `snapshot` for snapshot mode (containers: the `vzdump` storage snapshot), and its cleanup. */
  snapshot(node: string, vmid: number, worker: Worker): Promise<void>;
  cleanupSnapshot(node: string, vmid: number, worker: Worker): Promise<void>;
  /** `assemble`: the config the archive carries and each disk's size. */
  assemble(node: string, vmid: number, log: (line: string) => void): BackupArchive;
}

/** The registered plugins of a simulator. */
export const vzdumpPluginsOf = simService<Map<string, VzdumpPlugin>>("vzdump plugins", () => new Map());

/** Makes `plugin` back up guests of its type. */
export function registerVzdumpPlugin(ctx: SimContext, plugin: VzdumpPlugin): void {
  vzdumpPluginsOf(ctx).set(plugin.type, plugin);
}
