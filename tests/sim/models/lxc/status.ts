/**
 * Container status (pve-container `src/PVE/LXC.pm` `vmstatus`, `$vmstatus_return_properties`):
 * what `GET /nodes/{node}/lxc`, `.../status/current` and `/cluster/resources` report. `name` is
 * the hostname (or `CT<vmid>`) without whitespace, `cpus` the cores or CPU limit (else the
 * node's CPUs), `maxdisk` the rootfs size (4 GiB when it has none) and `maxmem`/`maxswap` the
 * configured memory and swap; a running container adds its pid, uptime and pressure stalls.
 */
import type { ConfigSection } from "../guests/config";
import type { LxcDeps } from "./deps";
import { parseVolume } from "./mountpoint";
import { ctUptime } from "./runtime";

const NODE_CPUS = 8;
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

/** `vmstatus` for one container. */
export function ctStatus(deps: LxcDeps, vmid: number, conf: Readonly<ConfigSection>): Record<string, unknown> {
  const proc = deps.runtime.process(vmid);
  const rootfs = conf.rootfs === undefined ? undefined : parseVolume("rootfs", String(conf.rootfs), true);
  const maxdisk = rootfs?.size ? Number(rootfs.size) : 4 * GiB;
  const maxmem = Number(conf.memory ?? 512) * MiB;
  const d: Record<string, unknown> = {
    type: "lxc",
    vmid,
    ...(proc ? { pid: proc.pid } : {}),
    status: proc ? "running" : "stopped",
    name: String(conf.hostname || `CT${vmid}`).replace(/\s/g, ""),
    cpus: Number(conf.cores || conf.cpulimit || NODE_CPUS),
    ...(conf.tags !== undefined ? { tags: String(conf.tags) } : {}),
    disk: proc ? Math.floor(maxdisk / 8) : 0,
    maxdisk,
    mem: proc ? Math.floor(maxmem / 8) : 0,
    swap: 0,
    maxmem,
    maxswap: Number(conf.swap ?? 0) * MiB,
    uptime: proc ? ctUptime(deps.ctx, proc) : 0,
    cpu: proc ? 0.01 : 0,
    netout: 0,
    netin: 0,
    diskread: 0,
    diskwrite: 0,
  };
  if (Number(conf.template) === 1) d.template = 1;
  if (conf.lock !== undefined) d.lock = String(conf.lock);
  if (proc) Object.assign(d, { pressurecpusome: 0, pressurecpufull: 0, pressureiosome: 0, pressureiofull: 0, pressurememorysome: 0, pressurememoryfull: 0 });
  return d;
}
