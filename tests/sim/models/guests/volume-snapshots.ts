/**
 * Snapshots of volumes (pve-storage `src/PVE/Storage.pm` `volume_snapshot`,
 * `volume_snapshot_delete`, `volume_snapshot_rollback`, `volume_rollback_is_possible`; the
 * plugins' implementations: LVM-thin `snap_<volname>_<snap>` LVs, ZFS `<pool>/<name>@<snap>`
 * (rollback only to the most recent snapshot), RBD, qcow2 internal snapshots). A snapshot
 * remembers the size the volume had, which a rollback restores; freeing a volume frees its
 * snapshots. What a plugin's command would print on failure is its error here.
 */
import { pveDie } from "../config-text";
import { findVolume, parseVolumeId, storageConfig, type StorageEnv } from "./storage-ops";
import type { Volume } from "./volumes";

function volumeOf(env: StorageEnv, volid: string): Volume {
  const volume = findVolume(env, volid);
  if (!volume) throw pveDie(`volume '${volid}' does not exist`);
  return volume;
}

/** How a plugin names the snapshot in its messages. */
function snapshotLabel(env: StorageEnv, volume: Volume, snap: string): string {
  const scfg = storageConfig(env.ctx, volume.storage);
  if (scfg.type === "lvmthin") return `${String(scfg.vgname)}/snap_${volume.volname}_${snap}`;
  if (scfg.type === "zfspool") return `${String(scfg.pool)}/${volume.volname.split("/").pop() ?? ""}@${snap}`;
  return `${volume.volname}@${snap}`;
}

/** `volume_snapshot`. */
export function volumeSnapshot(env: StorageEnv, volid: string, snap: string): void {
  const volume = volumeOf(env, volid);
  if (volume.snapshots.some((s) => s.name === snap)) {
    const type = storageConfig(env.ctx, volume.storage).type;
    const label = snapshotLabel(env, volume, snap);
    if (type === "lvmthin")
      throw pveDie(
        `lvcreate snapshot '${label}' error:   Logical Volume "${label.split("/")[1] ?? ""}" already exists in volume group "${label.split("/")[0] ?? ""}"`,
      );
    if (type === "zfspool") throw pveDie(`zfs error: cannot create snapshot '${label}': dataset already exists`);
    throw pveDie(`snapshot '${snap}' already exists on '${volid}'`);
  }
  volume.snapshots.push({ name: snap, size: volume.size });
}

/** `volume_snapshot_delete`. */
export function volumeSnapshotDelete(env: StorageEnv, volid: string, snap: string): void {
  const volume = volumeOf(env, volid);
  const index = volume.snapshots.findIndex((s) => s.name === snap);
  if (index < 0) {
    const type = storageConfig(env.ctx, volume.storage).type;
    const label = snapshotLabel(env, volume, snap);
    if (type === "lvmthin") throw pveDie(`lvremove snapshot '${label}' error:   Failed to find logical volume "${label}"`);
    if (type === "zfspool") throw pveDie(`zfs error: could not find any snapshots to destroy; check snapshot names.`);
    throw pveDie(`snapshot '${snap}' does not exist on '${volid}'`);
  }
  volume.snapshots.splice(index, 1);
}

/** `volume_rollback_is_possible`: ZFS only rolls back to its most recent snapshot; `blockers` gets the newer ones. */
export function volumeRollbackIsPossible(env: StorageEnv, volid: string, snap: string, blockers: string[] = []): void {
  const [storage] = parseVolumeId(volid);
  const volume = volumeOf(env, volid);
  if (storageConfig(env.ctx, storage).type !== "zfspool") return;
  const index = volume.snapshots.findIndex((s) => s.name === snap);
  if (index < 0) throw pveDie(`can't rollback, snapshot '${snap}' does not exist on '${volid}'`);
  blockers.push(...volume.snapshots.slice(index + 1).map((s) => s.name));
  if (blockers.length) throw pveDie(`can't rollback, '${snap}' is not most recent snapshot on '${volid}'`);
}

/** `volume_snapshot_rollback`: the volume gets the size it had at the snapshot. */
export function volumeSnapshotRollback(env: StorageEnv, volid: string, snap: string): void {
  volumeRollbackIsPossible(env, volid, snap);
  const volume = volumeOf(env, volid);
  const snapshot = volume.snapshots.find((s) => s.name === snap);
  if (!snapshot) {
    const label = snapshotLabel(env, volume, snap);
    throw pveDie(`lvm rollback '${label}' error:   Failed to find logical volume "${label}"`);
  }
  volume.size = snapshot.size;
}
