/**
 * `DELETE /nodes/{node}/qemu/{vmid}` (qemu-server `src/PVE/API2/Qemu.pm` `destroy_vm`,
 * `src/PVE/QemuServer.pm` `destroy_vm`). Refused before the worker (and again under the lock):
 * protection, an HA resource without `purge`, a running VM. The `qmdestroy` worker refuses a
 * template whose base images linked clones still use, frees every volume the VM owns (drives,
 * `unusedN`, pending drives; with `destroy-unreferenced-disks` also any volume named for the
 * VMID on any storage; a volume that cannot go only `log_warn`s), leaves `lock: destroyed` until
 * the end, drops the VM's ACLs and pool membership (`remove_vm_access`), with `purge` its HA
 * resource, and removes the config.
 */
import type { SimRequest } from "../../types";
import { pveDie } from "../config-text";
import { removeVmAccess } from "../guests/access";
import { deleteHaResource, haStateOf, sidOf } from "../guests/ha";
import { isRoot } from "../guests/permissions";
import { paramError } from "../param-error";
import { storageConfigOf } from "../storage";
import { checkProtection, emptyConf } from "../guests/config";
import { contentOf, findVolume, locationOf, storageCheckEnabled, vdiskFree, volumeIsBaseAndUsed, type StorageEnv } from "../guests/storage-ops";
import { volidOf, volumesOf } from "../guests/volumes";
import { isDriveName } from "./confdesc";
import { checkLock, type QemuDeps } from "./deps";
import { isVolidOwner } from "./disks";
import { driveIsCdrom, parseDrive } from "./drive";
import { forkWorker } from "../guests/worker";
import { lockConfig } from "./worker";

type Register = (method: "DELETE", template: string, handler: (req: SimRequest) => unknown) => void;

/** Registers `destroy_vm`. */
export function installDestroy(register: Register, deps: QemuDeps): void {
  const { ctx, configs } = deps;
  register("DELETE", "/nodes/{node}/qemu/{vmid}", (req) => {
    const node = String(req.params.node);
    const vmid = Number(req.params.vmid);
    const purge = Boolean(req.params.purge);
    const skiplock = Boolean(req.params.skiplock);
    if (skiplock && !isRoot(req.auth)) throw paramError({ skiplock: "Only root may use this option." });
    const earlyChecks = (): boolean => {
      const conf = configs.load(vmid, node);
      checkProtection(conf, `can't remove VM ${vmid}`);
      const haManaged = haStateOf(ctx).resources.has(sidOf("qemu", vmid));
      if (!purge && haManaged) throw pveDie(`unable to remove VM ${vmid} - used in HA resources and purge parameter not set.`);
      if (deps.runtime.isRunning(vmid)) throw pveDie(`VM ${vmid} is running - destroy failed`);
      return haManaged;
    };
    earlyChecks();
    return forkWorker(ctx, req.auth, { node, type: "qmdestroy", id: String(vmid) }, (worker) =>
      lockConfig(ctx, node, vmid, async () => {
        const haManaged = earlyChecks();
        const env: StorageEnv = { ctx, node };
        const conf = configs.load(vmid, node);
        if (!skiplock && conf.main.lock !== "suspended") checkLock(conf);
        const volumes = (section: Record<string, string | number>): string[] =>
          Object.entries(section)
            .filter(([key]) => isDriveName(key) || /^unused\d+$/.test(key) || key === "vmstate")
            .map(([key, value]) => (key === "vmstate" ? { file: String(value) } : parseDrive(key, String(value))))
            .filter(
              (drive): drive is { file: string } =>
                drive !== undefined && !driveIsCdrom(drive as Record<string, string | number>, true) && Boolean(drive.file) && !drive.file.startsWith("/"),
            )
            .map((drive) => drive.file);
        if (conf.main.template) {
          for (const volid of volumes(conf.main)) {
            if (volumeIsBaseAndUsed(env, volid)) throw pveDie(`base volume '${volid}' is still in use by linked cloned`);
          }
        }
        await worker.spend(1);
        const done = new Set<string>();
        const pending = { ...conf.pending };
        delete pending.delete;
        for (const volid of [...volumes(conf.main), ...volumes(pending)]) {
          if (done.has(volid) || !isVolidOwner(ctx, vmid, volid)) continue;
          done.add(volid);
          try {
            if (findVolume(env, volid)) await vdiskFree(env, volid);
          } catch (err) {
            worker.warn(`Could not remove disk '${volid}', check manually: ${err instanceof Error ? err.message : String(err)}`);
          }
        }
        if (req.params["destroy-unreferenced-disks"]) {
          for (const [storage, scfg] of storageConfigOf(ctx).entries()) {
            if (!contentOf(scfg).has("images")) continue; // vdisk_list(..., 'images')
            try {
              storageCheckEnabled(ctx, storage, node);
            } catch {
              continue;
            }
            for (const volume of volumesOf(ctx).list(locationOf(ctx, storage, node))) {
              if (volume.vtype !== "images" || volume.vmid !== vmid) continue;
              try {
                await vdiskFree(env, volidOf(volume));
              } catch (err) {
                worker.warn(err instanceof Error ? err.message : String(err));
              }
            }
          }
        }
        configs.write(vmid, emptyConf({ lock: "destroyed" }));
        await removeVmAccess(ctx, vmid);
        if (purge) {
          worker.log(`purging VM ${vmid} from related configurations..`);
          if (haManaged) {
            await deleteHaResource(ctx, sidOf("qemu", vmid));
            worker.log(`NOTE: removed VM ${vmid} from HA resource configuration.`);
          }
        }
        configs.remove(vmid);
      }),
    );
  });
}
