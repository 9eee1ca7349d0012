/**
 * `POST /nodes/{node}/qemu/{vmid}/migrate` (qemu-server `src/PVE/API2/Qemu.pm` `migrate_vm`,
 * `check_storage_availability`; `src/PVE/QemuMigrate.pm` `prepare`, `phase1`,
 * `scan_local_volumes`; pve-guest-common `AbstractMigrate::migrate`,
 * `GuestHelpers::guest_migration_lock`), and `GET .../migrate` (`migrate_vm_precondition`,
 * `check_local_storage_availability`, `$check_vm_disks_local`). Refused before the worker: the local node as target,
 * root-only options, a locked VM, a running VM without `online`, a storage missing on the target.
 * An HA-managed VM gets a `hamigrate` task that only queues the request. Otherwise the
 * `qmigrate` worker takes the migration lock and the config flock, sets `lock: migrate`, copies
 * local disks (a running VM needs `with-local-disks`), moves the config and the running QEMU to
 * the target; any failure ends `migration aborted`.
 */
import type { SimAuth, SimRequest } from "../../types";
import { pveDie } from "../config-text";
import { paramError } from "../param-error";
import { checkMigrationTarget } from "../guests/params";
import { isHaManaged, queueHaRequest, sidOf } from "../guests/ha";
import { checkPrivs, checkVmPerm, isRoot } from "../guests/permissions";
import {
  contentOf,
  findVolume,
  parseVolname,
  parseVolumeId,
  relocateVolume,
  storageCheckEnabled,
  storageConfig,
  vdiskAlloc,
  vdiskFree,
  volumeIsBaseAndUsed,
  type StorageEnv,
} from "../guests/storage-ops";
import { parsePropertyStringStrict } from "../property-string";
import { isDriveName, subKeys } from "./confdesc";
import { checkLock, checkRunning, type QemuDeps } from "./deps";
import { driveIsCdrom, driveIsCloudinit, parseDrive, printDrive, type Drive } from "./drive";
import { HOSTPCI_FORMAT } from "./formats";
import { forkWorker, migrationLock, type Worker } from "../guests/worker";
import { lockConfig } from "./worker";
import type { GuestConf } from "../guests/config";
import { mapStorage, mapTargets, parseStorageMap, type StorageMap } from "../guests/storage-map";

/** The volumes a config references (drives and `unusedN`), CD-ROM images included. */
function referencedVolumes(conf: GuestConf): { key: string; volid: string; cdrom: boolean }[] {
  const out: { key: string; volid: string; cdrom: boolean }[] = [];
  for (const [key, value] of Object.entries(conf.main)) {
    if (isDriveName(key)) {
      const drive = parseDrive(key, String(value));
      if (drive && parseVolumeId(drive.file, true)) out.push({ key, volid: drive.file, cdrom: driveIsCdrom(drive, true) });
    } else if (/^unused\d+$/.test(key)) {
      out.push({ key, volid: String(value), cdrom: false });
    }
  }
  return out;
}

/** `check_local_resources`: devices that tie the VM to its node. */
function localResources(conf: GuestConf): string[] {
  const res: string[] = [];
  if (conf.main.ivshmem !== undefined) res.push("ivshmem");
  for (const [key, value] of Object.entries(conf.main)) {
    if (/^usb\d+$/.test(key)) {
      const usb = parsePropertyStringStrict(String(value), subKeys("usb0") ?? {});
      if (usb.host !== undefined && !/^spice$/i.test(String(usb.host))) res.push(key);
    } else if (/^hostpci\d+$/.test(key)) {
      if (parsePropertyStringStrict(String(value), HOSTPCI_FORMAT).host !== undefined) res.push(key);
    } else if (/^serial\d+$/.test(key) && String(value) !== "socket") {
      res.push(key);
    }
  }
  return res.sort();
}

/** `check_storage_availability`: each volume's storage is enabled here and on the target, with its content type. */
function checkStorageAvailability(deps: QemuDeps, conf: GuestConf, node: string, target: string): void {
  for (const { volid } of referencedVolumes(conf)) {
    const [sid] = parseVolumeId(volid);
    const scfg = storageCheckEnabled(deps.ctx, sid, node);
    storageCheckEnabled(deps.ctx, sid, target);
    const { vtype } = parseVolname(deps.ctx, volid);
    if (!contentOf(scfg).has(vtype)) throw pveDie(`${volid}: content type '${vtype}' is not available on storage '${sid}'`);
  }
}

type Register = (method: "GET" | "POST", template: string, handler: (req: SimRequest) => unknown) => void;

/** `migrate_vm_precondition`: where the VM may go, its local disks and local devices. */
function precondition(deps: QemuDeps, node: string, vmid: number): Record<string, unknown> {
  const conf = deps.configs.load(vmid, node);
  checkLock(conf);
  const running = checkRunning(deps, vmid, node);
  const volumes = referencedVolumes(conf);
  const allowed: string[] = [];
  const notAllowed: Record<string, unknown> = {};
  for (const other of deps.ctx.nodes) {
    if (other === node) continue;
    const unavailable = new Set<string>();
    for (const { volid } of volumes) {
      const [sid] = parseVolumeId(volid);
      const scfg = storageConfig(deps.ctx, sid);
      if (scfg.disable || (scfg.nodes !== undefined && !String(scfg.nodes).split(",").includes(other))) unavailable.add(sid);
    }
    if (unavailable.size) notAllowed[other] = { unavailable_storages: [...unavailable].sort() };
    else allowed.push(other);
  }
  const localDisks = volumes
    .filter(({ volid }) => !storageConfig(deps.ctx, parseVolumeId(volid)[0]).shared)
    .map(({ key, volid, cdrom }) => ({
      volid,
      size: findVolume({ ctx: deps.ctx, node }, volid)?.size ?? 0,
      cdrom: cdrom ? 1 : 0,
      is_unused: /^unused\d+$/.test(key) ? 1 : 0,
    }));
  return {
    running: running ? 1 : 0,
    allowed_nodes: allowed,
    not_allowed_nodes: notAllowed,
    local_disks: localDisks,
    local_resources: localResources(conf),
    "mapped-resources": [],
    "mapped-resource-info": {},
    "has-dbus-vmstate": 1,
  };
}

/** Registers `migrate_vm` and `migrate_vm_precondition`. */
export function installMigrate(register: Register, deps: QemuDeps): void {
  const { ctx, configs } = deps;
  register("GET", "/nodes/{node}/qemu/{vmid}/migrate", (req) => precondition(deps, String(req.params.node), Number(req.params.vmid)));

  register("POST", "/nodes/{node}/qemu/{vmid}/migrate", (req) => {
    const p = req.params;
    const node = String(p.node);
    const vmid = Number(p.vmid);
    const target = String(p.target);
    checkMigrationTarget(ctx, node, target);
    for (const name of ["force", "migration_type", "migration_network"])
      if (p[name] && !isRoot(req.auth)) throw paramError({ [name]: "Only root may use this option." });
    const conf = configs.load(vmid, node);
    checkLock(conf);
    let online = Boolean(p.online);
    if (checkRunning(deps, vmid, node)) {
      if (!online) throw pveDie("can't migrate running VM without --online");
    } else {
      online = false;
    }
    let storageMap: StorageMap | undefined;
    if (typeof p.targetstorage === "string") {
      storageMap = parseStorageMap(p.targetstorage);
      if (!storageMap.identity) checkVmPerm(ctx, req.auth, vmid, undefined, ["VM.Config.Disk"]);
      for (const sid of mapTargets(storageMap)) {
        storageCheckEnabled(ctx, sid, target);
        checkPrivs(ctx, req.auth, `/storage/${sid}`, ["Datastore.AllocateSpace"]);
        if (!contentOf(storageConfig(ctx, sid)).has("images")) throw pveDie(`storage '${sid}' does not support vm images`);
      }
      if (storageMap.identity) checkStorageAvailability(deps, conf, node, target);
    } else {
      checkStorageAvailability(deps, conf, node, target);
    }
    if (isHaManaged(ctx, "qemu", vmid)) {
      return forkWorker(ctx, req.auth, { node, type: "hamigrate", id: String(vmid) }, async (worker) => {
        worker.log(`Requesting HA migration for VM ${vmid} to node ${target}`);
        await queueHaRequest(ctx, sidOf("qemu", vmid), { kind: "migrate", target }, ctx.taskDurationMs({ node, type: "hamigrate", id: String(vmid) }));
      });
    }
    const options = { online, withLocalDisks: Boolean(p["with-local-disks"]), force: Boolean(p.force), ...(storageMap ? { storageMap } : {}) };
    return forkWorker(ctx, req.auth, { node, type: "qmigrate", id: String(vmid) }, (worker) => migrateVm(deps, req.auth, node, vmid, target, options, worker));
  });
}

/** `target_storage_check_available`: the target storage is enabled on the target node and takes the volume's content type. */
function targetStorageCheckAvailable(deps: QemuDeps, targetSid: string, volid: string, target: string): void {
  const scfg = storageCheckEnabled(deps.ctx, targetSid, target);
  const { vtype } = parseVolname(deps.ctx, volid);
  if (!contentOf(scfg).has(vtype)) throw pveDie(`${volid}: content type '${vtype}' is not available on storage '${targetSid}'`);
}

/** A volume `scan_local_volumes` found on local storage, with how the config references it. */
interface LocalVolume {
  readonly volid: string;
  readonly key: string;
  ref: "attached" | "unused" | "pending" | "generated" | "config";
}

/** The volumes `foreach_volid` walks: drives and `unusedN` of the main section, drives of `[PENDING]`. */
function configVolumes(conf: GuestConf): { volid: string; key: string; ref: LocalVolume["ref"]; cdrom: boolean; cloudinit: boolean }[] {
  const out = new Map<string, { volid: string; key: string; ref: LocalVolume["ref"]; cdrom: boolean; cloudinit: boolean }>();
  const visit = (section: Readonly<Record<string, string | number>>, pending: boolean): void => {
    for (const key of Object.keys(section).sort()) {
      const unused = /^unused\d+$/.test(key);
      if (!isDriveName(key) && !unused) continue;
      const drive = unused ? { file: String(section[key]) } : parseDrive(key, String(section[key]));
      if (!drive?.file) continue;
      const seen = out.get(drive.file);
      const cdrom = !unused && driveIsCdrom(drive);
      // the last matching reference wins, as the `ref` assignments of `$test_volid` do
      const ref: LocalVolume["ref"] = key === "tpmstate0" ? "generated" : !unused && !pending ? "attached" : unused ? "unused" : "pending";
      const rank = { pending: 0, unused: 1, attached: 2, generated: 3, config: 4 };
      out.set(drive.file, {
        volid: drive.file,
        key: seen && rank[seen.ref] >= rank[ref] ? seen.key : key,
        ref: seen && rank[seen.ref] >= rank[ref] ? seen.ref : ref,
        cdrom: (seen?.cdrom ?? true) && cdrom,
        cloudinit: (seen?.cloudinit ?? false) || (!unused && driveIsCloudinit(drive as Drive)),
      });
    }
  };
  visit(conf.main, false);
  visit(conf.pending, true);
  return [...out.values()];
}

/**
 * `scan_local_volumes`: the local volumes to move, logged as `found local disk '<volid>'
 * (attached)` (cloud-init and TPM state as generated); a physical CD-ROM, an ISO on local
 * storage, a pass-through path, another VM's volume, a base image with linked clones, an
 * attached disk of a running VM without `with-local-disks`, a linked clone on local storage and
 * unsupported storage types each abort the migration.
 */
function scanLocalVolumes(
  deps: QemuDeps,
  conf: GuestConf,
  vmid: number,
  node: string,
  target: string,
  running: boolean,
  options: MigrateOptions,
  info: (msg: string) => void,
): LocalVolume[] {
  const { ctx } = deps;
  const env: StorageEnv = { ctx, node };
  const local = new Map<string, LocalVolume>();
  const volumeErrors = new Map<string, string>();
  const otherErrors: string[] = [];
  for (const volume of configVolumes(conf)) {
    const { volid } = volume;
    try {
      if (volid.startsWith("/")) {
        local.set(volid, { volid, key: volume.key, ref: "config" });
        throw new Error("local file/device");
      }
      if (volume.cdrom && volid === "cdrom") {
        otherErrors.push("can't migrate local cdrom drive");
        continue;
      }
      if (volume.cdrom && volid === "none") continue;
      const [sid] = parseVolumeId(volid);
      const scfg = storageCheckEnabled(ctx, sid, node);
      targetStorageCheckAvailable(deps, !scfg.shared ? mapStorage(options.storageMap, sid) : sid, volid, target);
      if (scfg.shared) continue;
      const entry: LocalVolume = { volid, key: volume.key, ref: volume.ref };
      local.set(volid, entry);
      if (volume.cdrom) {
        if (/vm-\d+-cloudinit/.test(volid)) {
          entry.ref = "generated";
          continue;
        }
        throw new Error("local cdrom image");
      }
      const owner = parseVolname(ctx, volid).vmid;
      if (owner !== vmid) throw new Error(`owned by other VM (owner = VM ${owner ?? ""})`);
      if (volumeIsBaseAndUsed(env, volid)) throw new Error("referenced by linked clone(s)");
    } catch (err) {
      volumeErrors.set(volid, err instanceof Error ? err.message.replace(/\n$/, "") : String(err));
    }
  }
  for (const volid of [...local.keys()].sort()) {
    const { ref } = local.get(volid) as LocalVolume;
    if (ref === "attached") {
      if (running && !options.withLocalDisks) volumeErrors.set(volid, "can't live migrate attached local disks without with-local-disks option");
      info(`found local disk '${volid}' (attached)`);
    } else if (ref === "unused") {
      info(`found local disk '${volid}' (unused)`);
    } else if (ref === "pending") {
      info(`found local disk '${volid}' (pending change)`);
    } else if (ref === "generated") {
      info(`found generated disk '${volid}' (in current VM config)`);
    } else {
      info(`found local disk '${volid}'`);
    }
  }
  for (const volid of [...volumeErrors.keys()].sort()) info(`can't migrate local disk '${volid}': ${volumeErrors.get(volid) ?? ""}`);
  for (const err of otherErrors) info(err);
  const problem = (message: string): Error => pveDie(`Problem found while scanning volumes - ${message}`);
  if (volumeErrors.size || otherErrors.length) throw problem("can't migrate VM - check log");
  for (const volid of local.keys()) {
    const [sid] = parseVolumeId(volid);
    const type = String(storageConfig(ctx, sid).type);
    if (!/^(?:dir|btrfs|zfspool|lvmthin|lvm)$/.test(type)) throw problem(`can't migrate '${volid}' - storage type '${type}' not supported`);
    const { basename } = parseVolname(ctx, volid);
    if (basename) throw problem(`can't migrate '${volid}' as it's a clone of '${basename}' at /usr/share/perl5/PVE/QemuMigrate.pm line 586.`);
  }
  return [...local.values()].filter((volume) => volume.ref !== "config");
}

/** What a migration was asked to do. */
export interface MigrateOptions {
  readonly online: boolean;
  readonly withLocalDisks: boolean;
  readonly force?: boolean;
  readonly storageMap?: StorageMap;
}

/** `PVE::QemuMigrate->migrate` under `guest_migration_lock` (also what the HA manager runs). */
export async function migrateVm(
  deps: QemuDeps,
  auth: SimAuth,
  node: string,
  vmid: number,
  target: string,
  options: MigrateOptions,
  worker: Worker,
): Promise<void> {
  const { ctx, configs } = deps;
  const stamp = (): string => new Date(ctx.now()).toISOString().replace("T", " ").slice(0, 19);
  const info = (msg: string): void => worker.log(`${stamp()} ${msg}`);
  const started = ctx.now();
  void auth;
  try {
    await migrationLock(ctx, node, vmid, () =>
      lockConfig(ctx, node, vmid, async () => {
        const conf = configs.load(vmid, node);
        checkLock(conf);
        const running = deps.runtime.isRunning(vmid);
        if (running && !options.online) throw pveDie("can't migrate running VM without --online");
        const blocking = localResources(conf);
        if (blocking.length && (running || !options.force)) throw pveDie(`can't migrate VM which uses local devices: ${blocking.join(", ")}`);
        for (const { volid } of referencedVolumes(conf)) {
          const [sid] = parseVolumeId(volid);
          const scfg = storageCheckEnabled(ctx, sid, node);
          targetStorageCheckAvailable(deps, !scfg.shared ? mapStorage(options.storageMap, sid) : sid, volid, target);
        }
        info(`starting migration of VM ${vmid} to node '${target}' (127.0.0.${ctx.nodes.indexOf(target) + 1})`);
        conf.main.lock = "migrate";
        configs.write(vmid, conf);
        let local: LocalVolume[];
        try {
          local = scanLocalVolumes(deps, conf, vmid, node, target, running, options, info);
        } catch (err) {
          // `phase1` failed: `phase1_cleanup` drops the lock again
          info(`ERROR: ${err instanceof Error ? err.message.replace(/\n$/, "") : String(err)}`);
          info("aborting phase 1 - cleanup resources");
          delete conf.main.lock;
          configs.write(vmid, conf);
          throw err;
        }
        const offline = local.filter((volume) => !(running && volume.ref === "attached"));
        if (offline.length) info("copying local disk images");
        await worker.spend(1);
        for (const { volid, key } of local) {
          const [sid] = parseVolumeId(volid);
          const targetSid = mapStorage(options.storageMap, sid);
          const moved =
            targetSid === sid ? (relocateVolume(ctx, volid, node, target), volid) : await copyToStorage({ ctx, node }, volid, targetSid, target, vmid);
          if (offline.some((volume) => volume.volid === volid)) info(`volume '${volid}' is '${moved}' on the target`);
          if (moved !== volid) {
            if (isDriveName(key)) {
              const drive = parseDrive(key, String(conf.main[key]));
              if (drive) conf.main[key] = printDrive(key, { ...drive, file: moved });
            } else {
              conf.main[key] = moved;
            }
          }
        }
        if (running) info(`starting online/live migration on unix:/run/qemu-server/${vmid}.migrate`);
        delete conf.main.lock;
        configs.write(vmid, conf);
        configs.moveTo(vmid, target);
        if (running) {
          const proc = deps.runtime.process(vmid);
          deps.runtime.stop(vmid);
          const moved = deps.runtime.start(vmid, proc?.startedAt ?? ctx.now());
          moved.paused = proc?.paused ?? false;
        }
      }),
    );
  } catch (err) {
    const message = err instanceof Error ? err.message.replace(/\n$/, "") : String(err);
    worker.log(`${stamp()} ERROR: migration aborted (duration ${duration(ctx.now() - started)}): ${message}`);
    throw pveDie("migration aborted");
  }
  info(`migration finished successfully (duration ${duration(ctx.now() - started)})`);
}

/** A local volume copied to another storage of the target node (`storage_migrate` with a target storage). */
async function copyToStorage(env: StorageEnv, volid: string, storage: string, target: string, vmid: number): Promise<string> {
  const volume = findVolume(env, volid);
  const size = volume?.size ?? 0;
  const newVolid = await vdiskAlloc({ ctx: env.ctx, node: target }, { storage, vmid, sizeKiB: Math.ceil(size / 1024) });
  await vdiskFree(env, volid);
  return newVolid;
}

function duration(ms: number): string {
  const secs = Math.floor(ms / 1000);
  const two = (n: number): string => String(n).padStart(2, "0");
  return `${two(Math.floor(secs / 3600))}:${two(Math.floor(secs / 60) % 60)}:${two(secs % 60)}`;
}
