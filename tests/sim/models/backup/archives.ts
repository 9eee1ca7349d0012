/**
 * vzdump archives on a storage's `backup` content (pve-storage `src/PVE/Storage.pm`
 * `archive_info`, `abs_filesystem_path`, `extract_vzdump_config`, `protection_file_path`;
 * `Plugin.pm` `get_subdir_files` for backups, `$BACKUP_EXT_RE_2`): the standard name
 * `vzdump-<type>-<vmid>-<YYYY_MM_DD-HH_MM_SS>.<vma|tar>[.<gz|lzo|zst|bz2>]` (its time read as the
 * node's local time, UTC in the simulator), the guest config each archive carries
 * (`qemu-server.conf`, `etc/vzdump/pct.conf`), and reading it back.
 */
import { pveDie } from "../config-text";
import { findVolume, parseVolumeId, type StorageEnv } from "../guests/storage-ops";
import type { BackupArchive, Volume } from "../guests/volumes";

/** What `archive_info` tells about an archive file name. */
export interface ArchiveInfo {
  readonly filename: string;
  readonly type: "qemu" | "lxc" | "openvz";
  readonly format: string;
  readonly compression?: string;
  /** Set for standard names only. */
  readonly vmid?: number;
  readonly ctime?: number;
  readonly isStdName: boolean;
}

const ARCHIVE_RE = /^(vzdump-(lxc|openvz|qemu)-.+\.(tgz|(?:tar|vma)(?:\.(gz|lzo|zst|bz2))?))$/;

/** `archive_info`: `ERROR: couldn't determine archive info from '<archive>'` for other names. */
export function archiveInfo(archive: string): ArchiveInfo {
  const base = archive.slice(archive.lastIndexOf("/") + 1).replace(/^[^:]*:backup\//, "");
  const m = ARCHIVE_RE.exec(base);
  if (!m?.[1] || !m[2] || !m[3]) throw pveDie(`ERROR: couldn't determine archive info from '${archive}'`);
  const type = m[2] as ArchiveInfo["type"];
  const extension = m[3];
  const format = extension === "tgz" ? "tar" : (extension.split(".")[0] ?? "tar");
  const compression = extension === "tgz" ? "gz" : m[4];
  const std = new RegExp(`^vzdump-${type}-([1-9][0-9]{2,8})-(\\d{4})_(\\d{2})_(\\d{2})-(\\d{2})_(\\d{2})_(\\d{2})\\.${extension.replace(/\./g, "\\.")}$`).exec(
    base,
  );
  const info = { filename: m[1], type, format, ...(compression ? { compression } : {}) };
  if (!std) return { ...info, isStdName: false };
  const [, vmid, year, month, day, hour, min, sec] = std.map(Number);
  return { ...info, vmid: vmid as number, ctime: Date.UTC(year as number, (month as number) - 1, day, hour, min, sec) / 1000, isStdName: true };
}

/** The standard archive name of a backup started at `time` (ms): `strftime("-%Y_%m_%d-%H_%M_%S", localtime)`. */
export function archiveName(type: "qemu" | "lxc", vmid: number, time: number, compressionExt: string | undefined): string {
  const d = new Date(time);
  const two = (n: number): string => String(n).padStart(2, "0");
  const stamp = `${d.getUTCFullYear()}_${two(d.getUTCMonth() + 1)}_${two(d.getUTCDate())}-${two(d.getUTCHours())}_${two(d.getUTCMinutes())}_${two(d.getUTCSeconds())}`;
  return `vzdump-${type}-${vmid}-${stamp}.${type === "qemu" ? "vma" : "tar"}${compressionExt ? `.${compressionExt}` : ""}`;
}

/** `abs_filesystem_path`: the file behind a volume id, or `can't find file '<volid>'`. */
export function archiveFile(env: StorageEnv, volid: string): Volume {
  const volume = parseVolumeId(volid, true) ? findVolume(env, volid) : undefined;
  if (!volume) throw pveDie(`can't find file '${volid}'`);
  return volume;
}

/** The archive's contents (what `vma extract` / `tar` would read), or PVE's refusal. */
export function archiveContents(env: StorageEnv, volid: string): BackupArchive {
  const volume = archiveFile(env, volid);
  archiveInfo(volid);
  if (!volume.archive) throw pveDie("ERROR: archive contains no configuration file");
  return volume.archive;
}

/** `extract_vzdump_config`: the guest config text an archive carries. */
export function extractVzdumpConfig(env: StorageEnv, volid: string): string {
  return archiveContents(env, volid).config;
}
