/**
 * VM status (qemu-server `src/PVE/QemuServer.pm` `vmstatus`, `$vmstatus_return_properties`;
 * `QemuServer/Drive.pm` `bootdisk_size`): what `GET /nodes/{node}/qemu`, `.../status/current` and
 * `/cluster/resources` report for each VM. `cpus` is sockets × cores (at most the node's 8 CPUs,
 * `vcpus` when set), `maxmem` the current memory, `maxdisk` the first boot disk's size.
 */
import type { ConfigSection, GuestConf } from "../guests/config";
import { bootDisks, currentMemoryMiB } from "./boot";
import { driveIsCdrom, parseDrive } from "./drive";
import type { QemuDeps } from "./deps";
import { QEMU_VERSION } from "./machine";
import { uptimeOf } from "./runtime";

const NODE_CPUS = 8;

/** The machine a running VM reports (`query-machines`), whatever its `machine` option says. */
export const RUNNING_MACHINE = "pc-i440fx-10.0+pve0";

/** `bootdisk_size`: the size of the first boot disk that is not a CD-ROM. */
export function bootdiskSize(conf: Readonly<ConfigSection>): number | undefined {
  for (const key of bootDisks(conf)) {
    if (conf[key] === undefined) continue;
    const drive = parseDrive(key, String(conf[key]));
    if (!drive || driveIsCdrom(drive) || !drive.file) continue;
    return drive.size === undefined ? undefined : Number(drive.size);
  }
  return undefined;
}

/** Whether the config has a serial port (`conf_has_serial`). */
function hasSerial(conf: Readonly<ConfigSection>): boolean {
  return [0, 1, 2, 3].some((i) => conf[`serial${i}`] !== undefined);
}

/** `vmstatus` for one VM; `full` adds what QMP reports for a running one. */
export function vmStatus(deps: QemuDeps, vmid: number, conf: GuestConf, full: boolean): Record<string, unknown> {
  const c = conf.main;
  const proc = deps.runtime.process(vmid);
  let cpus = Number(c.sockets ?? 1) * Number(c.cores ?? 1);
  if (cpus > NODE_CPUS) cpus = NODE_CPUS;
  if (c.vcpus !== undefined) cpus = Number(c.vcpus);
  const maxmem = currentMemoryMiB(c.memory) * 1024 * 1024;
  const d: Record<string, unknown> = {
    vmid,
    status: proc ? "running" : "stopped",
    ...(proc ? { pid: proc.pid } : {}),
    disk: 0,
    maxdisk: bootdiskSize(c) ?? 0,
    cpus,
    name: c.name !== undefined ? String(c.name) : `VM ${vmid}`,
    maxmem,
    uptime: proc ? uptimeOf(deps.ctx, proc) : 0,
    cpu: proc ? 0.01 : 0,
    mem: proc ? Math.floor(maxmem / 4) : 0,
    memhost: proc ? Math.floor(maxmem / 4) : 0,
    netout: 0,
    netin: 0,
  };
  if (c.balloon) {
    d.balloon_min = Number(c.balloon) * 1024 * 1024;
    d.shares = c.shares !== undefined ? Number(c.shares) : 1000;
  }
  if (c.template) d.template = 1;
  if (hasSerial(c)) d.serial = 1;
  if (c.lock !== undefined) d.lock = String(c.lock);
  if (c.tags !== undefined) d.tags = String(c.tags);
  if (!full) return d;
  if (proc) {
    d.qmpstatus = proc.paused ? "paused" : "running";
    d["running-machine"] = RUNNING_MACHINE;
    d["running-qemu"] = QEMU_VERSION;
    d["proxmox-support"] = {};
    d.diskread = 0;
    d.diskwrite = 0;
    d.blockstat = {};
    d.nics = {};
    d.balloon = maxmem;
    d.freemem = Math.floor((maxmem * 3) / 4);
  } else {
    d.qmpstatus = d.status;
  }
  return d;
}

/** `vm_is_paused`. */
export function isPaused(deps: QemuDeps, vmid: number): boolean {
  return deps.runtime.process(vmid)?.paused ?? false;
}
