/**
 * The permission checks pve-container makes in code (`src/PVE/LXC.pm`
 * `check_ct_modify_config_perm`, `check_bridge_access`): each key's privilege (`VM.Config.CPU`,
 * `.Disk`, `.Memory`, `.Network`, `.Options`); mount points other than volumes, device
 * passthrough and hook scripts only for `root@pam`; new volumes need `Datastore.AllocateSpace`,
 * existing ones `check_volume_access` with content `rootdir`; feature flags only for root on a
 * privileged container, and on an unprivileged one only `nesting` (with `VM.Allocate`); tags
 * through `assert_tag_permissions`. `root@pam` itself (not its tokens) passes everything.
 */
import type { SimAuth, SimContext } from "../../types";
import { permissionDenied } from "../../core/permissions";
import type { ConfigSection } from "../guests/config";
import { checkPrivs, checkVmPerm, checkVnetAccess, isRoot } from "../guests/permissions";
import { assertTagPermissions } from "../guests/tags";
import { checkVolumeAccess } from "../guests/volume-access";
import { NEW_DISK_RE, parseFeatures, parseNetworkRaw, parseVolume } from "./mountpoint";

/** `check_bridge_access` for one NIC string. */
export function checkBridgeAccess(ctx: SimContext, auth: SimAuth, raw: string | number): void {
  if (isRoot(auth)) return;
  const net = parseNetworkRaw(String(raw));
  if (net.bridge === undefined) return;
  checkVnetAccess(ctx, auth, String(net.bridge), net.tag, net.trunks);
}

/** Whether a features change touches only `nesting` (`nesting`), anything else (`other`), or nothing. */
function featureChange(oldValue: unknown, newValue: unknown, deleting: boolean): "nesting" | "other" | undefined {
  const single = (features: Record<string, unknown>): "nesting" | "other" | undefined => {
    const keys = Object.keys(features);
    if (keys.length === 1 && keys[0] === "nesting") return "nesting";
    return keys.length > 0 ? "other" : undefined;
  };
  if (deleting) return single(parseFeatures(oldValue as string | undefined));
  const next = parseFeatures(newValue as string | undefined);
  if (oldValue === undefined || oldValue === "") return single(next);
  const before = parseFeatures(oldValue as string);
  let change: "nesting" | undefined;
  for (const feature of [...Object.keys(before), ...Object.keys(next)]) {
    if (String(before[feature] ?? "") === String(next[feature] ?? "")) continue;
    if (feature !== "nesting") return "other";
    change = "nesting";
  }
  return change;
}

/** The request `check_ct_modify_config_perm` judges. */
export interface ModifyCheck {
  readonly vmid: number;
  readonly pool?: string;
  /** The config before the change (undefined on create). */
  readonly oldconf?: Readonly<ConfigSection>;
  /** The keys set, with their new values. */
  readonly newconf: Readonly<Record<string, string | number>>;
  readonly deletes: readonly string[];
  readonly unprivileged: boolean;
}

/** `check_ct_modify_config_perm`. */
export function checkCtModifyConfigPerm(ctx: SimContext, auth: SimAuth, req: ModifyCheck): void {
  if (isRoot(auth)) return;
  const vm = (privs: string[]): void => checkVmPerm(ctx, auth, req.vmid, req.pool, privs);
  const check = (opt: string, deleting: boolean): void => {
    if (opt === "cores" || opt === "cpuunits" || opt === "cpulimit") vm(["VM.Config.CPU"]);
    else if (opt === "rootfs" || /^mp\d+$/.test(opt)) {
      vm(["VM.Config.Disk"]);
      if (deleting) return;
      const mp = parseVolume(opt, String(req.newconf[opt]));
      if (!mp) return;
      if (mp.type !== "volume") throw permissionDenied(`mount point type ${mp.type} is only allowed for root@pam`);
      const fresh = NEW_DISK_RE.exec(mp.volume);
      if (fresh?.[1]) checkPrivs(ctx, auth, `/storage/${fresh[1]}`, ["Datastore.AllocateSpace"]);
      else checkVolumeAccess(ctx, auth, req.vmid, mp.volume, "rootdir");
    } else if (opt === "memory" || opt === "swap") vm(["VM.Config.Memory"]);
    else if (/^net\d+$/.test(opt)) {
      vm(["VM.Config.Network"]);
      if (req.oldconf?.[opt] !== undefined) checkBridgeAccess(ctx, auth, req.oldconf[opt] as string);
      if (req.newconf[opt] !== undefined) checkBridgeAccess(ctx, auth, req.newconf[opt] as string);
    } else if (/^dev\d+$/.test(opt)) throw permissionDenied("configuring device passthrough is only allowed for root@pam");
    else if (opt === "nameserver" || opt === "searchdomain" || opt === "hostname") vm(["VM.Config.Network"]);
    else if (opt === "features") {
      if (!req.unprivileged) throw permissionDenied("changing feature flags for privileged container is only allowed for root@pam");
      const change = featureChange(req.oldconf?.features, req.newconf.features, deleting);
      if (change === "other") throw permissionDenied("changing feature flags (except nesting) is only allowed for root@pam");
      if (change === "nesting") vm(["VM.Allocate"]);
    } else if (opt === "hookscript") throw permissionDenied("changing the hookscript is only allowed for root@pam");
    else if (opt === "tags") {
      const old = req.oldconf?.tags === undefined ? undefined : String(req.oldconf.tags);
      assertTagPermissions(ctx, auth, req.vmid, old, deleting ? "" : String(req.newconf.tags));
    } else vm(["VM.Config.Options"]);
  };
  for (const opt of Object.keys(req.newconf)) check(opt, false);
  for (const opt of req.deletes) check(opt, true);
}
