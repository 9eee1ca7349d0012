/**
 * Container volumes on storages (pve-container `src/PVE/LXC.pm` `alloc_disk`, `create_disks`,
 * `destroy_disks`, `delete_mountpoint_volume`, `destroy_lxc_container`, `copy_volume`;
 * `src/PVE/LXC/Config.pm` `is_volume_in_use`, `is_volume_in_use_by_snapshots`,
 * `get_vm_volumes`). A new volume is `storage:sizeGiB`: a raw image formatted with ext4 where
 * the storage holds images, a subvolume on ZFS (and on directories for size 0); a storage
 * without `rootdir` content refuses. Volumes another guest owns are never freed.
 */
import { sleep } from "../../core/clock";
import { pveDie } from "../config-text";
import { addUnusedVolume, type ConfigSection, type GuestConf } from "../guests/config";
import {
  contentOf,
  findVolume,
  locationOf,
  parseVolname,
  storageCheckEnabled,
  storageConfig,
  vdiskAlloc,
  vdiskFree,
  type StorageEnv,
} from "../guests/storage-ops";
import { volidOf, volumesOf } from "../guests/volumes";
import { storageConfigOf } from "../storage";
import { NEW_DISK_RE, parseVolume, printMountpoint, volumesOf as mountpointsOf, type MountPoint } from "./mountpoint";

/** `alloc_disk`: the new volume's id. */
export async function allocDisk(env: StorageEnv, vmid: number, storage: string, sizeKiB: number, holdMs = 0): Promise<string> {
  const scfg = storageConfig(env.ctx, storage);
  const content = contentOf(scfg);
  let format: "raw" | "subvol";
  if (content.has("rootdir") && scfg.path !== undefined) format = sizeKiB > 0 && !(scfg.type === "btrfs" && scfg.quotas) ? "raw" : "subvol";
  else if (scfg.type === "zfspool") format = "subvol";
  else if (content.has("rootdir")) format = "raw";
  else throw pveDie(`content type 'rootdir' is not available or configured on storage '${storage}'`);
  return vdiskAlloc(env, { storage, vmid, format, sizeKiB }, holdMs);
}

/**
 * `create_disks`: allocates every `storage:size` volume of `settings` (written into `conf`, or
 * into its pending section) and keeps the others as given; frees what it made when one fails.
 */
export async function createDisks(
  env: StorageEnv,
  vmid: number,
  settings: Readonly<ConfigSection>,
  conf: GuestConf,
  pending = false,
  holdMs = 0,
): Promise<string[]> {
  const vollist: string[] = [];
  try {
    for (const { key, mp } of mountpointsOf(settings)) {
      const fresh = NEW_DISK_RE.exec(mp.volume);
      if (fresh?.[1] && fresh[2]) {
        const sizeKiB = Math.trunc(Number(fresh[2]) * 1024) * 1024;
        const volid = await allocDisk(env, vmid, fresh[1], sizeKiB, holdMs);
        vollist.push(volid);
        mp.volume = volid;
        mp.size = sizeKiB * 1024;
        (pending ? conf.pending : conf.main)[key] = printMountpoint(key, mp);
      } else {
        conf.main[key] = printMountpoint(key, mp);
      }
    }
  } catch (err) {
    await destroyDisks(env, vollist);
    throw err;
  }
  return vollist;
}

/** `destroy_disks`: frees each volume, ignoring failures (PVE only warns). */
export async function destroyDisks(env: StorageEnv, vollist: readonly string[]): Promise<void> {
  for (const volid of vollist) await vdiskFree(env, volid).catch(() => undefined);
}

/** `delete_mountpoint_volume`: frees a volume the container owns; another owner's only logs. */
export async function deleteMountpointVolume(env: StorageEnv, vmid: number, volume: string, log: (line: string) => void): Promise<void> {
  if (volume.startsWith("/")) return;
  const { vmid: owner } = parseVolname(env.ctx, volume);
  if (owner === vmid) await vdiskFree(env, volume);
  else log(`ignore deletion of '${volume}', CT ${vmid} isn't the owner!`);
}

/** `$__is_volume_in_use`: a volume mount point of `section` names `volid` (compared as text, as PVE does). */
function usedIn(section: Readonly<ConfigSection>, volid: string): boolean {
  return mountpointsOf(section).some(({ mp }) => mp.type === "volume" && mp.volume === volid);
}

/** `is_volume_in_use_by_snapshots`. */
export function usedBySnapshots(conf: GuestConf, volid: string): boolean {
  return [...conf.snapshots.values()].some((snap) => usedIn(snap, volid));
}

/** `is_volume_in_use($conf, $volid, $include_snapshots, $include_pending)`. */
export function isVolumeInUse(conf: GuestConf, volid: string, snapshots: boolean, pending: boolean): boolean {
  return usedIn(conf.main, volid) || (snapshots && usedBySnapshots(conf, volid)) || (pending && usedIn(conf.pending, volid));
}

/** `add_unused_volume` with pve-container's 256 slots. */
export function addUnused(section: ConfigSection, volid: string): string {
  return addUnusedVolume(section, volid, 256);
}

/** `get_vm_volumes`: the storage volumes of a section's mount points. */
export function vmVolumes(section: Readonly<ConfigSection>): string[] {
  return mountpointsOf(section)
    .filter(({ mp }) => mp.type === "volume" && /^[a-z][a-z0-9\-_.]*[a-z0-9]:.+$/i.test(mp.volume))
    .map(({ mp }) => mp.volume);
}

/**
 * `destroy_lxc_container`: frees the owned volumes of the config (unused and pending ones too;
 * a volume that cannot go fails the destroy), with `purgeUnreferenced` every other `rootdir`
 * volume named for the id, then writes `replacement` (or removes the config).
 */
export async function destroyLxcContainer(
  env: StorageEnv,
  vmid: number,
  conf: GuestConf,
  log: (line: string) => void,
  purgeUnreferenced: boolean,
  write: (replacement: GuestConf) => void,
): Promise<void> {
  const seen = new Set<string>();
  const remove = async (section: Readonly<ConfigSection>): Promise<void> => {
    const entries: { volume: string }[] = [...mountpointsOf(section).map(({ mp }) => mp)];
    for (const [key, value] of Object.entries(section)) if (/^unused\d+$/.test(key)) entries.push({ volume: String(value) });
    for (const { volume } of entries) {
      if (seen.has(volume)) continue;
      seen.add(volume);
      await deleteMountpointVolume(env, vmid, volume, log);
    }
  };
  await remove(conf.main);
  await remove(conf.pending);
  if (purgeUnreferenced) {
    for (const [storage, scfg] of storageConfigOf(env.ctx).entries()) {
      if (!contentOf(scfg).has("rootdir")) continue;
      try {
        storageCheckEnabled(env.ctx, storage, env.node);
      } catch {
        continue;
      }
      for (const volume of volumesOf(env.ctx).list(locationOf(env.ctx, storage, env.node))) {
        if (volume.vtype !== "images" || volume.vmid !== vmid) continue;
        await vdiskFree(env, volidOf(volume)).catch((err: unknown) => log(err instanceof Error ? err.message.replace(/\n$/, "") : String(err)));
      }
    }
  }
  write({ main: { lock: "destroyed" }, pending: {}, snapshots: new Map(), special: new Map() });
}

/**
 * `copy_volume`: allocates a volume of the source's size (at snapshot `snapname`, when given) on
 * `storage` and copies the data (rsync) into it; returns the new volume id.
 */
export async function copyVolume(env: StorageEnv, mp: MountPoint, vmid: number, storage: string, copyMs: number, snapname?: string): Promise<string> {
  if (mp.type !== "volume") throw pveDie(`cannot copy volumes of type ${mp.type}`);
  const source = findVolume(env, mp.volume);
  if (!source) throw pveDie(`volume '${mp.volume}' does not exist`);
  const size = (snapname === undefined ? undefined : source.snapshots.find((s) => s.name === snapname)?.size) ?? source.size;
  mp.size = size;
  const volid = await allocDisk(env, vmid, storage, size / 1024, copyMs * 0.1);
  await sleep(Math.round(copyMs * 0.9));
  return volid;
}

/** The volume of a parsed mount point value, for callers that only need the id. */
export function mountVolume(key: string, value: string | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  const mp = parseVolume(key, String(value), true);
  return mp?.type === "volume" ? mp.volume : undefined;
}
