/**
 * `PUT /nodes/{node}/lxc/{vmid}/resize` (pve-container `src/PVE/API2/LXC.pm` `resize_vm`): the
 * checks run before the `resize` worker and again under the config flock inside it: the lock,
 * the caller's rights (`check_ct_modify_config_perm` over the request's `disk` key, i.e.
 * `VM.Config.Options`), the digest, the owner of the volume, `Datastore.AllocateSpace`, then the
 * size: `+N` adds, `N` is absolute (K/M/G/T), `unable to shrink disk size`, `disk is already at
 * specified size`. The worker grows the volume and writes `size=`; the filesystem grows with it
 * (`resize2fs`, online while running).
 */
import type { SimRequest } from "../../types";
import { assertDigest, pveDie } from "../config-text";
import { checkPrivs } from "../guests/permissions";
import { parseVolname, parseVolumeId, volumeResize, volumeSize } from "../guests/storage-ops";
import { parseSize } from "../property-string";
import { forkWorker } from "../guests/worker";
import { checkLock, lockConfig, type LxcDeps } from "./deps";
import { parseVolume, printMountpoint, type MountPoint } from "./mountpoint";
import { checkCtModifyConfigPerm } from "./permissions";

type Register = (method: "PUT", template: string, handler: (req: SimRequest) => unknown) => void;

/** Registers `resize_vm`. */
export function installResize(register: Register, deps: LxcDeps): void {
  const { ctx, configs } = deps;
  register("PUT", "/nodes/{node}/lxc/{vmid}/resize", (req) => {
    const node = String(req.params.node);
    const vmid = Number(req.params.vmid);
    const disk = String(req.params.disk);
    const sizestr = String(req.params.size);
    const ext = sizestr.startsWith("+");
    const requested = parseSize(ext ? sizestr.slice(1) : sizestr);
    if (requested === undefined) throw pveDie("invalid size string at /usr/share/perl5/PVE/API2/LXC.pm line 2362.");
    const env = { ctx, node };
    const loadAndCheck = () => {
      const conf = configs.load(vmid, node);
      checkLock(conf);
      checkCtModifyConfigPerm(ctx, req.auth, { vmid, oldconf: conf.main, newconf: { disk }, deletes: [], unprivileged: Boolean(conf.main.unprivileged) });
      assertDigest(configs.digest(vmid), req.params.digest);
      const mp = parseVolume(disk, String(conf.main[disk] ?? "")) as MountPoint;
      const volid = mp.volume;
      const { vmid: owner } = parseVolname(ctx, volid);
      if (owner !== vmid) throw pveDie(`can't resize mount point owned by another container (${owner ?? ""}) at /usr/share/perl5/PVE/API2/LXC.pm line 2386.`);
      checkPrivs(ctx, req.auth, `/storage/${parseVolumeId(volid)[0]}`, ["Datastore.AllocateSpace"]);
      const size = volumeSize(env, volid);
      if (size === undefined) throw pveDie(`Could not determine current size of volume '${volid}'`);
      const newsize = Math.trunc(ext ? size + requested : requested);
      if (newsize < size) throw pveDie("unable to shrink disk size");
      if (newsize === size) throw pveDie("disk is already at specified size");
      return { conf, mp, volid, newsize };
    };
    loadAndCheck();
    return forkWorker(ctx, req.auth, { node, type: "resize", id: String(vmid) }, (worker) =>
      lockConfig(ctx, node, vmid, async () => {
        const { conf, mp, volid, newsize } = loadAndCheck();
        await worker.spend(1);
        volumeResize(env, volid, newsize);
        mp.size = newsize;
        conf.main[disk] = printMountpoint(disk, mp);
        configs.write(vmid, conf);
      }),
    );
  });
}
