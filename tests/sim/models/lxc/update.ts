/**
 * `PUT /nodes/{node}/lxc/{vmid}/config` (pve-container `src/PVE/API2/LXC/Config.pm`
 * `update_vm`): synchronous, all under the config flock: `no options specified`, the lock, the
 * `digest` (`assert_if_modified`), the caller's rights for deletions, reverts and values
 * (`check_ct_modify_config_perm`), the `delete`/`revert` conflicts as 400s, then
 * `update_pct_config` (new mount-point volumes are allocated inside this request); any apply
 * error is a 400 and nothing is written.
 */
import type { SimRequest } from "../../types";
import { assertDigest, pveDie, splitList } from "../config-text";
import { paramError } from "../param-error";
import { clampCpuShares } from "../guests/params";
import { assertIndexRanges, optionExists } from "./confdesc";
import { checkLock, lockConfig, type LxcDeps } from "./deps";
import { updatePctConfig } from "./pending";
import { checkCtModifyConfigPerm } from "./permissions";

const CONTROL = new Set(["node", "vmid", "digest", "delete", "revert"]);

type Register = (method: "PUT", template: string, handler: (req: SimRequest) => unknown) => void;

/** Registers `update_vm`. */
export function installUpdate(register: Register, deps: LxcDeps): void {
  const { ctx, configs } = deps;
  register("PUT", "/nodes/{node}/lxc/{vmid}/config", async (req) => {
    const p = req.params;
    const node = String(p.node);
    const vmid = Number(p.vmid);
    assertIndexRanges(p);
    const set: Record<string, string | number> = {};
    for (const [key, value] of Object.entries(p)) if (!CONTROL.has(key) && (typeof value === "string" || typeof value === "number")) set[key] = value;
    if (Object.keys(set).length === 0 && p.delete === undefined && p.revert === undefined) throw pveDie("no options specified");
    const deletes = splitList(p.delete);
    const revert = splitList(p.revert);
    if (set.cpuunits !== undefined) set.cpuunits = clampCpuShares(Number(set.cpuunits));
    await lockConfig(ctx, node, vmid, async () => {
      const conf = configs.load(vmid, node);
      checkLock(conf);
      assertDigest(configs.digest(vmid), p.digest);
      const unprivileged = Boolean(conf.main.unprivileged);
      checkCtModifyConfigPerm(ctx, req.auth, { vmid, oldconf: conf.main, newconf: {}, deletes, unprivileged });
      checkCtModifyConfigPerm(ctx, req.auth, { vmid, oldconf: conf.main, newconf: {}, deletes: revert, unprivileged });
      for (const opt of revert) {
        if (!optionExists(opt)) throw paramError({ revert: `unknown option '${opt}'` });
        if (set[opt] !== undefined) throw paramError({ revert: `you can't use '-${opt}' and '-revert ${opt}' at the same time` });
      }
      for (const opt of deletes) {
        if (!optionExists(opt)) throw paramError({ delete: `unknown option '${opt}'` });
        if (set[opt] !== undefined) throw paramError({ delete: `you can't use '-${opt}' and -delete ${opt}' at the same time` });
        if (revert.includes(opt)) throw paramError({ delete: `you can't use '-delete ${opt}' and '-revert ${opt}' at the same time` });
      }
      checkCtModifyConfigPerm(ctx, req.auth, { vmid, oldconf: conf.main, newconf: set, deletes: [], unprivileged });
      const running = deps.runtime.isRunning(vmid, node);
      const errors = await updatePctConfig({ env: { ctx, node }, vmid, conf, running, set, deletes, revert, devices: deps.devices, log: () => undefined });
      if (Object.keys(errors).length) throw paramError(errors);
      configs.write(vmid, conf);
    });
    return null;
  });
}
