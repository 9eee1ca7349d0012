/**
 * Storage content (pve-storage `src/PVE/API2/Storage/Content.pm` `index`, `create`, `info`,
 * `updateattributes`, `delete`; `Storage.pm` `volume_list`, `Plugin.pm` `list_volumes`,
 * `list_images`, `get_subdir_files`; `DirPlugin.pm` `get_volume_attribute`,
 * `update_volume_attribute`): the volumes of a storage on a node, filtered by content type and
 * VMID and by what the caller may access (`check_volume_access`), backups with their guest type,
 * time, notes and protection; allocating an image by name and size (`vdisk_alloc`); a volume's
 * attributes, and a backup's notes and protection set on directory-like storages; deleting one in
 * an `imgdel` task, which checks no guest config (as on PVE) but refuses a protected backup.
 */
import type { SimContext, SimRequest } from "../../types";
import { pveDie } from "../config-text";
import { paramError } from "../param-error";
import type { Register } from "../generic-store";
import { checkPrivs } from "./permissions";
import { checkVolumeAccess } from "./volume-access";
import {
  contentOf,
  findVolume,
  locationOf,
  parseVolname,
  parseVolumeId,
  pluginOf,
  storageCheckEnabled,
  storageConfig,
  vdiskAlloc,
  vdiskFree,
} from "./storage-ops";
import { volidOf, volumesOf, type Volume } from "./volumes";
import { vmlistOf } from "./vmlist";
import { taskSucceeded, waitForTask } from "./worker";

/** `$real_volume_id`: a volume id, or a volname with the storage from the path. */
function realVolumeId(storage: string | undefined, volume: string): { volid: string; storage: string } {
  if (volume.includes(":")) {
    const id = parseVolumeId(volume, true);
    if (!id) throw paramError({ volume: `unable to parse volume ID '${volume}'\n` });
    if (storage && id[0] !== storage) throw paramError({ volume: `storage ID mismatch (${id[0]} != ${storage})\n` });
    return { volid: volume, storage: id[0] };
  }
  if (!storage) throw paramError({ volume: "no storage specified - incomplete volume ID" });
  return { volid: `${storage}:${volume}`, storage };
}

/** The path `PVE::Storage::path` gives a volume. */
export function volumePath(ctx: SimContext, volume: Volume): string {
  const scfg = storageConfig(ctx, volume.storage);
  if (pluginOf(ctx, volume.storage).fileBased) {
    const sub =
      volume.vtype === "images"
        ? "images"
        : volume.vtype === "iso"
          ? "template/iso"
          : volume.vtype === "vztmpl"
            ? "template/cache"
            : volume.vtype === "backup"
              ? "dump"
              : volume.vtype;
    return `${String(scfg.path)}/${sub}/${volume.volname.replace(/^(iso|vztmpl|backup|snippets|import)\//, "")}`;
  }
  if (scfg.type === "lvmthin" || scfg.type === "lvm") return `/dev/${String(scfg.vgname)}/${volume.volname}`;
  if (scfg.type === "zfspool") return `/dev/zvol/${String(scfg.pool)}/${volume.volname.split("/").pop() ?? ""}`;
  return `/dev/rbd-pve/${volume.storage}/${volume.volname}`;
}

/** A backup's guest type as `archive_info` reads it from the name (`unknown` for other names). */
function backupSubtype(volname: string): string {
  return /^backup\/vzdump-(lxc|openvz|qemu)-/.exec(volname)?.[1] ?? "unknown";
}

/** One listing item (`list_images` / `get_subdir_files`). */
function listItem(ctx: SimContext, volume: Volume): Record<string, unknown> {
  const content = volume.vtype === "images" && volume.vmid !== undefined && vmlistOf(ctx).get(volume.vmid)?.type === "lxc" ? "rootdir" : volume.vtype;
  return {
    volid: volidOf(volume),
    format: volume.format,
    size: volume.size,
    ...(volume.vmid !== undefined ? { vmid: volume.vmid } : {}),
    ...(volume.parent !== undefined ? { parent: volume.parent.split(":")[1]?.split("/").slice(0, 2).join("/") } : {}),
    ...(pluginOf(ctx, volume.storage).fileBased && volume.vtype === "images" ? { used: 0 } : {}),
    ...(volume.vtype === "backup" ? { subtype: backupSubtype(volume.volname) } : {}),
    ...(volume.notes !== undefined ? { notes: volume.notes } : {}),
    ...(volume.protected ? { protected: 1 } : {}),
    ctime: volume.ctime,
    content,
  };
}

/** `update_volume_attribute` (`DirPlugin.pm` for directory-like storages, `Plugin.pm` otherwise). */
function updateAttribute(ctx: SimContext, volume: Volume, attribute: "notes" | "protected", value: string | number): void {
  const dirLike = ["dir", "nfs", "cifs", "cephfs", "btrfs"].includes(String(storageConfig(ctx, volume.storage).type));
  if (!dirLike) {
    if (attribute === "notes")
      throw pveDie(
        `volume notes are not supported for PVE::Storage::${pluginClass(String(storageConfig(ctx, volume.storage).type))} at /usr/share/perl5/PVE/Storage/Plugin.pm line 1300.`,
      );
    throw pveDie(`attribute '${attribute}' is not supported for storage type '${String(storageConfig(ctx, volume.storage).type)}'`);
  }
  if (volume.vtype !== "backup") throw pveDie(attribute === "notes" ? "only backups can have notes" : `only backups support attribute '${attribute}'`);
  if (attribute === "notes") {
    if (value === "") delete volume.notes;
    else volume.notes = String(value);
  } else if (value) {
    volume.protected = true;
  } else {
    delete volume.protected;
  }
}

/** The Perl class name of a storage type's plugin, as PVE's messages print it. */
function pluginClass(type: string): string {
  const names: Readonly<Record<string, string>> = {
    lvmthin: "LvmThinPlugin",
    lvm: "LVMPlugin",
    zfspool: "ZFSPoolPlugin",
    rbd: "RBDPlugin",
    iscsi: "ISCSIPlugin",
    zfs: "ZFSPlugin",
    iscsidirect: "ISCSIDirectPlugin",
    pbs: "PBSPlugin",
    esxi: "ESXiPlugin",
  };
  return names[type] ?? "Plugin";
}

/** Registers the content endpoints. */
export function installStorageContent(register: Register, ctx: SimContext): void {
  register("GET", "/nodes/{node}/storage/{storage}/content", (req) => {
    const node = String(req.params.node);
    const storage = String(req.params.storage);
    const scfg = storageCheckEnabled(ctx, storage, node);
    const types = contentOf(scfg);
    const wanted = req.params.content === undefined ? undefined : String(req.params.content);
    const vmid = req.params.vmid === undefined ? undefined : Number(req.params.vmid);
    return volumesOf(ctx)
      .list(locationOf(ctx, storage, node))
      .map((volume) => listItem(ctx, volume))
      .filter((item) => types.has(String(item.content)) || (item.content === "rootdir" && types.has("images")))
      .filter((item) => wanted === undefined || item.content === wanted)
      .filter((item) => vmid === undefined || item.vmid === vmid)
      .filter((item) => {
        try {
          checkVolumeAccess(ctx, req.auth, undefined, String(item.volid));
          return true;
        } catch {
          return false;
        }
      });
  });

  register("POST", "/nodes/{node}/storage/{storage}/content", async (req) => {
    const sizestr = String(req.params.size);
    let sizeKiB: number;
    if (/^\d+$/.test(sizestr)) sizeKiB = Number(sizestr);
    else if (/^(\d+)M$/.test(sizestr)) sizeKiB = Number(sizestr.slice(0, -1)) * 1024;
    else if (/^(\d+)G$/.test(sizestr)) sizeKiB = Number(sizestr.slice(0, -1)) * 1024 * 1024;
    else throw paramError({ size: `unable to parse size '${sizestr}'` });
    const name = String(req.params.filename);
    let format = req.params.format === undefined ? undefined : String(req.params.format);
    const fromName = /\.(raw|qcow2|vmdk)$/.exec(name)?.[1];
    if (fromName) {
      if (format && format !== fromName) throw paramError({ format: `different storage formats (${format} != ${fromName})` });
      format = fromName;
    }
    return vdiskAlloc(
      { ctx, node: String(req.params.node) },
      { storage: String(req.params.storage), vmid: Number(req.params.vmid), name, sizeKiB, ...(format ? { format } : {}) },
    );
  });

  register("GET", "/nodes/{node}/storage/{storage}/content/{volume}", (req) => {
    const { volid } = realVolumeId(req.params.storage === undefined ? undefined : String(req.params.storage), String(req.params.volume));
    checkVolumeAccess(ctx, req.auth, undefined, volid);
    const volume = findVolume({ ctx, node: String(req.params.node) }, volid);
    if (!volume) throw pveDie(`volume_size_info on '${volid}' failed - no format`);
    return {
      path: volumePath(ctx, volume),
      size: volume.size,
      used: 0,
      format: volume.format,
      ...(volume.vtype === "backup" ? { notes: volume.notes ?? "", protected: volume.protected ? 1 : 0 } : {}),
    };
  });

  register("PUT", "/nodes/{node}/storage/{storage}/content/{volume}", (req) => {
    const { volid } = realVolumeId(req.params.storage === undefined ? undefined : String(req.params.storage), String(req.params.volume));
    checkVolumeAccess(ctx, req.auth, undefined, volid);
    const volume = findVolume({ ctx, node: String(req.params.node) }, volid);
    for (const attribute of ["notes", "protected"] as const) {
      const value = req.params[attribute];
      if (value === undefined) continue;
      if (!volume) throw pveDie(`volume '${volid}' does not exist`);
      updateAttribute(ctx, volume, attribute, value as string | number);
    }
    return null;
  });

  register("DELETE", "/nodes/{node}/storage/{storage}/content/{volume}", async (req: SimRequest) => {
    const node = String(req.params.node);
    const { volid, storage } = realVolumeId(req.params.storage === undefined ? undefined : String(req.params.storage), String(req.params.volume));
    const { vtype, vmid: owner } = parseVolname(ctx, volid);
    if (vtype === "backup" && owner !== undefined) {
      checkPrivs(ctx, req.auth, `/storage/${storage}`, ["Datastore.AllocateSpace"]);
      checkPrivs(ctx, req.auth, `/vms/${owner}`, ["VM.Backup"]);
    } else {
      checkPrivs(ctx, req.auth, `/storage/${storage}`, ["Datastore.Allocate"]);
    }
    const id = `${owner !== undefined ? `${owner}@` : ""}${storage}`;
    const upid = ctx.startTask({
      node,
      type: "imgdel",
      id,
      auth: req.auth,
      work: async (log) => {
        await vdiskFree({ ctx, node }, volid);
        log(`Removed volume '${volid}'`);
      },
    });
    const delay = req.params.delay;
    if (typeof delay !== "number") return upid;
    const status = await waitForTask(ctx, upid, delay * 1000);
    if (status === undefined) return upid;
    if (taskSucceeded(status)) return null;
    throw pveDie(status);
  });
}
