/**
 * Container snapshots (pve-container `src/PVE/API2/LXC/Snapshot.pm`; `src/PVE/LXC/Config.pm`
 * `__snapshot_*`): the shared snapshot engine and endpoints (`../guests/snapshots`,
 * `../guests/snapshot-api`) with the container's hooks: only volume mount points are
 * snapshotted (a bind or device mount makes `snapshot feature is not available`), the `vzdump`
 * snapshot only covers what a backup includes, a running container is frozen meanwhile and
 * stopped for a rollback, there is no RAM state; `vzdump` and `current` are reserved names.
 */
import { pveDie } from "../config-text";
import { installSnapshotApi } from "../guests/snapshot-api";
import type { SnapshotGuest } from "../guests/snapshots";
import type { Register } from "../generic-store";
import { forkWorker } from "../guests/worker";
import { lockConfig, type LxcDeps } from "./deps";
import { addUnused } from "./disks";
import { ctHasFeature } from "./feature";
import { backupEnabled, volumesOf } from "./mountpoint";
import { startCt, stopHeld } from "./power";

/** The container's snapshot hooks. */
export function ctSnapshotGuest(deps: LxcDeps): SnapshotGuest {
  const { ctx } = deps;
  return {
    label: "CT",
    configs: deps.configs,
    lock: (node, vmid, fn) => lockConfig(ctx, node, vmid, fn),
    isRunning: (vmid, node) => deps.runtime.isRunning(vmid, node),
    volumes: (section, snapname) =>
      volumesOf(section)
        .filter(({ key, mp }) => mp.type === "volume" && (snapname !== "vzdump" || backupEnabled(key, mp)))
        .map(({ key, mp }) => ({ key, volid: mp.volume })),
    hasSnapshotFeature: (section, snapname) => ctHasFeature(ctx, "snapshot", section, undefined, snapname === "vzdump"),
    assertNoBlockers: () => undefined,
    saveVmstate: () => Promise.reject(pveDie("implement me - snapshot_save_vmstate")),
    deleteVmstate: () => Promise.reject(pveDie("implement me - saving vmstate")),
    stopForRollback: (_env, vmid, worker) => stopHeld(deps, vmid, worker),
    addUnused: (_env, section, volid) => {
      addUnused(section, volid);
      return Promise.resolve();
    },
  };
}

/** Registers the container snapshot endpoints. */
export function installSnapshots(register: Register, deps: LxcDeps): void {
  installSnapshotApi(register, {
    type: "lxc",
    guest: ctSnapshotGuest(deps),
    tasks: { create: "vzsnapshot", delete: "vzdelsnapshot", rollback: "vzrollback" },
    reserved: (snapname) => (snapname === "vzdump" ? "unable to use snapshot name 'vzdump' (reserved name)" : undefined),
    start: (auth, node, vmid) => {
      forkWorker(deps.ctx, auth, { node, type: "vzstart", id: String(vmid) }, (worker) => startCt(deps, node, vmid, worker));
      return Promise.resolve();
    },
  });
}
