/**
 * `POST /nodes/{node}/qemu/{vmid}/template` (qemu-server `src/PVE/API2/Qemu.pm` `template`,
 * `src/PVE/QemuServer.pm` `template_create`): refused for a locked VM, one with snapshots, a
 * template (unless one `disk` is converted) and a running VM; the `qmtemplate` worker sets
 * `template: 1` and turns each disk whose storage supports it into a base image
 * (`vdisk_create_base`: `vm-100-disk-0` becomes `base-100-disk-0`), writing the config after each.
 */
import type { SimRequest } from "../../types";
import { pveDie } from "../config-text";
import type { GuestConf } from "../guests/config";
import { parseVolumeId, pluginOf, vdiskCreateBase, type StorageEnv } from "../guests/storage-ops";
import { DRIVE_NAMES } from "./confdesc";
import { checkLock, checkRunning, type QemuDeps } from "./deps";
import { driveIsCdrom, parseDrive, printDrive } from "./drive";
import { forkWorker } from "../guests/worker";
import { lockConfig } from "./worker";

/** `template_create`: base images for every disk (or just `disk`) whose storage can hold them. */
export async function templateCreate(deps: QemuDeps, env: StorageEnv, vmid: number, conf: GuestConf, disk?: string): Promise<void> {
  for (const key of DRIVE_NAMES) {
    if (conf.main[key] === undefined || (disk !== undefined && key !== disk)) continue;
    const drive = parseDrive(key, String(conf.main[key]));
    if (!drive || driveIsCdrom(drive)) continue;
    const id = parseVolumeId(drive.file, true);
    if (!id || !pluginOf(deps.ctx, id[0]).template) continue;
    if (drive.file.includes("/base-") || /(^|:)base-/.test(drive.file)) continue;
    drive.file = await vdiskCreateBase(env, drive.file);
    conf.main[key] = printDrive(key, drive);
    deps.configs.write(vmid, conf);
  }
}

type Register = (method: "POST", template: string, handler: (req: SimRequest) => unknown) => void;

/** Registers `template`. */
export function installTemplate(register: Register, deps: QemuDeps): void {
  register("POST", "/nodes/{node}/qemu/{vmid}/template", (req) => {
    const node = String(req.params.node);
    const vmid = Number(req.params.vmid);
    const disk = req.params.disk === undefined ? undefined : String(req.params.disk);
    const loadAndCheck = (): GuestConf => {
      const conf = deps.configs.load(vmid, node);
      checkLock(conf);
      if (conf.snapshots.size) throw pveDie("unable to create template, because VM contains snapshots");
      if (conf.main.template && disk === undefined) throw pveDie("you can't convert a template to a template");
      if (checkRunning(deps, vmid, node)) throw pveDie("you can't convert a VM to template if VM is running");
      return conf;
    };
    loadAndCheck();
    return forkWorker(deps.ctx, req.auth, { node, type: "qmtemplate", id: String(vmid) }, (worker) =>
      lockConfig(deps.ctx, node, vmid, async () => {
        const conf = loadAndCheck();
        conf.main.template = 1;
        deps.configs.write(vmid, conf);
        await worker.spend(1);
        await templateCreate(deps, { ctx: deps.ctx, node }, vmid, conf, disk);
      }),
    );
  });
}
