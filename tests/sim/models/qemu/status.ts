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

/** The cgroup pressure averages `vmstatus` reports for a running VM. */
const PRESSURE_KEYS = ["pressurecpusome", "pressurecpufull", "pressureiosome", "pressureiofull", "pressurememorysome", "pressurememoryfull"];

/** Drives QEMU attaches as block devices with a qdev id (`query-blockstats` answers for them). */
const BLOCK_DRIVE = /^(?:ide|sata|scsi|virtio)\d+$/;

/** QEMU's `BlockDeviceStats` of a drive nothing has read or written yet. */
function idleBlockStats(): Record<string, number | boolean | unknown[]> {
  const counters = [
    "rd_bytes",
    "wr_bytes",
    "unmap_bytes",
    "rd_operations",
    "wr_operations",
    "flush_operations",
    "unmap_operations",
    "rd_total_time_ns",
    "wr_total_time_ns",
    "flush_total_time_ns",
    "unmap_total_time_ns",
    "wr_highest_offset",
    "rd_merged",
    "wr_merged",
    "unmap_merged",
    "idle_time_ns",
    "failed_rd_operations",
    "failed_wr_operations",
    "failed_flush_operations",
    "failed_unmap_operations",
    "invalid_rd_operations",
    "invalid_wr_operations",
    "invalid_flush_operations",
    "invalid_unmap_operations",
  ];
  return { ...Object.fromEntries(counters.map((name) => [name, 0])), account_invalid: true, account_failed: true, timed_stats: [] };
}

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
  // the pid-stat pass reads the VM scope's cgroup pressure (`read_cgroup_pressure`): an idle guest
  if (proc) for (const key of PRESSURE_KEYS) d[key] = 0;
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
    // `query-blockstats` lists each attached drive (an empty CD-ROM too), named by its drive id
    const drives = Object.keys(c).filter((key) => BLOCK_DRIVE.test(key));
    if (drives.length) d.blockstat = Object.fromEntries(drives.map((key) => [key, idleBlockStats()]));
    d.diskread = 0;
    d.diskwrite = 0;
    // /proc/net/dev: a tap<vmid>i<N> device per netN of a running VM
    const nics = Object.keys(c).flatMap((key) => (/^net\d+$/.test(key) ? [`tap${vmid}i${key.slice(3)}`] : []));
    if (nics.length) d.nics = Object.fromEntries(nics.map((tap) => [tap, { netin: 0, netout: 0 }]));
    // `query-balloon` fails without a balloon device (`balloon: 0`), and then nothing is added
    if (c.balloon === undefined || Number(c.balloon) !== 0) {
      const free = Math.floor((maxmem * 3) / 4);
      d.balloon = maxmem;
      d.freemem = free;
      d.mem = maxmem - free;
      d.ballooninfo = {
        actual: maxmem,
        max_mem: maxmem,
        total_mem: maxmem,
        free_mem: free,
        mem_swapped_in: 0,
        mem_swapped_out: 0,
        major_page_faults: 0,
        minor_page_faults: 0,
        last_update: Math.floor(deps.ctx.now() / 1000),
      };
    }
  } else {
    d.qmpstatus = d.status;
  }
  return d;
}

/** `vm_is_paused`. */
export function isPaused(deps: QemuDeps, vmid: number): boolean {
  return deps.runtime.process(vmid)?.paused ?? false;
}
