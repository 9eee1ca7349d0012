/**
 * `PUT /nodes/{node}/qemu/{vmid}/resize` (qemu-server `src/PVE/API2/Qemu.pm` `resize_vm`): only
 * `skiplock` is checked before the `resize` worker; under the config flock the worker checks the
 * digest, the lock, the disk (it must exist, have a volume, not be a CD-ROM), `Datastore.AllocateSpace`
 * on its storage, and the size: `+N` adds, `N` is absolute (K/M/G/T suffixes), growing only
 * (`shrinking disks is not supported`), the same size is a no-op; then `size=` is updated.
 */
import type { SimRequest } from "../../types";
import { pveDie } from "../config-text";
import { paramError } from "../param-error";
import { checkPrivs, isRoot } from "../guests/permissions";
import { parseVolname, parseVolumeId, volumeResize, volumeSize } from "../guests/storage-ops";
import { checkLock, type QemuDeps } from "./deps";
import { driveIsCdrom, parseDrive, printDrive } from "./drive";
import { forkWorker } from "../guests/worker";
import { lockConfig } from "./worker";

const UNITS: Readonly<Record<string, number>> = { K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

type Register = (method: "PUT", template: string, handler: (req: SimRequest) => unknown) => void;

/** Registers `resize_vm`. */
export function installResize(register: Register, deps: QemuDeps): void {
  register("PUT", "/nodes/{node}/qemu/{vmid}/resize", (req) => {
    const node = String(req.params.node);
    const vmid = Number(req.params.vmid);
    const disk = String(req.params.disk);
    const sizestr = String(req.params.size);
    if (req.params.skiplock && !isRoot(req.auth)) throw paramError({ skiplock: "Only root may use this option." });
    return forkWorker(deps.ctx, req.auth, { node, type: "resize", id: String(vmid) }, (worker) =>
      lockConfig(deps.ctx, node, vmid, async () => {
        const conf = deps.configs.load(vmid, node);
        if (typeof req.params.digest === "string" && req.params.digest && req.params.digest !== deps.configs.digest(vmid))
          throw pveDie("checksum mismatch (file change by other user?)");
        if (!req.params.skiplock) checkLock(conf);
        if (conf.main[disk] === undefined) throw pveDie(`disk '${disk}' does not exist`);
        const drive = parseDrive(disk, String(conf.main[disk]));
        // parse_volname comes first: `none`, `cdrom` and pass-through paths are no volume IDs
        parseVolname(deps.ctx, drive?.file ?? "");
        if (!drive?.file) throw pveDie(`disk '${disk}' has no associated volume`);
        if (driveIsCdrom(drive)) throw pveDie("you can't resize a cdrom");
        const [storage] = parseVolumeId(drive.file);
        checkPrivs(deps.ctx, req.auth, `/storage/${storage}`, ["Datastore.AllocateSpace"]);
        const env = { ctx: deps.ctx, node };
        const size = volumeSize(env, drive.file);
        if (size === undefined) throw pveDie(`Could not determine current size of volume '${drive.file}'`);
        const m = /^(\+)?(\d+(\.\d+)?)([KMGT])?$/.exec(sizestr);
        if (!m?.[2]) throw pveDie("internal error");
        let newsize = Number(m[2]) * (m[4] ? (UNITS[m[4]] ?? 1) : 1);
        if (m[1]) newsize += size;
        newsize = Math.trunc(newsize);
        if (newsize < size) throw pveDie("shrinking disks is not supported");
        if (newsize === size) return;
        await worker.spend(1);
        volumeResize(env, drive.file, newsize);
        drive.size = newsize;
        conf.main[disk] = printDrive(disk, drive);
        deps.configs.write(vmid, conf);
      }),
    );
  });
}
