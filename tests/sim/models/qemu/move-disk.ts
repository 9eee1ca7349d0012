/**
 * `POST /nodes/{node}/qemu/{vmid}/move_disk` (qemu-server `src/PVE/API2/Qemu.pm`
 * `move_vm_disk`): `storage` XOR `target-vmid`. A storage move is checked before the worker
 * (lock, `digest` via `assert_if_modified`, the disk, not a CD-ROM, not the same storage and
 * format, the target's `images` content, snapshots with `delete`), then the `qmmove` worker
 * copies the disk under the config flock; without `delete=1` the old volume stays as
 * `unusedN` (`adding source volume '...' as 'unused0' to config`). A reassign hands the volume
 * to another stopped VM on the same node (`rename_volume`), never copying it, and takes the disk
 * out of the source's boot order (`device_bootorder`).
 */
import type { SimRequest } from "../../types";
import { assertDigest, pveDie } from "../config-text";
import { paramError } from "../param-error";
import { addUnusedVolume, type GuestConf } from "../guests/config";
import { checkPrivs, checkVmPerm, isRoot } from "../guests/permissions";
import { contentOf, parseVolname, parseVolumeId, renameVolume, storageCheckEnabled, vdiskFree, type StorageEnv } from "../guests/storage-ops";
import { vmlistOf } from "../guests/vmlist";
import { deviceBootorder, printBootorder } from "./boot";
import { cloneDisk } from "./clone-disk";
import { checkLock, type QemuDeps } from "./deps";
import { isVolumeInUse } from "./disks";
import { driveIsCdrom, parseDrive, printDrive, type Drive } from "./drive";
import { templateCreate } from "./template";
import { planUpdateFor, runUpdate } from "./update";
import { forkWorker } from "../guests/worker";
import { lockConfig } from "./worker";

type Register = (method: "POST", template: string, handler: (req: SimRequest) => unknown) => void;

/** Registers `move_vm_disk`. */
export function installMoveDisk(register: Register, deps: QemuDeps): void {
  const { ctx, configs } = deps;
  register("POST", "/nodes/{node}/qemu/{vmid}/move_disk", (req) => {
    const p = req.params;
    const node = String(p.node);
    const vmid = Number(p.vmid);
    const disk = String(p.disk);
    const targetVmid = p["target-vmid"] === undefined ? undefined : Number(p["target-vmid"]);
    const targetDisk = p["target-disk"] === undefined ? disk : String(p["target-disk"]);
    const storage = p.storage === undefined ? undefined : String(p.storage);
    const format = p.format === undefined ? undefined : String(p.format);
    const env: StorageEnv = { ctx, node };

    if (targetVmid !== undefined && storage !== undefined) {
      const msg = "either set 'storage' or 'target-vmid', but not both";
      throw paramError({ "target-vmid": msg, storage: msg });
    }
    if (targetVmid !== undefined) {
      if (!isRoot(req.auth)) checkVmPerm(ctx, req.auth, targetVmid, undefined, ["VM.Config.Disk"]);
      if (vmid === targetVmid) throw paramError({ "target-vmid": "must be different than source VMID to reassign disk" });
      const { drive } = checkReassign(deps, req, vmid, targetVmid, disk, targetDisk);
      checkPrivs(ctx, req.auth, `/storage/${parseVolumeId(drive.file)[0]}`, ["Datastore.AllocateSpace"]);
      return forkWorker(ctx, req.auth, { node, type: "qmmove", id: `${vmid}-${disk}>${targetVmid}-${targetDisk}` }, (worker) =>
        lockConfig(ctx, node, vmid, () =>
          lockConfig(ctx, node, targetVmid, async () => {
            const checked = checkReassign(deps, req, vmid, targetVmid, disk, targetDisk);
            worker.log(`reassign disk '${disk}' from VM '${vmid}' as '${targetDisk}' to VM '${targetVmid}'`);
            await worker.spend(1);
            const newVolid = await renameVolume(env, checked.drive.file, targetVmid);
            const source = checked.source;
            const order = deviceBootorder(source.main);
            if (order.delete(disk)) {
              worker.log(`removing disk '${disk}' from boot order config`);
              source.main.boot = printBootorder([...order.keys()].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)));
            }
            delete source.main[disk];
            worker.log(`removing disk '${disk}' from VM '${vmid}' config`);
            configs.write(vmid, source);
            const driveString = printDrive(targetDisk, { ...checked.drive, file: newVolid });
            if (/^unused\d+$/.test(targetDisk)) {
              const target = configs.load(targetVmid, node);
              target.main[targetDisk] = newVolid;
              configs.write(targetVmid, target);
            } else {
              const plan = planUpdateFor(
                deps,
                req.auth,
                node,
                targetVmid,
                { [targetDisk]: driveString },
                typeof p["target-digest"] === "string" ? p["target-digest"] : undefined,
              );
              await runUpdate(deps, plan, worker.log);
            }
          }),
        ),
      );
    }
    if (storage === undefined) {
      const msg = "both 'storage' and 'target-vmid' missing, either needs to be set";
      throw paramError({ "target-vmid": msg, storage: msg });
    }
    checkPrivs(ctx, req.auth, `/storage/${storage}`, ["Datastore.AllocateSpace"]);
    const loadAndCheck = (): { conf: GuestConf; drive: Drive; snapshotted: boolean } => {
      const conf = configs.load(vmid, node);
      checkLock(conf);
      assertDigest(configs.digest(vmid), p.digest);
      if (conf.main[disk] === undefined) throw pveDie(`disk '${disk}' does not exist`);
      const drive = parseDrive(disk, String(conf.main[disk]));
      if (!drive?.file) throw pveDie(`disk '${disk}' has no associated volume`);
      if (driveIsCdrom(drive, true)) throw pveDie("you can't move a cdrom");
      const [oldStorage] = parseVolumeId(drive.file);
      const oldFormat = parseVolname(ctx, drive.file).format;
      if (oldStorage === storage && (!format || !oldFormat || oldFormat === format)) throw pveDie("you can't move to the same storage with same format");
      const scfg = storageCheckEnabled(ctx, storage, node);
      if (!contentOf(scfg).has("images")) throw paramError({ storage: `storage '${storage}' does not support vm images` });
      const snapshotted = [...conf.snapshots.values()].some((snap) => Object.values(snap).some((v) => String(v).split(",")[0] === drive.file));
      if (snapshotted && p.delete) throw pveDie("you can't move a disk with snapshots and delete the source");
      return { conf, drive, snapshotted };
    };
    loadAndCheck();
    return forkWorker(ctx, req.auth, { node, type: "qmmove", id: String(vmid) }, (worker) =>
      lockConfig(ctx, node, vmid, async () => {
        const { conf, drive, snapshotted } = loadAndCheck();
        const oldVolid = drive.file;
        const [oldStorage] = parseVolumeId(oldVolid);
        worker.log(`copying volume '${oldVolid}' from current storage '${oldStorage}' to target storage '${storage}'`);
        const newvollist: string[] = [];
        try {
          if (snapshotted) worker.log("moving disk with snapshots, snapshots will not be moved!");
          const newDrive = await cloneDisk(
            env,
            { vmid, drivename: disk, drive },
            { vmid, drivename: disk, storage, ...(format ? { format } : {}) },
            true,
            newvollist,
            worker.log,
            worker.durationMs,
          );
          conf.main[disk] = printDrive(disk, newDrive);
          if (!p.delete) {
            const key = addUnusedVolume(conf.main, oldVolid);
            worker.log(`adding source volume '${oldVolid}' as '${key}' to config`);
          }
          if (conf.main.template) await templateCreate(deps, env, vmid, conf, disk);
          configs.write(vmid, conf);
        } catch (err) {
          for (const volid of newvollist) await vdiskFree(env, volid).catch(() => undefined);
          throw pveDie(`storage migration failed: ${err instanceof Error ? err.message.replace(/\n$/, "") : String(err)}`);
        }
        if (p.delete) {
          worker.log(`removing source volume '${oldVolid}' after successful copy`);
          if (!isVolumeInUse(conf, undefined, oldVolid))
            await vdiskFree(env, oldVolid).catch((err: unknown) => worker.log(err instanceof Error ? err.message : String(err)));
        }
      }),
    );
  });
}

/** `$load_and_check_reassign_configs`. */
function checkReassign(
  deps: QemuDeps,
  req: SimRequest,
  vmid: number,
  targetVmid: number,
  disk: string,
  targetDisk: string,
): { source: GuestConf; drive: Drive } {
  const { configs, ctx } = deps;
  const vmlist = vmlistOf(ctx);
  const from = vmlist.get(vmid);
  const to = vmlist.get(targetVmid);
  if (!from) throw pveDie(`could not find VM ${vmid}`);
  if (!to) throw pveDie(`could not find target VM ${targetVmid}`);
  if (from.node !== to.node) throw pveDie(`Both VMs need to be on the same node (${from.node} != ${to.node})`);
  const source = configs.load(vmid, String(req.params.node));
  checkLock(source);
  const target = configs.load(targetVmid, String(req.params.node));
  checkLock(target);
  if (source.main.template || target.main.template) throw pveDie("Can't move disks from or to template VMs");
  if (typeof req.params.digest === "string" && req.params.digest && req.params.digest !== configs.digest(vmid)) {
    throw pveDie(`VM ${vmid}: detected modified configuration - file changed by other user? Try again.`);
  }
  if (typeof req.params["target-digest"] === "string" && req.params["target-digest"] && req.params["target-digest"] !== configs.digest(targetVmid)) {
    throw pveDie(`VM ${targetVmid}: detected modified configuration - file changed by other user? Try again.`);
  }
  if (source.main[disk] === undefined) throw pveDie(`Disk '${disk}' for VM '${vmid}' does not exist`);
  if (target.main[targetDisk] !== undefined) throw pveDie(`Target disk key '${targetDisk}' is already in use for VM '${targetVmid}'`);
  const raw = String(source.main[disk]);
  const drive = /^unused\d+$/.test(disk) ? ({ file: raw } as Drive) : parseDrive(disk, raw);
  if (!drive) throw pveDie("failed to parse source disk - ");
  if (!drive.file) throw pveDie(`disk '${disk}' has no associated volume`);
  if (driveIsCdrom(drive, true)) throw pveDie("CD drive contents can't be moved to another VM");
  if (!parseVolumeId(drive.file, true)) throw pveDie(`Volume '${drive.file}' not managed by PVE`);
  if ([...source.snapshots.values()].some((snap) => Object.values(snap).some((v) => String(v).split(",")[0] === drive.file)))
    throw pveDie("Can't move disk used by a snapshot to another VM");
  if (deps.runtime.isRunning(vmid) && !/^unused\d+$/.test(disk)) throw pveDie("Cannot move disk to another VM while the source VM is running - detach first");
  return { source, drive };
}
