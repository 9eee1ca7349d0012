/**
 * Copying one disk (qemu-server `src/PVE/QemuServer.pm` `clone_disk`,
 * `resolve_dst_disk_format`; pve-storage `resolve_format_hint`): a linked clone is
 * `vdisk_clone` (all of its work under the storage lock); a full clone allocates the target
 * (`vdisk_alloc` under the target storage's lock: `allocated target volume '...'`) and copies
 * the data outside that lock. Cloud-init drives are allocated anew (`vm-<id>-cloudinit`), EFI
 * disks with the size of their OVMF vars file (`efisize`) and TPM state with its fixed 4 MiB. The share of the worker's time each step takes is a
 * simulator choice: allocation a tenth of a full copy.
 */
import { sleep } from "../../core/clock";
import {
  defaultFormat,
  findVolume,
  parseVolumeId,
  parseVolname,
  pluginOf,
  storageConfig,
  vdiskAlloc,
  vdiskClone,
  volumeSize,
  type StorageEnv,
} from "../guests/storage-ops";
import { pveDie } from "../config-text";
import { CLOUDINIT_DISK_SIZE, efivarsSize } from "./disks";
import { driveIsCloudinit, type Drive } from "./drive";

/** The share of a full copy's time spent allocating under the storage lock. */
const ALLOC_SHARE = 0.1;

/** The source of a disk copy. */
export interface CloneSource {
  readonly vmid: number;
  readonly drivename: string;
  readonly drive: Drive;
  readonly snapname?: string;
}

/** The target of a disk copy. */
export interface CloneTarget {
  readonly vmid: number;
  readonly drivename: string;
  readonly storage?: string;
  readonly format?: string;
}

/** `resolve_dst_disk_format`: the requested format, else the source's, if the target storage supports it; else its default. */
export function resolveDstFormat(env: StorageEnv, storage: string, srcVolid: string, format: string | undefined): string {
  const hint = format ?? parseVolname(env.ctx, srcVolid).format;
  return pluginOf(env.ctx, storage).formats.includes(hint) ? hint : defaultFormat(env.ctx, storage);
}

/** `clone_disk`: returns the new drive; new volumes are pushed onto `newvollist`; `workMs` is this disk's share of the worker's time. */
export async function cloneDisk(
  env: StorageEnv,
  source: CloneSource,
  target: CloneTarget,
  full: boolean,
  newvollist: string[],
  log: (line: string) => void,
  workMs: number,
): Promise<Drive> {
  const { drive } = source;
  const unused = source.drivename.startsWith("unused");
  log(`create ${full ? "full" : "linked"} clone of drive ${source.drivename} (${drive.file})`);
  let newVolid: string;
  if (!full) {
    newVolid = await vdiskClone(env, drive.file, target.vmid, workMs, source.snapname);
    newvollist.push(newVolid);
  } else {
    const [srcStorage] = parseVolumeId(drive.file);
    const storage = target.storage ?? srcStorage;
    const format = resolveDstFormat(env, storage, drive.file, target.format);
    if (target.format && target.format !== format)
      log(`format '${target.format}' is not supported by the target storage '${storage}' - using '${format}' instead`);
    let name: string | undefined;
    let size: number;
    if (driveIsCloudinit(drive)) {
      name = `vm-${target.vmid}-cloudinit${storageConfig(env.ctx, storage).path ? `.${format}` : ""}`;
      size = CLOUDINIT_DISK_SIZE;
    } else if (target.drivename === "efidisk0") {
      size = efivarsSize(drive.efitype); // `efisize`: the OVMF vars file, not the source volume
    } else if (target.drivename === "tpmstate0") {
      size = 4 * 1024 * 1024;
    } else {
      const found = findVolume(env, drive.file);
      if (!found) throw pveDie(`volume '${drive.file}' does not exist`);
      size = found.snapshots.find((snap) => snap.name === source.snapname)?.size ?? found.size;
    }
    newVolid = await vdiskAlloc(env, { storage, vmid: target.vmid, format, ...(name ? { name } : {}), sizeKiB: Math.ceil(size / 1024) }, workMs * ALLOC_SHARE);
    newvollist.push(newVolid);
    log(`allocated target volume '${newVolid}'`);
    if (!driveIsCloudinit(drive)) await sleep(Math.round(workMs * (1 - ALLOC_SHARE)));
  }
  const disk: Drive = { ...drive, file: newVolid };
  delete disk.format;
  const size = volumeSize(env, newVolid);
  if (size !== undefined && !unused) disk.size = size;
  return disk;
}
