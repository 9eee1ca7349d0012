/**
 * The container side of vzdump (pve-container `src/PVE/VZDump/LXC.pm` `prepare`, `vm_status`,
 * `lock_vm`, `unlock_vm`, `snapshot`, `stop_vm`, `start_vm`, `assemble`, `cleanup`;
 * `src/PVE/LXC/Config.pm` `get_backup_volumes`, `mountpoint_backup_enabled`): the rootfs and
 * volume mount points with `backup=1` are included; snapshot mode needs every included volume to
 * snapshot (`mode failure - some volumes do not support snapshots`, and vzdump falls back to
 * suspend mode) and takes the temporary `vzdump` snapshot, removed after; the archive's
 * `etc/vzdump/pct.conf` is the config without `lock`, snapshots, `parent` and pending changes.
 */
import type { SimContext } from "../../types";
import { registerVzdumpPlugin } from "../backup/plugins";
import { snapshotCreate, snapshotDelete } from "../guests/snapshots";
import { migrationLock } from "../guests/worker";
import { ctConfigText } from "./config-file";
import { removeLock, setLock, type LxcDeps } from "./deps";
import { ctHasFeature } from "./feature";
import { backupEnabled, volumesOf } from "./mountpoint";
import { startHeld, stopHeld } from "./power";
import { ctSnapshotGuest } from "./snapshot";

/** Registers the container vzdump plugin. */
export function registerLxcVzdump(ctx: SimContext, deps: LxcDeps): void {
  const { configs } = deps;
  const guest = ctSnapshotGuest(deps);
  registerVzdumpPlugin(ctx, {
    type: "lxc",
    isRunning: (node, vmid) => deps.runtime.isRunning(vmid, node),
    prepare(node, vmid, mode, log) {
      const conf = configs.load(vmid, node);
      if (conf.main.hostname !== undefined) log(`CT Name: ${String(conf.main.hostname)}`);
      let data = 0;
      for (const { key, mp } of volumesOf(conf.main)) {
        const mount = key === "rootfs" ? "/" : String(mp.mp ?? "");
        if (!mp.volume || !mount) continue;
        if (!backupEnabled(key, mp)) {
          const reason = mp.type !== "volume" ? "not a volume" : "disabled";
          log(`excluding ${mp.type} mount point ${key} ('${mount}') from backup (${reason})`);
          continue;
        }
        log(`including mount point ${key} ('${mount}') in backup`);
        data += Number(mp.size ?? 0);
      }
      if (mode === "snapshot" && !ctHasFeature(ctx, "snapshot", conf.main, undefined, true))
        throw new Error("mode failure - some volumes do not support snapshots");
      return { hostname: String(conf.main.hostname || `CT${vmid}`), dataBytes: data / 4 };
    },
    lock: async (node, vmid) => {
      await setLock(deps, node, vmid, "backup");
    },
    unlock: (node, vmid) => removeLock(deps, node, vmid, "backup"),
    stop: (_node, vmid, worker) => stopHeld(deps, vmid, worker),
    start: (node, vmid, worker) => startHeld(deps, node, vmid, worker),
    snapshot: async (node, vmid, worker) => {
      worker.log("INFO: create storage snapshot 'vzdump'");
      await removeLock(deps, node, vmid, "backup");
      await snapshotCreate({ guest, env: { ctx, node }, vmid, worker }, "vzdump", false, "vzdump backup snapshot");
      await setLock(deps, node, vmid, "backup");
    },
    cleanupSnapshot: (node, vmid, worker) =>
      migrationLock(ctx, node, vmid, async () => {
        worker.log("INFO: cleanup temporary 'vzdump' snapshot");
        await snapshotDelete({ guest, env: { ctx, node }, vmid, worker }, "vzdump", false);
      }),
    assemble(node, vmid) {
      const conf = configs.load(vmid, node);
      const main = { ...conf.main };
      delete main.lock;
      delete main.parent;
      const devices: Record<string, number> = {};
      for (const { key, mp } of volumesOf(main)) if (backupEnabled(key, mp)) devices[key] = Number(mp.size ?? 0);
      return { guestType: "lxc", config: ctConfigText({ main, pending: {}, snapshots: new Map(), special: new Map() }), devices };
    },
  });
}
