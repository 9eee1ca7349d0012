/**
 * `POST /nodes/{node}/lxc/{vmid}/clone` (pve-container `src/PVE/API2/LXC.pm` `clone_vm`). All
 * checks run in the request: the pool, the target node and storage (enabled, shared when
 * cloning to another node), then `set_lock($vmid, 'disk')` writes `lock: disk` on the source
 * under its flock, so a second clone of the same source is refused at once (`CT is locked
 * (disk)`), and `create_and_lock_config` reserves the new id (`CT <id> already exists on node
 * '<node>'`). `full` defaults to not-a-template; `storage` only for full clones; a running
 * container only full-clones from a snapshot; each volume needs the `clone` feature (raw or
 * subvol targets: linked clones on file storages cannot be made) and `Datastore.AllocateSpace`;
 * bind and device mounts cannot be cloned; NICs get new MACs. A failed check removes both
 * locks. The `vzclone` worker copies (`copy_volume`) or links (`vdisk_clone`) each volume, adds
 * the clone to its pool, removes the source's lock in any case and, on failure, frees the new
 * volumes and config (`clone failed: ...`); then drops the clone's `lock: create` and moves its
 * config to the target node.
 */
import type { SimRequest } from "../../types";
import { pveDie } from "../config-text";
import { addVmToPool } from "../guests/access";
import { emptyConf, hasLock, type ConfigSection, type GuestConf } from "../guests/config";
import { randomDatacenterMac } from "../guests/params";
import { checkPoolExists, checkPrivs } from "../guests/permissions";
import { volumeHasFeature } from "../guests/storage-features";
import { parseVolumeId, storageCheckEnabled, storageConfig, vdiskClone, vdiskFree, type StorageEnv } from "../guests/storage-ops";
import { vmlistOf } from "../guests/vmlist";
import { forkWorker } from "../guests/worker";
import { lockConfig, removeLock, setLock, type LxcDeps } from "./deps";
import { copyVolume } from "./disks";
import { parseNetwork, parseVolume, printMountpoint, printNetwork, type MountPoint } from "./mountpoint";
import { checkBridgeAccess } from "./permissions";

type Register = (method: "POST", template: string, handler: (req: SimRequest) => unknown) => void;

/** Registers `clone_vm`. */
export function installClone(register: Register, deps: LxcDeps): void {
  const { ctx, configs } = deps;
  register("POST", "/nodes/{node}/lxc/{vmid}/clone", async (req) => {
    const p = req.params;
    const node = String(p.node);
    const vmid = Number(p.vmid);
    const newid = Number(p.newid);
    const pool = p.pool === undefined ? undefined : String(p.pool);
    if (pool !== undefined) checkPoolExists(ctx, pool);
    const snapname = p.snapname === undefined ? undefined : String(p.snapname);
    const storage = p.storage === undefined ? undefined : String(p.storage);
    let target = p.target === undefined ? undefined : String(p.target);
    if (target === node || target === "localhost") target = undefined;
    if (target !== undefined && !ctx.nodes.includes(target)) throw pveDie(`no such cluster node '${target}'`);
    if (storage !== undefined) {
      storageCheckEnabled(ctx, storage, node);
      if (target !== undefined) {
        storageCheckEnabled(ctx, storage, target);
        if (!storageConfig(ctx, storage).shared) throw pveDie(`can't clone to non-shared storage '${storage}'`);
      }
    }
    const env: StorageEnv = { ctx, node };
    /** `$lock_and_reload`: the new config must still carry its `create` lock. */
    const lockAndReload = <T>(fn: (conf: GuestConf) => T): Promise<T> =>
      lockConfig(ctx, node, newid, () => {
        const conf = configs.load(newid, node);
        if (!hasLock(conf.main, "create")) throw pveDie("Lost 'create' config lock, aborting.");
        return fn(conf);
      });

    const srcConf = await setLock(deps, node, vmid, "disk");
    try {
      await lockConfig(
        ctx,
        node,
        newid,
        () => {
          vmlistOf(ctx).assertUnused(newid);
          configs.create(newid, node, emptyConf({ lock: "create" }));
        },
        { timeoutMs: 5000 },
      );
    } catch (err) {
      await removeLock(deps, node, vmid, "disk").catch(() => undefined);
      throw err;
    }

    const mountpoints = new Map<string, MountPoint>();
    const fullclone = new Set<string>();
    const vollist: string[] = [];
    let running: boolean;
    try {
      running = deps.runtime.isRunning(vmid, node);
      const full = p.full !== undefined ? Boolean(p.full) : Number(srcConf.main.template) !== 1;
      if (storage !== undefined && !full) throw pveDie("parameter 'storage' not allowed for linked clones");
      if (snapname !== undefined && !srcConf.snapshots.has(snapname)) throw pveDie(`snapshot '${snapname}' does not exist`);
      const source: ConfigSection = snapname !== undefined ? (srcConf.snapshots.get(snapname) ?? {}) : srcConf.main;
      const newconf: ConfigSection = {};
      let sharedvm = true;
      for (const opt of Object.keys(source).sort()) {
        if (/^unused\d+$/.test(opt)) continue;
        const value = source[opt] as string | number;
        if (opt === "rootfs" || /^mp\d+$/.test(opt)) {
          const mp = parseVolume(opt, String(value));
          if (!mp) continue;
          if (mp.type !== "volume") throw pveDie(`unable to clone mountpoint '${opt}' (type ${mp.type})`);
          const sid = storage ?? parseVolumeId(mp.volume)[0];
          if (!storageConfig(ctx, sid).shared) sharedvm = false;
          checkPrivs(ctx, req.auth, `/storage/${sid}`, ["Datastore.AllocateSpace"]);
          if (full) {
            if (running && snapname === undefined) throw pveDie("Full clone of a running container is only possible from a snapshot");
            fullclone.add(opt);
          } else if (!volumeHasFeature(ctx, "clone", mp.volume, snapname, { validTargetFormats: ["raw", "subvol"] })) {
            throw pveDie(`Linked clone feature for '${mp.volume}' is not available`);
          }
          mountpoints.set(opt, mp);
          vollist.push(mp.volume);
        } else if (/^net\d+$/.test(opt)) {
          const net = parseNetwork(ctx, String(value));
          net.hwaddr = randomDatacenterMac(ctx);
          newconf[opt] = printNetwork(net);
          checkBridgeAccess(ctx, req.auth, newconf[opt] as string);
        } else {
          newconf[opt] = value;
        }
      }
      if (target !== undefined && !sharedvm) throw pveDie(`can't clone CT to node '${target}' (CT uses local storage)`);
      newconf.lock = "create";
      for (const key of ["parent", "snaptime", "snapstate", "template"]) delete newconf[key];
      if (p.hostname) newconf.hostname = String(p.hostname);
      if (p.description) newconf.description = String(p.description);
      await lockAndReload(() => configs.write(newid, emptyConf(newconf)));
    } catch (err) {
      await removeLock(deps, node, vmid, "disk").catch(() => undefined);
      await lockAndReload(() => configs.remove(newid)).catch(() => undefined);
      throw err;
    }

    return forkWorker(ctx, req.auth, { node, type: "vzclone", id: String(vmid) }, async (worker) => {
      const newvollist: string[] = [];
      worker.log(`creating a clone of container ${vmid} with ID ${newid}`);
      let failure: unknown;
      try {
        if (deps.runtime.isRunning(vmid, node) !== running) throw pveDie("unexpected state change");
        const perVolume = mountpoints.size ? worker.durationMs / mountpoints.size : 0;
        if (!mountpoints.size) await worker.spend(1);
        for (const opt of [...mountpoints.keys()].sort()) {
          const mp = mountpoints.get(opt) as MountPoint;
          const volid = mp.volume;
          let newvolid: string;
          if (fullclone.has(opt)) {
            worker.log(`create full clone of mountpoint ${opt} (${volid})`);
            newvolid = await copyVolume(env, mp, newid, storage ?? parseVolumeId(volid)[0], perVolume, snapname);
          } else {
            worker.log(`create linked clone of mount point ${opt} (${volid})`);
            newvolid = await vdiskClone(env, volid, newid, perVolume, snapname);
          }
          newvollist.push(newvolid);
          mp.volume = newvolid;
          await lockAndReload((conf) => {
            conf.main[opt] = printMountpoint(opt, mp);
            configs.write(newid, conf);
          });
        }
        if (pool !== undefined) await addVmToPool(ctx, newid, pool);
      } catch (err) {
        failure = err;
      }
      await removeLock(deps, node, vmid, "disk").catch((err: unknown) => worker.log(err instanceof Error ? err.message.replace(/\n$/, "") : String(err)));
      if (failure !== undefined) {
        for (const volid of newvollist) await vdiskFree(env, volid).catch(() => undefined);
        await lockAndReload(() => configs.remove(newid)).catch((err: unknown) =>
          worker.log(`Failed to remove target CT config - ${err instanceof Error ? err.message : String(err)}`),
        );
        throw pveDie(`clone failed: ${failure instanceof Error ? failure.message.replace(/\n$/, "") : String(failure)}`);
      }
      await lockAndReload((conf) => {
        delete conf.main.lock;
        configs.write(newid, conf);
        if (target !== undefined) configs.moveTo(newid, target);
      });
    });
  });
}
