/**
 * The `PVE::Storage` functions guests call (pve-storage `src/PVE/Storage.pm`): `parse_volume_id`,
 * `storage_config`, `storage_check_enabled`, `parse_volname`, `vdisk_alloc`, `vdisk_clone`,
 * `vdisk_create_base`, `vdisk_free`, `volume_resize`, `rename_volume`, `volume_size_info`,
 * `volume_is_base_and_used`. Allocation, cloning and removal run under the storage's lock as
 * `cluster_lock_storage` takes it (`Plugin.pm`): the cfs lock `storage-<id>` for shared storage,
 * the node's flock `/var/lock/pve-manager/pve-storage-<id>` otherwise, 10 s to acquire.
 */
import { sleep } from "../../core/clock";
import type { SimContext } from "../../types";
import { pveDie, type ConfigRecord } from "../config-text";
import { storageConfigOf } from "../storage";
import { imagePlugin, type ImagePlugin } from "./storage-plugins";
import { volidOf, volumesOf, VolumeStore, type Volume } from "./volumes";

/** Where a storage operation runs: the simulator and the node whose handler calls it. */
export interface StorageEnv {
  readonly ctx: SimContext;
  readonly node: string;
}

/** What `parse_volname` returns (`$vtype, $name, $vmid, $basename, $basevmid, $isBase, $format`). */
export interface ParsedVolname {
  readonly vtype: string;
  readonly name: string;
  readonly vmid?: number;
  readonly basename?: string;
  readonly basevmid?: number;
  readonly isBase: boolean;
  readonly format: string;
}

/** `PVE::Storage::Plugin::parse_volume_id`: `[storage, volname]`, or undefined with `noerr`. */
export function parseVolumeId(volid: string, noerr: true): [string, string] | undefined;
export function parseVolumeId(volid: string, noerr?: false): [string, string];
export function parseVolumeId(volid: string, noerr = false): [string, string] | undefined {
  const m = /^([a-z][a-z0-9\-_.]*[a-z0-9]):(.+)$/i.exec(volid);
  if (m?.[1] && m[2]) return [m[1], m[2]];
  if (noerr) return undefined;
  throw pveDie(`unable to parse volume ID '${volid}'`);
}

/** `storage_config`: the storage's section, or `storage 'x' does not exist`. */
export function storageConfig(ctx: SimContext, storage: string): ConfigRecord {
  const scfg = storageConfigOf(ctx).get(storage);
  if (!scfg) throw pveDie(`storage '${storage}' does not exist`);
  return scfg;
}

/** The storage's content types as a set. */
export function contentOf(scfg: ConfigRecord): Set<string> {
  return new Set(
    String(scfg.content ?? "")
      .split(",")
      .filter((c) => c !== ""),
  );
}

/** `storage_check_enabled`: disabled, or not available on `node` (`nodes` restriction). */
export function storageCheckEnabled(ctx: SimContext, storage: string, node: string): ConfigRecord {
  const scfg = storageConfig(ctx, storage);
  if (scfg.disable) throw pveDie(`storage '${storage}' is disabled`);
  if (scfg.nodes !== undefined && !String(scfg.nodes).split(",").includes(node)) {
    throw pveDie(`storage '${storage}' is not available on node '${node}'`);
  }
  return scfg;
}

/** The location of `storage`'s volumes seen from `node`. */
export function locationOf(ctx: SimContext, storage: string, node: string): string {
  return VolumeStore.location(storage, Boolean(storageConfig(ctx, storage).shared), node);
}

const FILE_NAME = /^((vm-|base-|subvol-)(\d+)-[^/\s]+\.(raw|qcow2|vmdk|subvol))$/;

/**
 * The file names `Plugin::parse_volname` accepts per content directory (`$ISO_EXT_RE_0`,
 * `$VZTMPL_EXT_RE_1`, `$BACKUP_EXT_RE_2` with `COMPRESSOR_RE`, `$IMPORT_EXT_RE_1`).
 */
const CONTENT_NAME: Readonly<Record<string, RegExp>> = {
  iso: /\.(?:iso|img)$/i,
  vztmpl: /\.(?:tar|tar\.(?:gz|xz|zst|bz2))$/i,
  backup: /\.(?:tgz|(?:tar|vma)(?:\.(?:gz|lzo|zst|bz2))?)$/,
  snippets: /./,
  import: /\.(?:ova|ovf|qcow2|raw|vmdk)$/,
};

/** `parse_name_dir`: `[name, format, isBase]` of an image file name. */
function parseNameDir(name: string): [string, string, boolean] {
  const m = FILE_NAME.exec(name);
  if (m?.[1] && m[4]) return [m[1], m[4], m[2] === "base-"];
  const plain = /^((base-)?[^/\s]+\.(raw|qcow2|vmdk|subvol))$/.exec(name);
  if (plain?.[1] && plain[3]) return [plain[1], plain[3], plain[2] !== undefined];
  throw pveDie(`unable to parse volume filename '${name}'`);
}

/** `parse_volname` per plugin (`Plugin.pm`, `LVMPlugin.pm`, `ZFSPoolPlugin.pm`, `RBDPlugin.pm`). */
export function parseVolname(ctx: SimContext, volid: string): ParsedVolname {
  const [storage, volname] = parseVolumeId(volid);
  const type = String(storageConfig(ctx, storage).type);
  const plugin = imagePlugin(type);
  if (plugin.fileBased) {
    const linked = /^(\d+)\/(\S+)\/(\d+)\/(\S+)$/.exec(volname);
    if (linked?.[1] && linked[2] && linked[3] && linked[4]) {
      parseNameDir(linked[2]);
      const [, format, isBase] = parseNameDir(linked[4]);
      return { vtype: "images", name: linked[4], vmid: Number(linked[3]), basename: linked[2], basevmid: Number(linked[1]), isBase, format };
    }
    const image = /^(\d+)\/(\S+)$/.exec(volname);
    if (image?.[1] && image[2]) {
      const [, format, isBase] = parseNameDir(image[2]);
      return { vtype: "images", name: image[2], vmid: Number(image[1]), isBase, format };
    }
    const content = /^(iso|vztmpl|backup|snippets|import)\/([^/]+)$/.exec(volname);
    if (content?.[1] && content[2] && CONTENT_NAME[content[1]]?.test(content[2])) {
      const owner = content[1] === "backup" ? /^vzdump-(?:openvz|lxc|qemu)-(\d+)-/.exec(content[2])?.[1] : undefined;
      const format = content[1] === "import" ? (/\.(qcow2|raw|vmdk|ova|ovf)$/.exec(content[2])?.[1] ?? "raw") : "raw";
      return { vtype: content[1], name: content[2], ...(owner ? { vmid: Number(owner) } : {}), isBase: false, format };
    }
    throw pveDie(`unable to parse directory volume name '${volname}'`);
  }
  const block = /^(((base|basevol)-(\d+)-\S+)\/)?((base|basevol|vm|subvol)-(\d+)-\S+)$/.exec(volname);
  if (block?.[5] && block[7]) {
    const format = type === "lvm" && volname.endsWith(".qcow2") ? "qcow2" : block[6] === "subvol" || block[6] === "basevol" ? "subvol" : "raw";
    return {
      vtype: "images",
      name: block[5],
      vmid: Number(block[7]),
      ...(block[2] ? { basename: block[2], basevmid: Number(block[4]) } : {}),
      isBase: block[6] === "base" || block[6] === "basevol",
      format,
    };
  }
  const label = type === "lvm" || type === "lvmthin" ? "lvm" : type === "rbd" ? "rbd" : "zfs";
  throw pveDie(`unable to parse ${label} volume name '${volname}'`);
}

/** The volume behind `volid` on `node`, or undefined when it does not exist. */
export function findVolume(env: StorageEnv, volid: string): Volume | undefined {
  const [storage, volname] = parseVolumeId(volid);
  return volumesOf(env.ctx).get(locationOf(env.ctx, storage, env.node), volname);
}

/** `volume_size_info`: the size in bytes, or undefined when the volume does not exist. */
export function volumeSize(env: StorageEnv, volid: string): number | undefined {
  return findVolume(env, volid)?.size;
}

/** `get_formats(...)->{default}` of a storage (a `format` option overrides the plugin's). */
export function defaultFormat(ctx: SimContext, storage: string): string {
  const scfg = storageConfig(ctx, storage);
  return typeof scfg.format === "string" ? scfg.format : imagePlugin(String(scfg.type)).defaultFormat;
}

/** The plugin facts of a storage. */
export function pluginOf(ctx: SimContext, storage: string): ImagePlugin {
  return imagePlugin(String(storageConfig(ctx, storage).type));
}

/** `cluster_lock_storage`'s lock: the cfs lock for shared storage, else the node's flock. */
export function storageLockId(ctx: SimContext, storage: string, node: string): string {
  return storageConfig(ctx, storage).shared ? `storage-${storage}` : `${node}:/var/lock/pve-manager/pve-storage-${storage}`;
}

/** Runs `fn` under the storage's lock, spending `holdMs` of plugin work (lvcreate, qemu-img) inside it. */
async function underStorageLock<T>(env: StorageEnv, storage: string, holdMs: number, fn: () => T): Promise<T> {
  return env.ctx.withLock(storageLockId(env.ctx, storage, env.node), async () => {
    if (holdMs > 0) await sleep(holdMs);
    return fn();
  });
}

/** Arguments of {@link vdiskAlloc} (`vdisk_alloc($cfg, $storeid, $vmid, $fmt, $name, $size)`). */
export interface AllocRequest {
  readonly storage: string;
  readonly vmid: number;
  readonly format?: string;
  /** A fixed name (`vm-100-cloudinit`, a content API `filename`); default: the next free disk name. */
  readonly name?: string;
  /** Size in KiB, as `vdisk_alloc` takes it. */
  readonly sizeKiB: number;
}

/** `vdisk_alloc`: allocates an image under the storage lock and returns its volid. */
export async function vdiskAlloc(env: StorageEnv, req: AllocRequest, holdMs = 0): Promise<string> {
  const scfg = storageCheckEnabled(env.ctx, req.storage, env.node);
  const plugin = imagePlugin(String(scfg.type));
  const format = req.format || defaultFormat(env.ctx, req.storage);
  return underStorageLock(env, req.storage, holdMs, () => {
    if (plugin.cannotAllocate) throw pveDie(plugin.cannotAllocate);
    if (!plugin.formats.includes(format)) throw pveDie(`unsupported format '${format}'`);
    if (req.name !== undefined && !req.name.startsWith(`vm-${req.vmid}-`)) throw pveDie(`illegal name '${req.name}' - should be 'vm-${req.vmid}-*'`);
    const location = locationOf(env.ctx, req.storage, env.node);
    const store = volumesOf(env.ctx);
    const suffix = plugin.fileBased ? `.${format}` : "";
    let name = req.name ?? store.nextDiskName(location, req.vmid, suffix, format === "subvol" ? "subvol" : "vm");
    if (plugin.fileBased && req.name !== undefined && !/\.(raw|qcow2|vmdk)$/.test(name)) name += suffix;
    const volname = plugin.fileBased ? `${req.vmid}/${name}` : name;
    if (store.get(location, volname))
      throw pveDie(
        plugin.fileBased
          ? `disk image '${String(scfg.path)}/images/${volname}' already exists`
          : `lvcreate '${name}' error: Logical Volume "${name}" already exists`,
      );
    const size = Math.ceil((req.sizeKiB * 1024) / plugin.granularity) * plugin.granularity;
    store.put(location, {
      storage: req.storage,
      volname,
      vtype: "images",
      vmid: req.vmid,
      format,
      size,
      ctime: Math.floor(env.ctx.now() / 1000),
      isBase: false,
      snapshots: [],
    });
    return `${req.storage}:${volname}`;
  });
}

/** `vdisk_clone`: a linked clone of a base image (or, where the plugin can, of a snapshot) for `vmid`. */
export async function vdiskClone(env: StorageEnv, volid: string, vmid: number, holdMs = 0, snapname?: string): Promise<string> {
  const [storage] = parseVolumeId(volid);
  const plugin = pluginOf(env.ctx, storage);
  storageCheckEnabled(env.ctx, storage, env.node);
  return underStorageLock(env, storage, holdMs, () => {
    const base = findVolume(env, volid);
    if (!base) throw pveDie(`volume '${volid}' does not exist`);
    const snapshot = snapname === undefined ? undefined : base.snapshots.find((snap) => snap.name === snapname);
    if (snapname !== undefined && !snapshot) throw pveDie(`snapshot '${snapname}' of '${volid}' does not exist`);
    if (!base.isBase && !snapshot) throw pveDie("clone_image only works on base images");
    const location = locationOf(env.ctx, storage, env.node);
    const store = volumesOf(env.ctx);
    const format = plugin.fileBased ? "qcow2" : base.format;
    const name = store.nextDiskName(location, vmid, plugin.fileBased ? ".qcow2" : "");
    const volname =
      plugin.linkedClone === "thin" ? name : plugin.fileBased ? `${base.vmid}/${base.volname.split("/")[1]}/${vmid}/${name}` : `${base.volname}/${name}`;
    const clone: Volume = {
      storage,
      volname,
      vtype: "images",
      vmid,
      format,
      size: snapshot?.size ?? base.size,
      ctime: Math.floor(env.ctx.now() / 1000),
      isBase: false,
      snapshots: [],
    };
    if (plugin.linkedClone === "thin") clone.origin = volid;
    else clone.parent = volid;
    store.put(location, clone);
    return volidOf(clone);
  });
}

/** `vdisk_create_base`: renames `vm-<id>-...` to `base-<id>-...` and returns the new volid. */
export async function vdiskCreateBase(env: StorageEnv, volid: string, holdMs = 0): Promise<string> {
  const [storage] = parseVolumeId(volid);
  return underStorageLock(env, storage, holdMs, () => {
    const volume = findVolume(env, volid);
    if (!volume) throw pveDie(`volume '${volid}' does not exist`);
    if (volume.isBase) throw pveDie("create_base not possible with base image");
    const location = locationOf(env.ctx, storage, env.node);
    const store = volumesOf(env.ctx);
    store.remove(location, volume.volname);
    volume.volname =
      volume.format === "subvol" ? volume.volname.replace(/(^|\/)subvol-(\d+-)/, "$1basevol-$2") : volume.volname.replace(/(^|\/)vm-(\d+-)/, "$1base-$2");
    volume.isBase = true;
    store.put(location, volume);
    return volidOf(volume);
  });
}

/** `volume_is_base_and_used`: a base whose name a linked clone carries (not LVM-thin: its clones do not). */
export function volumeIsBaseAndUsed(env: StorageEnv, volid: string): boolean {
  const [storage] = parseVolumeId(volid);
  const volume = findVolume(env, volid);
  if (!volume?.isBase) return false;
  return volumesOf(env.ctx)
    .list(locationOf(env.ctx, storage, env.node))
    .some((v) => v.parent === volid);
}

/**
 * `vdisk_free`: removes a volume (with its snapshots); a base still used by linked clones is
 * refused, and so is a protected backup (`Plugin::free_image`).
 */
export async function vdiskFree(env: StorageEnv, volid: string, holdMs = 0): Promise<void> {
  const [storage, volname] = parseVolumeId(volid);
  storageConfig(env.ctx, storage);
  await underStorageLock(env, storage, holdMs, () => {
    if (volumeIsBaseAndUsed(env, volid)) throw pveDie(`base volume '${volname}' is still in use by linked clones`);
    if (findVolume(env, volid)?.protected) throw pveDie(`cannot remove protected volume '${volname}' on '${storage}'`);
    volumesOf(env.ctx).remove(locationOf(env.ctx, storage, env.node), volname);
  });
}

/** `volume_resize`: the new size in bytes (rounded up to the plugin's granularity). */
export function volumeResize(env: StorageEnv, volid: string, bytes: number): number {
  const volume = findVolume(env, volid);
  if (!volume) throw pveDie(`volume '${volid}' does not exist`);
  const granularity = pluginOf(env.ctx, volume.storage).granularity;
  volume.size = Math.ceil(bytes / granularity) * granularity;
  return volume.size;
}

/** `rename_volume`: hands an image to another VM (`move_disk` with `target-vmid`), named for its new owner. */
export async function renameVolume(env: StorageEnv, volid: string, targetVmid: number): Promise<string> {
  const [storage] = parseVolumeId(volid);
  const plugin = pluginOf(env.ctx, storage);
  return underStorageLock(env, storage, 0, () => {
    const volume = findVolume(env, volid);
    if (!volume) throw pveDie(`volume '${volid}' does not exist`);
    const location = locationOf(env.ctx, storage, env.node);
    const store = volumesOf(env.ctx);
    const name = store.nextDiskName(location, targetVmid, plugin.fileBased ? `.${volume.format}` : "");
    store.remove(location, volume.volname);
    volume.volname = plugin.fileBased ? `${targetVmid}/${name}` : name;
    volume.vmid = targetVmid;
    store.put(location, volume);
    return volidOf(volume);
  });
}

/** Moves a local volume to another node's copy of the storage (what migration's storage copy leaves). */
export function relocateVolume(ctx: SimContext, volid: string, from: string, to: string): void {
  const [storage, volname] = parseVolumeId(volid);
  if (storageConfig(ctx, storage).shared) return;
  const store = volumesOf(ctx);
  const volume = store.get(VolumeStore.location(storage, false, from), volname);
  if (!volume) return;
  store.remove(VolumeStore.location(storage, false, from), volname);
  store.put(VolumeStore.location(storage, false, to), volume);
}
