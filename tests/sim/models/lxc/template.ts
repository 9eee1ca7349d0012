/**
 * `POST /nodes/{node}/lxc/{vmid}/template` (pve-container `src/PVE/API2/LXC.pm` `template`,
 * `src/PVE/LXC.pm` `template_create`): under the config flock the request refuses a locked
 * container, one with snapshots, a template and a running container, then forks a `vztemplate`
 * worker and answers null at once (the UPID is dropped). The worker checks every volume's
 * `template` feature, turns each into a base image (`vm-` → `base-`, `subvol-` → `basevol-`)
 * and sets `template: 1`.
 */
import type { SimRequest } from "../../types";
import { pveDie } from "../config-text";
import type { GuestConf } from "../guests/config";
import { volumeHasFeature } from "../guests/storage-features";
import { vdiskCreateBase, type StorageEnv } from "../guests/storage-ops";
import { forkWorker } from "../guests/worker";
import { checkLock, lockConfig, type LxcDeps } from "./deps";
import { printMountpoint, volumesOf } from "./mountpoint";

/** `template_create`: every volume becomes a base image (the config is written after all). */
export async function templateCreate(env: StorageEnv, conf: GuestConf): Promise<void> {
  const volumes = volumesOf(conf.main);
  for (const { mp } of volumes) {
    if (!volumeHasFeature(env.ctx, "template", mp.volume)) throw pveDie(`Template feature is not available for '${mp.volume}'`);
  }
  for (const { key, mp } of volumes) {
    mp.volume = await vdiskCreateBase(env, mp.volume);
    conf.main[key] = printMountpoint(key, mp);
  }
}

type Register = (method: "POST", template: string, handler: (req: SimRequest) => unknown) => void;

/** Registers `template`. */
export function installTemplate(register: Register, deps: LxcDeps): void {
  register("POST", "/nodes/{node}/lxc/{vmid}/template", async (req) => {
    const node = String(req.params.node);
    const vmid = Number(req.params.vmid);
    await lockConfig(deps.ctx, node, vmid, () => {
      const conf = deps.configs.load(vmid, node);
      checkLock(conf);
      if (conf.snapshots.size) throw pveDie("unable to create template, because CT contains snapshots");
      if (Number(conf.main.template) === 1) throw pveDie("you can't convert a template to a template");
      if (deps.runtime.isRunning(vmid)) throw pveDie("you can't convert a CT to template if the CT is running");
      forkWorker(deps.ctx, req.auth, { node, type: "vztemplate", id: String(vmid) }, async (worker) => {
        await worker.spend(1);
        await templateCreate({ ctx: deps.ctx, node }, conf);
        deps.configs.write(vmid, conf);
        conf.main.template = 1;
        deps.configs.write(vmid, conf);
      });
    });
    return null;
  });
}
