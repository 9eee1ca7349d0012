/**
 * Disks of a VM config (qemu-server `src/PVE/API2/Qemu.pm` `$check_drive_param`, `create_disks`,
 * `$import_from_volid`; `src/PVE/QemuServer.pm` `cleanup_drive_path`,
 * `vmconfig_register_unused_drive`, `try_deallocate_drive`, `vm_is_volid_owner`;
 * `QemuServer/Drive.pm` `is_volume_in_use`). New disks are `storage:sizeGiB` (or
 * `storage:0,import-from=<volume>`), cloud-init drives `storage:cloudinit`; allocated volumes are
 * freed again when a later disk of the same request fails.
 */
import type { SimAuth, SimContext } from "../../types";
import { pveDie } from "../config-text";
import { paramError } from "../param-error";
import { storageConfigOf } from "../storage";
import { addUnusedVolume, type ConfigSection, type GuestConf } from "../guests/config";
import { checkPrivs } from "../guests/permissions";
import { checkVolumeAccess } from "../guests/volume-access";
import {
  defaultFormat,
  findVolume,
  parseVolname,
  parseVolumeId,
  storageConfig,
  vdiskAlloc,
  vdiskCreateBase,
  vdiskFree,
  volumeSize,
  type StorageEnv,
} from "../guests/storage-ops";
import { DRIVE_NAMES, isDriveName } from "./confdesc";
import { driveIsCdrom, driveIsCloudinit, NEW_DISK_RE, parseDrive, printDrive, type Drive } from "./drive";

/** `CLOUDINIT_DISK_SIZE` and `TPMSTATE_DISK_SIZE`: 4 MiB each. */
export const CLOUDINIT_DISK_SIZE = 4 * 1024 * 1024;
const TPMSTATE_DISK_SIZE = 4 * 1024 * 1024;
/** OVMF_VARS sizes (`OVMF.pm` `get_efivars_size`): 540672 bytes for `4m`, 131072 for `2m` (the default). */
const EFIVARS_SIZE: Readonly<Record<string, number>> = { "4m": 540672, "2m": 131072 };

/** `get_efivars_size` of an EFI disk's `efitype`. */
export function efivarsSize(efitype: string | number | undefined): number {
  return EFIVARS_SIZE[String(efitype ?? "2m")] ?? 131072;
}

/** `cleanup_drive_path`: an absolute path under a storage becomes its volume id; `cdrom`/`none` get `media=cdrom`. */
function cleanupDrivePath(ctx: SimContext, key: string, drive: Drive): void {
  const file = drive.file;
  if (!/^(cdrom|none)$/.test(file) && !/^\/dev\/.+/.test(file) && !/^([^:]+):(.+)$/.test(file) && !/^\d+$/.test(file)) {
    const mapped = pathToVolumeId(ctx, file);
    if (!mapped) throw paramError({ [key]: `unable to associate path '${file}' to any storage` });
    if (drive.media === undefined && mapped.vtype === "iso") drive.media = "cdrom";
    drive.file = mapped.volid;
  }
  if (drive.media === undefined && /^(cdrom|none)$/.test(drive.file)) drive.media = "cdrom";
}

/** `path_to_volume_id` for file storages: `<path>/images/<vmid>/<name>` and `<path>/template/iso/<name>`. */
function pathToVolumeId(ctx: SimContext, path: string): { vtype: string; volid: string } | undefined {
  for (const [storage, scfg] of storageEntries(ctx)) {
    const base = typeof scfg.path === "string" ? scfg.path : undefined;
    if (!base) continue;
    const image = new RegExp(`^${escape(base)}/images/(\\d+)/([^/]+)$`).exec(path);
    if (image) return { vtype: "images", volid: `${storage}:${image[1]}/${image[2]}` };
    const iso = new RegExp(`^${escape(base)}/template/iso/([^/]+)$`).exec(path);
    if (iso) return { vtype: "iso", volid: `${storage}:iso/${iso[1]}` };
  }
  return undefined;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function storageEntries(ctx: SimContext): [string, ConfigSection][] {
  return [...storageConfigOf(ctx).entries()];
}

/**
 * `$check_drive_param`: every drive of `params` must parse; `import-from` needs
 * `<storage>:0,import-from=<source>` (EFI disks their `efitype` and `pre-enrolled-keys`, TPM
 * state its `version`); an ISO needs `media=cdrom`; each drive is rewritten canonically.
 */
export function checkDriveParams(ctx: SimContext, params: Record<string, string | number>): void {
  for (const key of Object.keys(params).sort()) {
    if (!isDriveName(key)) continue;
    const drive = parseDrive(key, String(params[key]), true);
    if (!drive) throw paramError({ [key]: "unable to parse drive options" });
    if (drive["import-from"] !== undefined) {
      const m = NEW_DISK_RE.exec(drive.file);
      if (!m || Number(m[3]) !== 0) throw paramError({ [key]: "'import-from' requires special syntax - use <storage ID>:0,import-from=<source>" });
      if (key === "efidisk0") {
        for (const required of ["efitype", "pre-enrolled-keys"]) {
          if (drive[required] === undefined) throw paramError({ [key]: `need to specify '${required}' when using 'import-from'` });
        }
      } else if (key === "tpmstate0" && drive.version === undefined) {
        throw paramError({ [key]: "need to specify 'version' when using 'import-from'" });
      }
    }
    cleanupDrivePath(ctx, key, drive);
    const id = parseVolumeId(drive.file, true);
    if (id && !NEW_DISK_RE.test(drive.file) && id[1] !== "cloudinit") {
      if (parseVolname(ctx, drive.file).vtype === "iso" && drive.media !== "cdrom")
        throw paramError({ [key]: "explicit 'media=cdrom' is required for iso images" });
    }
    params[key] = printDrive(key, drive, true);
  }
}

/** The cloud-init drive key of a section, if any (`has_cloudinit`, skipping `skip`). */
function cloudinitKey(section: Readonly<ConfigSection>, skip: string): string | undefined {
  for (const key of DRIVE_NAMES) {
    if (key === skip || section[key] === undefined) continue;
    const drive = parseDrive(key, String(section[key]));
    if (drive && driveIsCloudinit(drive)) return key;
  }
  return undefined;
}

/** How many disks of `settings` `create_disks` allocates (new disks, imports, cloud-init drives). */
export function newDiskCount(settings: Readonly<Record<string, string | number>>): number {
  return Object.keys(settings).filter((key) => {
    if (!isDriveName(key)) return false;
    const drive = parseDrive(key, String(settings[key]), true);
    if (!drive || driveIsCdrom(drive, true)) return false;
    return NEW_DISK_RE.test(drive.file) || parseVolumeId(drive.file, true)?.[1] === "cloudinit";
  }).length;
}

/** What `create_disks` needs about the request. */
export interface CreateDisksInput {
  readonly env: StorageEnv;
  readonly auth: SimAuth;
  readonly vmid: number;
  /** The config the disks go into (its pending section counts for the cloud-init check). */
  readonly conf: GuestConf;
  readonly settings: Readonly<Record<string, string | number>>;
  readonly defaultStorage?: string;
  readonly isTemplate: boolean;
  /** Logs a worker line. */
  readonly log: (line: string) => void;
  /** Time each allocation holds its storage lock (ms). */
  readonly allocMs: number;
}

/** `create_disks`: allocates the new disks of `settings`; returns the drive strings and the new volumes. */
export async function createDisks(input: CreateDisksInput): Promise<{ created: Record<string, string>; vollist: string[] }> {
  const { env, vmid, settings, log } = input;
  const created: Record<string, string> = {};
  const vollist: string[] = [];
  try {
    for (const key of Object.keys(settings).sort()) {
      if (!isDriveName(key)) continue;
      const disk = parseDrive(key, String(settings[key]), true);
      if (!disk) continue;
      const volid = disk.file;
      const id = parseVolumeId(volid, true);
      if (!volid || volid === "none" || volid === "cdrom") {
        delete disk.size;
        created[key] = printDrive(key, disk);
      } else if (id?.[1] === "cloudinit") {
        const storage = id[0] || input.defaultStorage;
        if (!storage) throw pveDie("no storage ID specified (and no default storage)");
        const attached = cloudinitKey(input.conf.main, key) ?? cloudinitKey(input.conf.pending, key) ?? cloudinitKey(created, key);
        if (attached) throw pveDie(`${key} - cloud-init drive is already attached at '${attached}'`);
        const scfg = storageConfig(env.ctx, storage);
        const format = String(disk.format ?? (scfg.path ? "qcow2" : "raw"));
        const name = `vm-${vmid}-cloudinit${scfg.path ? `.${format}` : ""}`;
        const newVolid = await vdiskAlloc(env, { storage, vmid, format, name, sizeKiB: CLOUDINIT_DISK_SIZE / 1024 }, input.allocMs);
        vollist.push(newVolid);
        disk.file = newVolid;
        disk.media = "cdrom";
        delete disk.format;
        created[key] = printDrive(key, disk);
        log(`${key}: successfully created disk '${created[key]}'`);
      } else if (NEW_DISK_RE.test(volid)) {
        const m = NEW_DISK_RE.exec(volid) ?? [];
        const storage = m[2] || input.defaultStorage;
        if (!storage) throw pveDie("no storage ID specified (and no default storage)");
        let sizeKiB = Math.ceil(Number(m[3]) * 1024 * 1024);
        const source = disk["import-from"];
        delete disk["import-from"];
        if (typeof source === "string") {
          const sourceSize = importSourceSize(env, source, vmid);
          sizeKiB = Math.ceil(sourceSize / 1024);
          log(`importing disk '${source}' to VM ${vmid} ...`);
        }
        const format = String(disk.format || defaultFormat(env.ctx, storage));
        let newVolid: string;
        // `size=` is what was asked for (the storage may round the volume up, LVM to 4 MiB);
        // only an imported disk and the EFI vars disk report the volume's own size
        let actualSize = typeof source === "string";
        if (key === "efidisk0") {
          newVolid = await vdiskAlloc(env, { storage, vmid, format, sizeKiB: efivarsSize(disk.efitype) / 1024 }, input.allocMs);
          actualSize = true;
        } else if (key === "tpmstate0") {
          sizeKiB = TPMSTATE_DISK_SIZE / 1024;
          newVolid = await vdiskAlloc(env, { storage, vmid, format, sizeKiB }, input.allocMs);
        } else {
          newVolid = await vdiskAlloc(env, { storage, vmid, format, sizeKiB }, input.allocMs);
        }
        if (input.isTemplate) newVolid = await vdiskCreateBase(env, newVolid);
        vollist.push(newVolid);
        disk.file = newVolid;
        disk.size = (actualSize ? volumeSize(env, newVolid) : undefined) ?? sizeKiB * 1024;
        delete disk.format;
        created[key] = printDrive(key, disk);
        log(`${key}: successfully created disk '${created[key]}'`);
      } else {
        checkVolumeAccess(env.ctx, input.auth, vmid, volid);
        if (id) {
          const { vtype, format } = parseVolname(env.ctx, volid);
          if (vtype !== "images" && vtype !== "iso")
            throw pveDie(`cannot use volume ${volid} - content type needs to be 'images' or 'iso' at /usr/share/perl5/PVE/API2/Qemu.pm line 688.`);
          if (disk.format && disk.format !== format)
            throw pveDie(`drive '${key}' - volume '${volid}' - 'format=${disk.format}' option different from storage format '${format}'`);
          if (driveIsCloudinit(disk)) {
            const attached = cloudinitKey(input.conf.main, key) ?? cloudinitKey(input.conf.pending, key) ?? cloudinitKey(created, key);
            if (attached) throw pveDie(`${key} - cloud-init drive is already attached at '${attached}'`);
          }
        }
        const size = id ? volumeSize(env, volid) : undefined;
        if (!size && !volid.startsWith("/dev/")) throw pveDie(`volume ${volid} does not exist`);
        if (size) disk.size = size;
        created[key] = printDrive(key, disk);
      }
    }
  } catch (err) {
    for (const volid of vollist) await vdiskFree(env, volid).catch(() => undefined);
    throw err;
  }
  return { created, vollist };
}

/** `$import_from_volid`'s checks on a PVE-managed source: it must exist and may not be a cloud-init drive. */
function importSourceSize(env: StorageEnv, source: string, _vmid: number): number {
  if (!parseVolumeId(source, true)) throw pveDie(`cannot import from '${source}' - could not get file size of ${source}`);
  const size = volumeSize(env, source);
  if (!size) throw pveDie(`cannot import from '${source}' - could not get size of ${source}`);
  if (driveIsCloudinit({ file: source })) throw pveDie(`cannot import from '${source}' - cannot import from cloudinit disk`);
  return size;
}

/** `vm_is_volid_owner`. */
export function isVolidOwner(ctx: SimContext, vmid: number, volid: string): boolean {
  if (volid.startsWith("/")) return false;
  try {
    return parseVolname(ctx, volid).vmid === vmid && parseVolname(ctx, volid).vtype === "images";
  } catch {
    return false;
  }
}

/**
 * `vmconfig_register_unused_drive`: a dropped cloud-init drive is freed (and the special section
 * goes); a dropped disk this VM owns becomes `unusedN`.
 */
export async function registerUnusedDrive(env: StorageEnv, vmid: number, conf: GuestConf, drive: Drive): Promise<void> {
  if (driveIsCloudinit(drive)) {
    await vdiskFree(env, drive.file).catch(() => undefined);
    conf.special.delete("cloudinit");
    return;
  }
  if (driveIsCdrom(drive)) return;
  const id = parseVolumeId(drive.file, true);
  if (!id) return;
  try {
    storageConfig(env.ctx, id[0]);
  } catch {
    return;
  }
  if (isVolidOwner(env.ctx, vmid, drive.file)) addUnusedVolume(conf.main, drive.file);
}

/** `is_volume_in_use`: another drive (or a snapshot) still references `volid`. */
export function isVolumeInUse(conf: GuestConf, skipKey: string | undefined, volid: string): boolean {
  const scan = (section: Readonly<ConfigSection>, skip: string | undefined): boolean =>
    Object.entries(section).some(([key, value]) => {
      if (!isDriveName(key) || key === skip) return false;
      const drive = parseDrive(key, String(value));
      return Boolean(drive && !driveIsCdrom(drive) && drive.file === volid);
    });
  if (scan(conf.main, skipKey)) return true;
  return [...conf.snapshots.values()].some((snap) => scan(snap, undefined));
}

/** `try_deallocate_drive`: with `force` (or for `unusedN`) an owned volume is freed; returns whether the key can go. */
export async function tryDeallocateDrive(
  env: StorageEnv,
  auth: SimAuth,
  vmid: number,
  conf: GuestConf,
  key: string,
  drive: Drive,
  force: boolean,
): Promise<boolean> {
  if (!(force || key.startsWith("unused")) || driveIsCdrom(drive, true)) return false;
  if (!isVolidOwner(env.ctx, vmid, drive.file)) return true;
  const [storage] = parseVolumeId(drive.file);
  checkPrivs(env.ctx, auth, `/storage/${storage}`, ["Datastore.AllocateSpace"]);
  if (isVolumeInUse(conf, key, drive.file)) throw pveDie(`unable to delete '${drive.file}' - volume is still in use (snapshot?)`);
  if (findVolume(env, drive.file)) await vdiskFree(env, drive.file);
  return true;
}
