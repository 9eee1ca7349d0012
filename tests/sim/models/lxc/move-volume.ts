/**
 * `POST /nodes/{node}/lxc/{vmid}/move_volume` (pve-container `src/PVE/API2/LXC.pm`
 * `move_volume`): `storage` XOR `target-vmid`. To a storage: refused at once under the flock for
 * a locked or running container, an `unusedN` key, `delete` of a volume snapshots use, a stale
 * `digest`; then `lock: disk` is set before the `move_volume` worker copies the volume
 * (`copy_volume`; a template's copy becomes a base image), points the mount point at it, keeps the
 * old volume as `unusedN` unless `delete=1` frees it, and always removes the lock. To another
 * container on the same node: not from or to `rootfs` or templates, not a volume in use by a
 * snapshot or of a running source, the target key free; the volume is renamed for its new owner
 * (`rename_volume`) and set through `update_pct_config` on the target.
 */
import type { SimRequest } from "../../types";
import { assertDigest, pveDie } from "../config-text";
import { paramError } from "../param-error";
import type { GuestConf } from "../guests/config";
import { checkPrivs, checkVmPerm, isRoot } from "../guests/permissions";
import { volumeHasFeature } from "../guests/storage-features";
import { parseVolumeId, renameVolume, vdiskCreateBase, vdiskFree, type StorageEnv } from "../guests/storage-ops";
import { vmlistOf } from "../guests/vmlist";
import { forkWorker, type Worker } from "../guests/worker";
import { checkLock, lockConfig, removeLock, setLockHeld, type LxcDeps } from "./deps";
import { addUnused, copyVolume, usedBySnapshots } from "./disks";
import { parseVolume, printMountpoint, type MountPoint } from "./mountpoint";
import { updatePctConfig } from "./pending";

type Register = (method: "POST", template: string, handler: (req: SimRequest) => unknown) => void;

/** Registers `move_volume`. */
export function installMoveVolume(register: Register, deps: LxcDeps): void {
  const { ctx, configs } = deps;
  register("POST", "/nodes/{node}/lxc/{vmid}/move_volume", async (req) => {
    const p = req.params;
    const node = String(p.node);
    const vmid = Number(p.vmid);
    const targetVmid = p["target-vmid"] === undefined ? undefined : Number(p["target-vmid"]);
    const storage = p.storage === undefined ? undefined : String(p.storage);
    const mpkey = String(p.volume);
    const targetKey = p["target-volume"] === undefined ? mpkey : String(p["target-volume"]);
    const env: StorageEnv = { ctx, node };
    if (storage !== undefined && targetVmid !== undefined) throw pveDie("either set storage or target-vmid, but not both");

    if (targetVmid !== undefined) {
      if (!isRoot(req.auth)) checkVmPerm(ctx, req.auth, targetVmid, undefined, ["VM.Config.Disk"]);
      const { drive } = checkReassign(deps, req, vmid, targetVmid, mpkey, targetKey);
      checkPrivs(ctx, req.auth, `/storage/${parseVolumeId(drive.volume)[0]}`, ["Datastore.AllocateSpace"]);
      // PVE's flocks are reentrant: moving between two keys of one container locks it once.
      const lockTarget = <T>(fn: () => Promise<T>): Promise<T> => (targetVmid === vmid ? fn() : lockConfig(ctx, node, targetVmid, fn));
      return forkWorker(ctx, req.auth, { node, type: "move_volume", id: `${vmid}-${mpkey}>${targetVmid}-${targetKey}` }, (worker) =>
        lockConfig(ctx, node, vmid, () =>
          lockTarget(async () => {
            const { source, target, drive: mp } = checkReassign(deps, req, vmid, targetVmid, mpkey, targetKey);
            worker.log(`moving volume '${mpkey}' from container '${vmid}' to '${targetVmid}'`);
            await worker.spend(1);
            const newVolid = await renameVolume(env, mp.volume, targetVmid);
            mp.volume = newVolid;
            delete source.main[mpkey];
            worker.log(`removing volume '${mpkey}' from container '${vmid}' config`);
            configs.write(vmid, source);
            if (/^unused\d+$/.test(targetKey)) {
              target.main[targetKey] = newVolid;
            } else {
              const errors = await updatePctConfig({
                env,
                vmid: targetVmid,
                conf: target,
                running: deps.runtime.isRunning(targetVmid, node),
                set: { [targetKey]: printMountpoint(targetKey, mp) },
                devices: deps.devices,
                log: worker.log,
              });
              for (const message of Object.values(errors)) worker.warn(message);
            }
            configs.write(targetVmid, target);
            worker.log(`target container '${targetVmid}' updated with '${targetKey}'`);
          }),
        ),
      );
    }
    if (storage === undefined) {
      const msg = "both 'storage' and 'target-vmid' missing, either needs to be set";
      throw paramError({ "target-vmid": msg, storage: msg });
    }
    checkPrivs(ctx, req.auth, `/storage/${storage}`, ["Datastore.AllocateSpace"]);
    const mp = await lockConfig(ctx, node, vmid, () => {
      const conf = configs.load(vmid, node);
      checkLock(conf);
      if (deps.runtime.isRunning(vmid, node)) throw pveDie("cannot move volumes of a running container");
      if (/^unused\d+$/.test(mpkey)) throw pveDie(`cannot move volume '${mpkey}', only configured volumes can be moved to another storage`);
      const parsed = parseVolume(mpkey, String(conf.main[mpkey] ?? "")) as MountPoint;
      if (p.delete && usedBySnapshots(conf, parsed.volume)) throw pveDie("you can't move a volume with snapshots and delete the source");
      assertDigest(configs.digest(vmid), p.digest);
      setLockHeld(deps, node, vmid, "disk");
      return parsed;
    });
    return forkWorker(ctx, req.auth, { node, type: "move_volume", id: String(vmid) }, async (worker) => {
      try {
        await moveToStorage(deps, env, vmid, mpkey, mp, storage, Boolean(p.delete), worker);
      } finally {
        await removeLock(deps, node, vmid, "disk").catch((err: unknown) => worker.log(err instanceof Error ? err.message.replace(/\n$/, "") : String(err)));
      }
    });
  });
}

/** `$storage_realcmd` (without the final unlock). */
async function moveToStorage(
  deps: LxcDeps,
  env: StorageEnv,
  vmid: number,
  mpkey: string,
  mp: MountPoint,
  storage: string,
  del: boolean,
  worker: Worker,
): Promise<void> {
  const { configs } = deps;
  const conf = configs.load(vmid, env.node);
  const digest = configs.digest(vmid);
  const oldVolid = mp.volume;
  let newVolid: string | undefined;
  try {
    newVolid = await copyVolume(env, mp, vmid, storage, worker.durationMs);
    mp.volume = Number(conf.main.template) === 1 ? await vdiskCreateBase(env, newVolid) : newVolid;
    await lockConfig(deps.ctx, env.node, vmid, () => {
      const current = configs.load(vmid, env.node);
      assertDigest(configs.digest(vmid), digest);
      current.main[mpkey] = printMountpoint(mpkey, mp);
      if (!del) addUnused(current.main, oldVolid);
      configs.write(vmid, current);
    });
  } catch (err) {
    if (newVolid !== undefined) await vdiskFree(env, mp.volume === oldVolid ? newVolid : mp.volume).catch(() => undefined);
    throw err;
  }
  if (del) {
    try {
      await vdiskFree(env, oldVolid);
    } catch (err) {
      worker.log(err instanceof Error ? err.message.replace(/\n$/, "") : String(err));
      await lockConfig(deps.ctx, env.node, vmid, () => {
        const current = configs.load(vmid, env.node);
        addUnused(current.main, oldVolid);
        configs.write(vmid, current);
      });
    }
  }
}

/** `$load_and_check_reassign_configs`. */
function checkReassign(
  deps: LxcDeps,
  req: SimRequest,
  vmid: number,
  targetVmid: number,
  mpkey: string,
  targetKey: string,
): { source: GuestConf; target: GuestConf; drive: MountPoint } {
  const { configs, ctx } = deps;
  const node = String(req.params.node);
  if (mpkey === "rootfs" || targetKey === "rootfs") throw pveDie("Cannot move to/from 'rootfs'");
  if (/^unused\d+$/.test(mpkey) && !/^unused\d+$/.test(targetKey)) throw pveDie("Moving an unused volume to a used one is not possible");
  const vmlist = vmlistOf(ctx);
  const from = vmlist.get(vmid);
  const to = vmlist.get(targetVmid);
  if (!from) throw pveDie(`could not find CT ${vmid}`);
  if (!to) throw pveDie(`could not find CT ${targetVmid}`);
  if (from.node !== to.node) throw pveDie(`Both containers need to be on the same node (${from.node} != ${to.node})`);
  const source = configs.load(vmid, node);
  checkLock(source);
  const target = targetVmid === vmid ? source : configs.load(targetVmid, node);
  if (target !== source) checkLock(target);
  if (Number(source.main.template) === 1 || Number(target.main.template) === 1) throw pveDie("Can't move volumes from or to template CT");
  const digest = req.params.digest;
  if (typeof digest === "string" && digest && digest !== configs.digest(vmid))
    throw pveDie(`Container ${vmid}: detected modified configuration - file changed by other user? Try again.`);
  const targetDigest = req.params["target-digest"];
  if (typeof targetDigest === "string" && targetDigest && targetDigest !== configs.digest(targetVmid))
    throw pveDie(`Container ${targetVmid}: detected modified configuration - file changed by other user? Try again.`);
  if (source.main[mpkey] === undefined) throw pveDie(`volume '${mpkey}' for container '${vmid}' does not exist`);
  if (target.main[targetKey] !== undefined) throw pveDie(`Target volume key '${targetKey}' is already in use for container '${targetVmid}'`);
  const drive = parseVolume(mpkey, String(source.main[mpkey])) as MountPoint;
  if (!drive.volume) throw pveDie(`Volume '${mpkey}' has no associated image`);
  if (usedBySnapshots(source, drive.volume)) throw pveDie("Cannot move volume used by a snapshot to another container");
  if (!volumeHasFeature(ctx, "rename", drive.volume)) throw pveDie("Storage does not support moving of this disk to another container");
  if (drive.type !== "volume") throw pveDie("Cannot move a bindmount or device mount to another container");
  if (deps.runtime.isRunning(vmid, node) && !/^unused\d+$/.test(mpkey))
    throw pveDie("Cannot move in-use volume while the source CT is running - detach or shutdown first");
  return { source, target, drive };
}
