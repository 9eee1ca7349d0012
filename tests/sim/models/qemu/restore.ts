/**
 * Restoring a VM from a vzdump archive (qemu-server `src/PVE/API2/Qemu.pm` `create_vm` with
 * `archive`, `$classify_restore_archive`; `src/PVE/QemuServer.pm` `restore_file_archive`,
 * `restore_vma_archive`, `$parse_backup_hints`, `$restore_allocate_devices`,
 * `$restore_cleanup_oldconf`, `restore_update_config_line`, `restore_merge_config`,
 * `check_restore_permissions`, `rescan`): each disk of the archive gets a new volume (on
 * `storage`, else the storage it came from, else `local`; `images` content required), sized as
 * backed up; the config is the archive's with the new volumes, a new `vmgenid`, with `unique`
 * new MACs and SMBIOS UUID, without `lock`, `parent` and unused disks, and the request's own
 * settings on top; volumes of a replaced VM that were not restored become `unusedN`. A restored
 * template is converted again. A failure leaves the VM's config (its `lock: create` removed).
 */
import { randomUUID } from "node:crypto";
import type { SimAuth, SimContext } from "../../types";
import { SimError } from "../../types";
import { pveDie } from "../config-text";
import { paramError } from "../param-error";
import { addVmToPool } from "../guests/access";
import { addUnusedVolume, checkProtection, emptyConf, type ConfigSection } from "../guests/config";
import { addHaResource, haStateOf, queueHaRequest, sidOf } from "../guests/ha";
import { randomDatacenterMac } from "../guests/params";
import { checkPrivs, isRoot } from "../guests/permissions";
import { contentOf, locationOf, parseVolumeId, pluginOf, storageConfig, vdiskAlloc, vdiskFree, type StorageEnv } from "../guests/storage-ops";
import { checkVolumeAccess } from "../guests/volume-access";
import { volidOf, volumesOf } from "../guests/volumes";
import { storageConfigOf } from "../storage";
import { archiveContents, archiveFile, archiveInfo } from "../backup/archives";
import { volumePath } from "../guests/storage-content";
import { parsePropertyStringStrict, printPropertyString } from "../property-string";
import type { Worker } from "../guests/worker";
import { parseVmConfigMain } from "./config-file";
import { isDriveName } from "./confdesc";
import { checkRunning, type QemuDeps } from "./deps";
import { startVm } from "./power";
import { lockConfig } from "./worker";
import { isVolidOwner } from "./disks";
import { driveIsCdrom, driveIsCloudinit, parseDrive, printDrive } from "./drive";
import { parseNet, printNet } from "./net";
import { checkBridgeAccess } from "./permissions";
import { templateCreate } from "./template";

/** How a restore was asked for. */
export interface RestoreOptions {
  readonly storage?: string;
  readonly unique: boolean;
  readonly pool?: string;
  /** The request's config keys, which win over the archive's. */
  readonly override: Readonly<Record<string, string | number>>;
}

/** `$smbios1_fmt` (named `pve-qm-smbios1`). */
const SMBIOS_FORMAT = {
  uuid: { type: "string", optional: true },
  version: { type: "string", optional: true },
  serial: { type: "string", optional: true },
  manufacturer: { type: "string", optional: true },
  product: { type: "string", optional: true },
  sku: { type: "string", optional: true },
  family: { type: "string", optional: true },
  base64: { type: "boolean", optional: true },
} as const;

/** `restore_update_config_line` over the archive's config text. */
function updateConfigLines(ctx: StorageEnv["ctx"], raw: string, map: ReadonlyMap<string, string>, unique: boolean): string {
  let out = "";
  for (const line of raw.split("\n")) {
    if (line === "") continue;
    if (/^#qmdump#/.test(line) || /^#vzdump#/.test(line) || /^lock:/.test(line) || /^unused\d+:/.test(line) || /^parent:/.test(line)) continue;
    const net = /^(net\d+):\s*(\S+)\s*$/.exec(line);
    const drive = /^((ide|scsi|virtio|sata|efidisk|tpmstate)\d+):\s*(\S+)\s*$/.exec(line);
    if (net?.[1] && net[2] && unique) {
      const parsed = parseNet(ctx, net[2], true) ?? {};
      if (parsed.macaddr) parsed.macaddr = randomDatacenterMac(ctx);
      out += `${net[1]}: ${printNet(parsed)}\n`;
    } else if (drive?.[1] && drive[3]) {
      const di = parseDrive(drive[1], drive[3]);
      if (di?.backup !== undefined && !Number(di.backup)) out += `#${line}\n`;
      else if (di && map.has(drive[1])) {
        delete di.format;
        di.file = map.get(drive[1]) as string;
        out += `${drive[1]}: ${printDrive(drive[1], di)}\n`;
      } else out += `${line}\n`;
    } else if (/^vmgenid: (.*)/.test(line)) {
      const value = /^vmgenid: (.*)/.exec(line)?.[1] ?? "";
      out += `vmgenid: ${value !== "0" ? randomUUID() : value}\n`;
    } else if (/^smbios1: (.*)/.test(line) && unique) {
      const smbios = parsePropertyStringStrict(/^smbios1: (.*)/.exec(line)?.[1] ?? "", SMBIOS_FORMAT);
      smbios.uuid = randomUUID();
      out += `smbios1: ${printPropertyString(smbios, SMBIOS_FORMAT)}\n`;
    } else {
      out += `${line}\n`;
    }
  }
  return out;
}

/** `restore_vma_archive` (the archive already classified as a file); runs in the `qmrestore` worker under the flock. */
export async function restoreVmaArchive(
  deps: QemuDeps,
  auth: SimAuth,
  node: string,
  vmid: number,
  archive: string,
  options: RestoreOptions,
  worker: Worker,
): Promise<void> {
  const { ctx, configs } = deps;
  const env: StorageEnv = { ctx, node };
  const contents = archiveContents(env, archive);
  const info = archiveInfo(archive);
  if (info.format === "tar") throw pveDie("restoring a VM from a tar archive is not modelled by the simulator");
  const file = volumePath(ctx, archiveFile(env, archive));
  const decompress = info.compression === "zst" ? "zstd -q -d -c" : info.compression === "gz" ? "zcat" : info.compression === "lzo" ? "lzop -d -c" : undefined;
  worker.log(
    `restore vma archive: ${decompress ? `${decompress} ${file} | vma extract -v -r /var/tmp/vzdumptmp${vmid}.fifo - /var/tmp/vzdumptmp${vmid}` : `vma extract -v -r /var/tmp/vzdumptmp${vmid}.fifo ${file} /var/tmp/vzdumptmp${vmid}`}`,
  );
  worker.log(`CFG: size: ${contents.config.length} name: qemu-server.conf`);
  const devices = Object.entries(contents.devices);
  devices.forEach(([devname, size], i) => worker.log(`DEV: dev_id=${i + 1} size: ${size} devname: ${devname}`));
  worker.log(`CTIME: ${new Date((info.ctime ?? 0) * 1000).toUTCString()}`);
  // `$parse_backup_hints`: where each disk goes
  const hints = new Map<string, { devname: string; storage: string; format: string; size: number }>();
  for (const line of contents.config.split("\n")) {
    const m = /^#qmdump#map:(\S+):(\S+):(\S*):(\S*):$/.exec(line);
    if (!m?.[1] || !m[2]) continue;
    const [, virtdev, devname, storeid, format] = m;
    const size = contents.devices[devname];
    if (size === undefined) throw pveDie(`archive does not contain data for drive '${virtdev}'`);
    const storage = options.storage !== undefined ? options.storage || "local" : storeid || "local";
    const scfg = storageConfig(ctx, storage);
    if (!contentOf(scfg).has("images")) throw pveDie(`Content type 'images' is not available on storage '${storage}'`);
    if (!isRoot(auth)) checkPrivs(ctx, auth, `/storage/${storage}`, ["Datastore.AllocateSpace"]);
    hints.set(virtdev, { devname, storage, format: format || "raw", size });
  }
  const oldconf = configs.peek(vmid);
  if (oldconf && Object.keys(oldconf.main).length > 1) {
    for (const [key, value] of Object.entries(oldconf.main)) {
      if (!isDriveName(key)) continue;
      const drive = parseDrive(key, String(value));
      if (!drive?.file || driveIsCdrom(drive, true) || drive.file.startsWith("/") || !isVolidOwner(ctx, vmid, drive.file)) continue;
      // only the disks being restored go; the others become unused below
      if (hints.has(key))
        await vdiskFree(env, drive.file).catch((err: unknown) => worker.log(err instanceof Error ? err.message.replace(/\n$/, "") : String(err)));
    }
    for (const snap of oldconf.snapshots.values()) if (snap.vmstate !== undefined) await vdiskFree(env, String(snap.vmstate)).catch(() => undefined);
  }
  const map = new Map<string, string>();
  const allocated: string[] = [];
  try {
    for (const virtdev of [...hints.keys()].sort()) {
      const d = hints.get(virtdev) as { devname: string; storage: string; format: string; size: number };
      const plugin = pluginOf(ctx, d.storage);
      const format = plugin.formats.includes(d.format) ? d.format : plugin.defaultFormat;
      const volid = await vdiskAlloc(env, { storage: d.storage, vmid, format, sizeKiB: Math.ceil(d.size / 1024) });
      allocated.push(volid);
      worker.log(`new volume ID is '${volid}'`);
      map.set(virtdev, volid);
      worker.log(
        `map '${d.devname}' to '${volumePath(ctx, volumesOf(ctx).get(locationOf(ctx, d.storage, node), volid.split(/:(.*)/s)[1] ?? "") ?? { storage: d.storage, volname: volid.split(":")[1] ?? "", vtype: "images", format, size: 0, ctime: 0, isBase: false, snapshots: [] })}' (write zeros = 0)`,
      );
    }
    await worker.spend(1);
    const total = devices.reduce((sum, [, size]) => sum + size, 0);
    worker.log(`progress 100% (read ${total} bytes, duration 1 sec)`);
    worker.log(`total bytes read ${total}, sparse bytes 0 (0%)`);
    const merged: ConfigSection = { ...parseVmConfigMain(updateConfigLines(ctx, contents.config, map, options.unique)) };
    for (const [key, value] of Object.entries(options.override)) merged[key] = value;
    checkBridgeAccess(ctx, auth, merged);
    const conf = emptyConf(merged);
    // `rescan`: the VM's other volumes become unused disks
    const referenced = new Set(
      Object.entries(merged)
        .filter(([k]) => isDriveName(k))
        .map(([k, v]) => parseDrive(k, String(v))?.file),
    );
    for (const [storage, scfg] of storageConfigOf(ctx).entries()) {
      if (!contentOf(scfg).has("images")) continue;
      for (const volume of volumesOf(ctx).list(locationOf(ctx, storage, node))) {
        const volid = volidOf(volume);
        if (volume.vtype === "images" && volume.vmid === vmid && !referenced.has(volid) && !driveIsCloudinit({ file: volid }))
          addUnusedVolume(conf.main, volid);
      }
    }
    configs.write(vmid, conf);
  } catch (err) {
    for (const volid of allocated) await vdiskFree(env, volid).catch(() => undefined);
    throw err;
  }
  if (options.pool !== undefined) await addVmToPool(ctx, vmid, options.pool);
  const restored = configs.load(vmid, node);
  if (restored.main.template) {
    worker.log("Convert to template.");
    await templateCreate(deps, env, vmid, restored).catch((err: unknown) => worker.log(err instanceof Error ? err.message.replace(/\n$/, "") : String(err)));
  }
}

/** A restore as `create_vm` hands it to its `qmrestore` worker. */
export interface RestoreRequest {
  readonly archive: string;
  readonly emsg: string;
  readonly storage?: string;
  readonly pool?: string;
  readonly unique: boolean;
  readonly live: boolean;
  readonly start: boolean;
  readonly haManaged: boolean;
  /** The request's config keys (already normalised by `create_vm`). */
  readonly override: Readonly<Record<string, string | number>>;
}

/**
 * `create_vm`'s synchronous checks of a restore: no drive keys beside `archive`, no pipe over
 * the API, `check_volume_access` for `backup` content, and `$classify_restore_archive` (a file
 * must exist). Archives the simulator cannot read answer 501 rather than half-restore.
 */
export function checkRestoreArchive(
  ctx: SimContext,
  auth: SimAuth,
  node: string,
  vmid: number,
  archive: string,
  params: Readonly<Record<string, unknown>>,
): void {
  for (const key of Object.keys(params).sort()) if (isDriveName(key)) throw paramError({ [key]: "option conflicts with option 'archive'" });
  if (archive === "-") throw pveDie("pipe requires cli environment");
  checkVolumeAccess(ctx, auth, vmid, archive, "backup");
  const parsed = parseVolumeId(archive, true);
  if (parsed && storageConfig(ctx, parsed[0]).type === "pbs")
    throw new SimError(501, "restore from a Proxmox Backup Server archive is not modelled by the simulator");
  archiveFile({ ctx, node }, archive);
  let format: string | undefined;
  try {
    format = archiveInfo(archive).format;
  } catch {
    format = undefined; // PVE finds out inside the worker
  }
  if (format === "tar") throw new SimError(501, "restore of a VM from a tar archive (qmextract) is not modelled by the simulator; use a vma archive");
}

/** The `qmrestore` worker: `$restorefn` with its error handling (the VM is left for the operator, its `lock: create` removed). */
export async function runRestore(deps: QemuDeps, auth: SimAuth, node: string, vmid: number, request: RestoreRequest, worker: Worker): Promise<void> {
  const { ctx, configs } = deps;
  try {
    const conf = configs.load(vmid, node);
    checkProtection(conf, request.emsg);
    if (checkRunning(deps, vmid, node)) throw pveDie(`${request.emsg} vm is running`);
    await lockConfig(
      ctx,
      node,
      vmid,
      async () => {
        if (request.live) throw pveDie("live-restore is only compatible with backup images from a Proxmox Backup Server");
        const options: RestoreOptions = {
          unique: request.unique,
          override: request.override,
          ...(request.storage !== undefined ? { storage: request.storage } : {}),
          ...(request.pool !== undefined ? { pool: request.pool } : {}),
        };
        await restoreVmaArchive(deps, auth, node, vmid, request.archive, options, worker);
      },
      { timeoutMs: 1000 },
    );
  } catch (err) {
    if (configs.existsOn(vmid, node)) {
      const conf = configs.load(vmid, node);
      if (conf.main.lock === "create") {
        delete conf.main.lock;
        configs.write(vmid, conf);
      } else {
        worker.log(
          conf.main.lock === undefined
            ? "no lock found trying to remove 'create'  lock"
            : `found lock '${String(conf.main.lock)}' trying to remove 'create' lock`,
        );
      }
    }
    worker.log(`error before or during data restore, some or all disks were not completely restored. VM ${vmid} state is NOT cleaned up.`);
    throw err;
  }
  if (request.start) {
    worker.log("Execute autostart");
    await startVm(deps, auth, node, vmid, worker).catch((err: unknown) => worker.log(err instanceof Error ? err.message.replace(/\n$/, "") : String(err)));
  }
  if (request.haManaged) {
    const sid = sidOf("qemu", vmid);
    const state = request.start ? "started" : "stopped";
    const existing = haStateOf(ctx).resources.get(sid);
    worker.log(`${existing ? "Set" : "Add"} HA resource with request-state '${state}'`);
    const roundMs = ctx.taskDurationMs({ node, type: "hastart", id: String(vmid) });
    if (existing) haStateOf(ctx).resources.set(sid, { ...existing, state });
    const done = existing ? queueHaRequest(ctx, sid, { kind: "state", state }, roundMs) : addHaResource(ctx, sid, { type: "vm", state }, roundMs);
    await done.catch((err: unknown) => worker.log(err instanceof Error ? err.message.replace(/\n$/, "") : String(err)));
  }
}
