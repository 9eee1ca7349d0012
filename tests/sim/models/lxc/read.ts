/**
 * The read side of pve-container (`src/PVE/API2/LXC.pm` `vmlist`, `vmdiridx`, `vm_pending`;
 * `API2/LXC/Config.pm` `vm_config`; `API2/LXC/Status.pm` `vmcmdidx`, `vm_status`;
 * `src/PVE/LXC.pm` `delete_read_restricted_options`): the containers of a node the caller may
 * audit; a config with pending values merged in unless `current` (or a snapshot's, with the
 * file's digest); `GET pending` as `config_with_pending_array`; `env` only for callers with
 * `VM.Config.Options`; the status with `ha`.
 */
import type { SimAuth, SimRequest } from "../../types";
import { pveDie } from "../config-text";
import { paramError } from "../param-error";
import { currentConfig, pendingArray, type ConfigSection, type GuestConf } from "../guests/config";
import { haServiceStatus, sidOf } from "../guests/ha";
import { auditableGuests, checkVmPerm } from "../guests/permissions";
import type { LxcDeps } from "./deps";
import { ctStatus } from "./status";

type Register = (method: "GET", template: string, handler: (req: SimRequest) => unknown) => void;

/** `delete_read_restricted_options`: `env` needs `VM.Config.Options` to be seen. */
function withoutRestricted(deps: LxcDeps, auth: SimAuth, vmid: number, conf: GuestConf): GuestConf {
  let allowed: boolean | undefined;
  const may = (): boolean => {
    if (allowed === undefined) {
      try {
        checkVmPerm(deps.ctx, auth, vmid, undefined, ["VM.Config.Options"]);
        allowed = true;
      } catch {
        allowed = false;
      }
    }
    return allowed;
  };
  const out: GuestConf = { ...conf, main: { ...conf.main }, pending: { ...conf.pending } };
  if (out.main.env !== undefined && !may()) delete out.main.env;
  if (out.pending.env !== undefined && !may()) delete out.pending.env;
  return out;
}

function sortKeys(section: ConfigSection): ConfigSection {
  const out: ConfigSection = {};
  for (const key of Object.keys(section).sort()) out[key] = section[key] as ConfigSection[string];
  return out;
}

/** Registers the read endpoints. */
export function installReads(register: Register, deps: LxcDeps): void {
  const { ctx, configs } = deps;
  const target = (req: SimRequest): { node: string; vmid: number } => ({ node: String(req.params.node), vmid: Number(req.params.vmid) });

  register("GET", "/nodes/{node}/lxc", (req) => {
    const node = String(req.params.node);
    return auditableGuests(ctx, req.auth, configs, node).map((vmid) => ctStatus(deps, vmid, configs.load(vmid, node).main));
  });

  register("GET", "/nodes/{node}/lxc/{vmid}", (req) => {
    const { node, vmid } = target(req);
    configs.load(vmid, node);
    return [
      "config",
      "pending",
      "status",
      "vncproxy",
      "termproxy",
      "vncwebsocket",
      "spiceproxy",
      "migrate",
      "clone",
      "rrd",
      "rrddata",
      "firewall",
      "snapshot",
      "resize",
      "interfaces",
    ].map((subdir) => ({ subdir }));
  });

  register("GET", "/nodes/{node}/lxc/{vmid}/config", (req) => {
    const { node, vmid } = target(req);
    const snapshot = req.params.snapshot;
    if (snapshot !== undefined && req.params.current) {
      throw paramError({ snapshot: "cannot use 'snapshot' parameter with 'current'", current: "cannot use 'snapshot' parameter with 'current'" });
    }
    const conf = withoutRestricted(deps, req.auth, vmid, configs.load(vmid, node));
    let out: ConfigSection;
    if (snapshot !== undefined) {
      const snap = conf.snapshots.get(String(snapshot));
      if (!snap) throw pveDie(`snapshot '${String(snapshot)}' does not exist`);
      out = { ...snap };
    } else {
      out = currentConfig(conf, Boolean(req.params.current));
    }
    return { ...sortKeys(out), digest: configs.digest(vmid) };
  });

  register("GET", "/nodes/{node}/lxc/{vmid}/pending", (req) => {
    const { node, vmid } = target(req);
    const conf = withoutRestricted(deps, req.auth, vmid, configs.load(vmid, node));
    return pendingArray({ ...conf.main, digest: configs.digest(vmid) }, conf.pending);
  });

  register("GET", "/nodes/{node}/lxc/{vmid}/status", (req) => {
    const { node, vmid } = target(req);
    configs.load(vmid, node);
    return ["current", "start", "stop", "shutdown", "reboot", "migrate"].map((subdir) => ({ subdir }));
  });

  register("GET", "/nodes/{node}/lxc/{vmid}/status/current", (req) => {
    const { node, vmid } = target(req);
    const conf = configs.load(vmid, node);
    return { ...ctStatus(deps, vmid, conf.main), ha: haServiceStatus(ctx, sidOf("lxc", vmid)) };
  });
}
