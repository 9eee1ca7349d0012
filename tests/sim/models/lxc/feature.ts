/**
 * `GET /nodes/{node}/lxc/{vmid}/feature` (pve-container `src/PVE/API2/LXC.pm` `vm_feature`,
 * `src/PVE/LXC/Config.pm` `has_feature`): whether every volume of the container (or of one of
 * its snapshots) supports `snapshot`, `clone` or `copy` (clones and copies as raw or subvol).
 */
import type { SimRequest } from "../../types";
import { pveDie } from "../config-text";
import type { ConfigSection } from "../guests/config";
import { volumeHasFeature, type VolumeFeature } from "../guests/storage-features";
import type { SimContext } from "../../types";
import type { LxcDeps } from "./deps";
import { backupEnabled, volumesOf } from "./mountpoint";

/** `has_feature`: every volume (with `backupOnly`, only those a backup includes) supports `feature`. */
export function ctHasFeature(ctx: SimContext, feature: VolumeFeature, section: Readonly<ConfigSection>, snapname?: string, backupOnly = false): boolean {
  const options = feature === "copy" || feature === "clone" ? { validTargetFormats: ["raw", "subvol"] } : {};
  return volumesOf(section)
    .filter(({ key, mp }) => !backupOnly || backupEnabled(key, mp))
    .every(({ mp }) => volumeHasFeature(ctx, feature, mp.volume, snapname, options));
}

type Register = (method: "GET", template: string, handler: (req: SimRequest) => unknown) => void;

/** Registers `vm_feature`. */
export function installFeature(register: Register, deps: LxcDeps): void {
  register("GET", "/nodes/{node}/lxc/{vmid}/feature", (req) => {
    const conf = deps.configs.load(Number(req.params.vmid), String(req.params.node));
    const snapname = req.params.snapname === undefined ? undefined : String(req.params.snapname);
    let section: ConfigSection = conf.main;
    if (snapname) {
      const snap = conf.snapshots.get(snapname);
      if (!snap) throw pveDie(`snapshot '${snapname}' does not exist`);
      section = snap;
    }
    return { hasFeature: ctHasFeature(deps.ctx, String(req.params.feature) as VolumeFeature, section, snapname) ? 1 : 0 };
  });
}
