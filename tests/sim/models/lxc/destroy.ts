/**
 * `DELETE /nodes/{node}/lxc/{vmid}` (pve-container `src/PVE/API2/LXC.pm` `destroy_vm`,
 * `src/PVE/LXC.pm` `destroy_lxc_container`): refused at once (and again under the flock):
 * protection (`can't remove CT <id> - protection mode enabled`), a lock, an HA resource without
 * `purge`, a running container without `force` (`unable to destroy CT <id> - container is
 * running`). The `vzdestroy` worker stops a running container when forced (through HA when it is
 * managed), frees the owned volumes (`destroy-unreferenced-disks`: also the unreferenced ones)
 * leaving `lock: destroyed` until the end, drops ACLs and pool membership, with `purge` the HA
 * resource and backup-job entries, and removes the config.
 */
import type { SimRequest } from "../../types";
import { pveDie } from "../config-text";
import { removeVmAccess } from "../guests/access";
import { checkProtection, type GuestConf } from "../guests/config";
import { deleteHaResource, haStateOf, queueHaRequest, sidOf } from "../guests/ha";
import { forkWorker } from "../guests/worker";
import { removeVmidFromBackupJobs } from "../backup/jobs";
import { checkLock, lockConfig, type LxcDeps } from "./deps";
import { destroyLxcContainer } from "./disks";
import { stopHeld } from "./power";

type Register = (method: "DELETE", template: string, handler: (req: SimRequest) => unknown) => void;

/** Registers `destroy_vm`. */
export function installDestroy(register: Register, deps: LxcDeps): void {
  const { ctx, configs } = deps;
  register("DELETE", "/nodes/{node}/lxc/{vmid}", (req) => {
    const node = String(req.params.node);
    const vmid = Number(req.params.vmid);
    const purge = Boolean(req.params.purge);
    const force = Boolean(req.params.force);
    const sid = sidOf("lxc", vmid);
    const earlyChecks = (conf: GuestConf): boolean => {
      checkProtection(conf, `can't remove CT ${vmid}`);
      checkLock(conf);
      const haManaged = haStateOf(ctx).resources.has(sid);
      if (!purge && haManaged) throw pveDie(`unable to remove CT ${vmid} - used in HA resources and purge parameter not set.`);
      return haManaged;
    };
    earlyChecks(configs.load(vmid, node));
    const runningMsg = `unable to destroy CT ${vmid} - container is running`;
    if (!force && deps.runtime.isRunning(vmid, node)) throw pveDie(runningMsg);
    return forkWorker(ctx, req.auth, { node, type: "vzdestroy", id: String(vmid) }, (worker) =>
      lockConfig(ctx, node, vmid, async () => {
        const conf = configs.load(vmid, node);
        const haManaged = earlyChecks(conf);
        if (deps.runtime.isRunning(vmid, node)) {
          if (!force) throw pveDie(runningMsg);
          worker.log(`forced to stop CT ${vmid} before destroying!`);
          if (!haManaged) await stopHeld(deps, vmid, worker);
          else await queueHaRequest(ctx, sid, { kind: "stop", timeout: 120 }, ctx.taskDurationMs({ node, type: "hastop", id: String(vmid) }));
        }
        await worker.spend(1);
        await destroyLxcContainer({ ctx, node }, vmid, conf, worker.log, Boolean(req.params["destroy-unreferenced-disks"]), (replacement) =>
          configs.write(vmid, replacement),
        );
        await removeVmAccess(ctx, vmid);
        if (purge) {
          worker.log(`purging CT ${vmid} from related configurations..`);
          await removeVmidFromBackupJobs(ctx, vmid);
          if (haManaged) {
            await deleteHaResource(ctx, sid);
            worker.log(`NOTE: removed CT ${vmid} from HA resource configuration.`);
          }
        }
        configs.remove(vmid);
      }),
    );
  });
}
