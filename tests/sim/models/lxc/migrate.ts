/**
 * `GET`/`POST /nodes/{node}/lxc/{vmid}/migrate` (pve-container `src/PVE/API2/LXC.pm`
 * `migrate_vm_precondition`, `migrate_vm`, `$check_storage_access_migrate`;
 * `src/PVE/LXC/Migrate.pm` `prepare`, `phase1`, `phase3`, `final_cleanup`; pve-guest-common
 * `AbstractMigrate::migrate`, `GuestHelpers::guest_migration_lock`). Refused at once: the local
 * node as target, a running container without `online` or `restart`, a bad storage map or a
 * target storage without `rootdir`. An HA-managed container gets a `hamigrate` task that only
 * queues the request. Otherwise the `vzmigrate` worker, holding the migration lock and the
 * config flock: refuses a live migration (`lxc live migration is currently not implemented`),
 * local bind/device mounts, storages missing on the target; shuts a running container down
 * (restart mode), sets `lock: migrate`, copies local volumes (snapshots only on ZFS/BTRFS, never
 * linked clones), moves the config, frees the source copies, unlocks, and starts the container
 * on the target again; a failure before the config moved starts it on the source again and ends
 * `migration aborted`.
 */
import type { SimAuth, SimRequest } from "../../types";
import { pveDie } from "../config-text";
import { paramError } from "../param-error";
import { checkMigrationTarget } from "../guests/params";
import type { GuestConf } from "../guests/config";
import { isHaManaged, queueHaRequest, sidOf } from "../guests/ha";
import { checkPrivs, checkVmPerm } from "../guests/permissions";
import { mapStorage, mapTargets, parseStorageMap, type StorageMap } from "../guests/storage-map";
import {
  contentOf,
  parseVolname,
  parseVolumeId,
  relocateVolume,
  storageCheckEnabled,
  storageConfig,
  vdiskFree,
  volumeSize,
  type StorageEnv,
} from "../guests/storage-ops";
import { forkWorker, migrationLock, type Worker } from "../guests/worker";
import { checkLock, lockConfig, type LxcDeps } from "./deps";
import { allocDisk } from "./disks";
import { NEW_DISK_RE, printMountpoint, volumesOf } from "./mountpoint";
import { startHeld, stopHeld } from "./power";

/** What a migration was asked to do. */
export interface CtMigrateOptions {
  readonly online: boolean;
  readonly restart: boolean;
  readonly storageMap?: StorageMap;
}

type Register = (method: "GET" | "POST", template: string, handler: (req: SimRequest) => unknown) => void;

/** `$check_storage_access_migrate`. */
function checkStorageAccessMigrate(deps: LxcDeps, auth: SimAuth, storage: string, node: string): void {
  storageCheckEnabled(deps.ctx, storage, node);
  checkPrivs(deps.ctx, auth, `/storage/${storage}`, ["Datastore.AllocateSpace"]);
  if (!contentOf(storageConfig(deps.ctx, storage)).has("rootdir")) throw pveDie(`storage '${storage}' does not support CT rootdirs`);
}

/** Registers the migrate endpoints. */
export function installMigrate(register: Register, deps: LxcDeps): void {
  const { ctx, configs } = deps;
  register("GET", "/nodes/{node}/lxc/{vmid}/migrate", (req) => {
    const node = String(req.params.node);
    const vmid = Number(req.params.vmid);
    checkLock(configs.load(vmid, node));
    return {
      running: deps.runtime.isRunning(vmid, node) ? 1 : 0,
      "allowed-nodes": ctx.nodes.filter((n) => n !== node),
      "not-allowed-nodes": {},
      ...(isHaManaged(ctx, "lxc", vmid) ? { "dependent-ha-resources": [] } : {}),
    };
  });

  register("POST", "/nodes/{node}/lxc/{vmid}/migrate", (req) => {
    const p = req.params;
    const node = String(p.node);
    const vmid = Number(p.vmid);
    const target = String(p.target);
    checkMigrationTarget(ctx, node, target);
    configs.load(vmid, node);
    if (deps.runtime.isRunning(vmid, node) && !p.online && !p.restart) throw pveDie("can't migrate running container without --online or --restart");
    let storageMap: StorageMap | undefined;
    if (typeof p["target-storage"] === "string" && p["target-storage"] !== "") {
      try {
        storageMap = parseStorageMap(p["target-storage"]);
      } catch (err) {
        throw paramError({ "target-storage": `failed to parse storage map: ${err instanceof Error ? err.message : String(err)}` });
      }
      if (!storageMap.identity) checkVmPerm(ctx, req.auth, vmid, undefined, ["VM.Config.Disk"]);
      for (const sid of mapTargets(storageMap)) checkStorageAccessMigrate(deps, req.auth, sid, target);
    }
    if (isHaManaged(ctx, "lxc", vmid)) {
      return forkWorker(ctx, req.auth, { node, type: "hamigrate", id: String(vmid) }, async (worker) => {
        worker.log(`Requesting HA migration for CT ${vmid} to node ${target}`);
        await queueHaRequest(ctx, sidOf("lxc", vmid), { kind: "migrate", target }, ctx.taskDurationMs({ node, type: "hamigrate", id: String(vmid) }));
      });
    }
    const options: CtMigrateOptions = { online: Boolean(p.online), restart: Boolean(p.restart), ...(storageMap ? { storageMap } : {}) };
    return forkWorker(ctx, req.auth, { node, type: "vzmigrate", id: String(vmid) }, (worker) => migrateCt(deps, node, vmid, target, options, worker));
  });
}

/** The migration log's timestamp prefix (`strftime("%F %H:%M:%S", localtime)`, UTC here). */
function stamp(now: number): string {
  return new Date(now).toISOString().replace("T", " ").slice(0, 19);
}

function duration(ms: number): string {
  const secs = Math.floor(ms / 1000);
  const two = (n: number): string => String(n).padStart(2, "0");
  return `${two(Math.floor(secs / 3600))}:${two(Math.floor(secs / 60) % 60)}:${two(secs % 60)}`;
}

/** `PVE::LXC::Migrate->migrate` under `guest_migration_lock` (also what the HA manager runs). */
export async function migrateCt(deps: LxcDeps, node: string, vmid: number, target: string, options: CtMigrateOptions, worker: Worker): Promise<void> {
  const { ctx, configs } = deps;
  const info = (msg: string): void => worker.log(`${stamp(ctx.now())} ${msg}`);
  const error = (msg: string): void => worker.log(`${stamp(ctx.now())} ERROR: ${msg}`);
  const started = ctx.now();
  const env: StorageEnv = { ctx, node };
  let wasRunning = false;
  try {
    await migrationLock(ctx, node, vmid, () =>
      lockConfig(ctx, node, vmid, async () => {
        const conf = configs.load(vmid, node);
        checkLock(conf);
        wasRunning = prepare(deps, conf, vmid, node, target, options);
        if (options.restart && wasRunning) {
          info(`shutdown CT ${vmid}`);
          await stopHeld(deps, vmid, worker);
        }
        try {
          await phase1(deps, env, conf, vmid, target, options, worker, info);
        } catch (err) {
          error(err instanceof Error ? err.message.replace(/\n$/, "") : String(err));
          info("aborting phase 1 - cleanup resources");
          info("start final cleanup");
          const current = configs.load(vmid, node);
          if (current.main.lock === "migrate") {
            delete current.main.lock;
            configs.write(vmid, current);
          }
          if (options.restart && wasRunning) {
            info("start container on source node");
            await startHeld(deps, node, vmid, worker);
          }
          throw err;
        }
        info("start final cleanup");
        const moved = configs.load(vmid, target);
        delete moved.main.lock;
        configs.write(vmid, moved);
        if (options.restart && wasRunning) {
          info("start container on target node");
          await startHeld(deps, target, vmid, worker);
        }
      }),
    );
  } catch (err) {
    const message = err instanceof Error ? err.message.replace(/\n$/, "") : String(err);
    error(`migration aborted (duration ${duration(ctx.now() - started)}): ${message}`);
    throw pveDie("migration aborted");
  }
  info(`migration finished successfully (duration ${duration(ctx.now() - started)})`);
}

/** `prepare`: whether the container runs; dies for what cannot be migrated. */
function prepare(deps: LxcDeps, conf: GuestConf, vmid: number, node: string, target: string, options: CtMigrateOptions): boolean {
  const { ctx } = deps;
  let running = false;
  if (deps.runtime.isRunning(vmid, node)) {
    if (options.online) throw pveDie("lxc live migration is currently not implemented");
    if (!options.restart) throw pveDie("running container can only be migrated in restart mode at /usr/share/perl5/PVE/LXC/Migrate.pm line 53.");
    running = true;
  }
  for (const { key, volume, shared } of allVolumes(conf)) {
    if (volume === undefined) throw pveDie(`cannot migrate local ${shared ?? "bind"} mount point '${key}'`);
    if (!parseVolumeId(volume, true)) throw pveDie(`can't determine assigned storage for mount point '${key}'`);
    const [storage] = parseVolumeId(volume);
    const scfg = storageCheckEnabled(ctx, storage, node);
    if (!contentOf(scfg).has("rootdir")) throw pveDie(`content type 'rootdir' is not available on storage '${storage}'`);
    const targetSid = scfg.shared ? storage : mapStorage(options.storageMap, storage);
    const targetScfg = storageCheckEnabled(ctx, targetSid, target);
    if (!contentOf(targetScfg).has("rootdir")) throw pveDie(`${volume}: content type 'rootdir' is not available on storage '${targetSid}'`);
  }
  return running;
}

/** Every mount point and unused volume: `volume` undefined for a local bind/device mount (`shared` gives its type). */
function allVolumes(conf: GuestConf): { key: string; volume?: string; shared?: string }[] {
  const out: { key: string; volume?: string; shared?: string }[] = [];
  for (const { key, mp } of volumesOf(conf.main)) {
    if (mp.type === "volume") out.push({ key, volume: mp.volume });
    else if (!Number(mp.shared ?? 0)) out.push({ key, shared: mp.type });
  }
  for (const [key, value] of Object.entries(conf.main)) if (/^unused\d+$/.test(key)) out.push({ key, volume: String(value) });
  return out;
}

/** `phase1`: lock, copy local volumes, move the config; then `phase3` frees the source copies. */
async function phase1(
  deps: LxcDeps,
  env: StorageEnv,
  conf: GuestConf,
  vmid: number,
  target: string,
  options: CtMigrateOptions,
  worker: Worker,
  info: (msg: string) => void,
): Promise<void> {
  const { ctx, configs } = deps;
  info(`starting migration of CT ${vmid} to node '${target}' (127.0.0.${ctx.nodes.indexOf(target) + 1})`);
  conf.main.lock = "migrate";
  configs.write(vmid, conf);
  const local = new Map<string, { ref: "config" | "snapshot"; targetSid: string }>();
  const errors = new Map<string, string>();
  const test = (volid: string, snapname: string | undefined): void => {
    if (NEW_DISK_RE.test(volid)) {
      info(`volume '${volid}' does not exist (pending change?)`);
      return;
    }
    const [sid] = parseVolumeId(volid);
    const scfg = storageCheckEnabled(ctx, sid, env.node);
    if (scfg.shared) {
      if (snapname === undefined) info(`volume '${volid}' is on shared storage '${sid}'`);
      return;
    }
    const targetSid = mapStorage(options.storageMap, sid);
    storageCheckEnabled(ctx, targetSid, target);
    // snapshots are scanned first and the current config last, which has the final word
    local.set(volid, { ref: snapname !== undefined ? "snapshot" : "config", targetSid });
    const { vmid: owner, basename } = parseVolname(ctx, volid);
    if (owner !== vmid) throw pveDie(`owned by other guest (owner = ${owner ?? ""})`);
    if (snapname !== undefined && scfg.type !== "zfspool" && scfg.type !== "btrfs") throw pveDie("non-migratable snapshot exists");
    if (!["dir", "zfspool", "lvmthin", "lvm", "btrfs"].includes(String(scfg.type))) throw pveDie(`storage type '${String(scfg.type)}' not supported`);
    if (basename) throw pveDie(`clone of '${basename}'`);
  };
  const testMp = (volid: string | undefined, snapname: string | undefined): void => {
    if (volid === undefined) return;
    try {
      test(volid, snapname);
    } catch (err) {
      if (!errors.has(volid)) errors.set(volid, err instanceof Error ? err.message.replace(/\n$/, "") : String(err));
    }
  };
  for (const [snapname, snap] of conf.snapshots) for (const { mp } of volumesOf(snap)) if (mp.type === "volume") testMp(mp.volume, snapname);
  for (const { mp } of volumesOf(conf.pending)) if (mp.type === "volume") testMp(mp.volume, undefined);
  for (const { volume } of allVolumes(conf)) testMp(volume, undefined);
  for (const volid of [...local.keys()].sort())
    info(`found local volume '${volid}' (${local.get(volid)?.ref === "snapshot" ? "referenced by snapshot(s)" : "in current VM config"})`);
  for (const volid of [...errors.keys()].sort()) info(`can't migrate local volume '${volid}': ${errors.get(volid) ?? ""}`);
  if (errors.size) throw pveDie("can't migrate CT - check log");
  await worker.spend(1);
  const volumeMap = new Map<string, string>();
  const copies: string[] = [];
  for (const [volid, { targetSid }] of local) {
    const [sid] = parseVolumeId(volid);
    let newVolid = volid;
    if (targetSid === sid) {
      relocateVolume(ctx, volid, env.node, target);
    } else {
      const size = volumeSize(env, volid) ?? 0;
      newVolid = await allocDisk({ ctx, node: target }, vmid, targetSid, size / 1024);
      copies.push(volid);
    }
    volumeMap.set(volid, newVolid);
    info(`volume '${volid}' is '${newVolid}' on the target`);
  }
  for (const section of [conf.main, conf.pending, ...conf.snapshots.values()]) {
    for (const { key, mp } of volumesOf(section)) {
      const mapped = mp.type === "volume" ? volumeMap.get(mp.volume) : undefined;
      if (mapped !== undefined && mapped !== mp.volume) section[key] = printMountpoint(key, { ...mp, volume: mapped });
    }
    for (const key of Object.keys(section))
      if (/^unused\d+$/.test(key) && volumeMap.has(String(section[key]))) section[key] = volumeMap.get(String(section[key])) as string;
  }
  configs.write(vmid, conf);
  configs.moveTo(vmid, target);
  for (const volid of copies) {
    await vdiskFree(env, volid).catch((err: unknown) => info(`removing local copy of '${volid}' failed - ${err instanceof Error ? err.message : String(err)}`));
  }
}
