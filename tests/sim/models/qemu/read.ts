/**
 * The read side of qemu-server (`src/PVE/API2/Qemu.pm`): `vmlist` (`GET /nodes/{node}/qemu`,
 * only VMs the caller may audit), `vmdiridx`, `vm_config` (pending values merged in unless
 * `current`, or a snapshot's; `digest`; `cipassword` masked), `vm_pending`
 * (`config_with_pending_array`, `cipassword` masked in both columns), `vmcmdidx` and `vm_status`
 * (`vmstatus` full, plus `ha`, `spice`, `agent`, `clipboard`).
 */
import type { SimRequest } from "../../types";
import { pveDie } from "../config-text";
import { paramError } from "../param-error";
import { currentConfig, pendingArray, type ConfigSection } from "../guests/config";
import { haServiceStatus, sidOf } from "../guests/ha";
import { auditableGuests } from "../guests/permissions";
import { parsePropertyStringStrict } from "../property-string";
import { subKeys } from "./confdesc";
import type { QemuDeps } from "./deps";
import { vmStatus } from "./status";

type Register = (method: "GET", template: string, handler: (req: SimRequest) => unknown) => void;

/** Registers the read endpoints. */
export function installReads(register: Register, deps: QemuDeps): void {
  const { ctx, configs } = deps;
  const target = (req: SimRequest): { node: string; vmid: number } => ({ node: String(req.params.node), vmid: Number(req.params.vmid) });

  register("GET", "/nodes/{node}/qemu", (req) => {
    const node = String(req.params.node);
    return auditableGuests(ctx, req.auth, configs, node).map((vmid) => vmStatus(deps, vmid, configs.load(vmid, node), Boolean(req.params.full)));
  });

  register("GET", "/nodes/{node}/qemu/{vmid}", () =>
    [
      "config",
      "cloudinit",
      "pending",
      "status",
      "unlink",
      "vncproxy",
      "termproxy",
      "migrate",
      "resize",
      "move",
      "rrd",
      "rrddata",
      "monitor",
      "agent",
      "snapshot",
      "spiceproxy",
      "sendkey",
      "firewall",
      "mtunnel",
      "remote_migrate",
    ].map((subdir) => ({ subdir })),
  );

  register("GET", "/nodes/{node}/qemu/{vmid}/config", (req) => {
    const { node, vmid } = target(req);
    const snapshot = req.params.snapshot;
    if (snapshot !== undefined && req.params.current) {
      throw paramError({ snapshot: "cannot use 'snapshot' parameter with 'current'", current: "cannot use 'snapshot' parameter with 'current'" });
    }
    const conf = configs.load(vmid, node);
    let out: ConfigSection;
    if (snapshot !== undefined) {
      const snap = conf.snapshots.get(String(snapshot));
      if (!snap) throw pveDie(`snapshot '${String(snapshot)}' does not exist`);
      out = { ...snap };
    } else {
      out = currentConfig(conf, Boolean(req.params.current));
    }
    if (out.cipassword) out.cipassword = "**********";
    return { ...sortKeys(out), digest: configs.digest(vmid) };
  });

  register("GET", "/nodes/{node}/qemu/{vmid}/pending", (req) => {
    const { node, vmid } = target(req);
    const conf = configs.load(vmid, node);
    const main: ConfigSection = { ...conf.main, digest: configs.digest(vmid) };
    const pending = { ...conf.pending };
    if (main.cipassword !== undefined) main.cipassword = "**********";
    if (pending.cipassword !== undefined) pending.cipassword = "********** ";
    return pendingArray(main, pending);
  });

  register("GET", "/nodes/{node}/qemu/{vmid}/status", (req) => {
    const { node, vmid } = target(req);
    configs.load(vmid, node);
    return ["current", "start", "stop", "reset", "shutdown", "suspend", "reboot"].map((subdir) => ({ subdir }));
  });

  register("GET", "/nodes/{node}/qemu/{vmid}/status/current", (req) => {
    const { node, vmid } = target(req);
    const conf = configs.load(vmid, node);
    const status = vmStatus(deps, vmid, conf, true);
    status.ha = haServiceStatus(ctx, sidOf("qemu", vmid));
    if (conf.main.vga !== undefined) {
      const vga = parsePropertyStringStrict(String(conf.main.vga), subKeys("vga") ?? {});
      if (/^virtio/.test(String(vga.type ?? "")) || /^qxl/.test(String(vga.type ?? ""))) status.spice = 1;
      // `$status->{clipboard} = $vga->{clipboard}` even when unset: JSON answers it as null
      status.clipboard = vga.clipboard ?? null;
    }
    if (agentEnabled(conf.main.agent)) status.agent = 1;
    return status;
  });
}

/** `get_qga_key($conf, 'enabled')`. */
export function agentEnabled(value: ConfigSection[string] | undefined): boolean {
  if (value === undefined) return false;
  return Boolean(parsePropertyStringStrict(String(value), subKeys("agent") ?? {}).enabled);
}

function sortKeys(section: ConfigSection): ConfigSection {
  const out: ConfigSection = {};
  for (const key of Object.keys(section).sort()) out[key] = section[key] as ConfigSection[string];
  return out;
}
