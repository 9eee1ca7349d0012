/**
 * The running containers of the cluster, as pve-container sees them (`src/PVE/LXC.pm`
 * `check_running` through the command sockets in `/proc/net/unix`, `find_lxc_pid`): which
 * container runs, on which node, since when.
 */
import type { SimContext } from "../../types";
import { simService } from "../services";

/** One running container (its init process). */
export interface CtProcess {
  readonly pid: number;
  readonly node: string;
  /** Simulator clock (ms) when the container started. */
  readonly startedAt: number;
}

/** The containers running in one simulator. */
export class LxcRuntime {
  private readonly procs = new Map<number, CtProcess>();
  private nextPid = 40000;

  process(vmid: number): CtProcess | undefined {
    return this.procs.get(vmid);
  }

  /** `check_running` on `node`: only that node's containers count. */
  isRunning(vmid: number, node?: string): boolean {
    const proc = this.procs.get(vmid);
    return proc !== undefined && (node === undefined || proc.node === node);
  }

  start(vmid: number, node: string, now: number): CtProcess {
    const proc = { pid: this.nextPid++, node, startedAt: now };
    this.procs.set(vmid, proc);
    return proc;
  }

  stop(vmid: number): void {
    this.procs.delete(vmid);
  }
}

/** The container runtime of a simulator. */
export const lxcRuntimeOf = simService<LxcRuntime>("lxc containers", () => new LxcRuntime());

/** Uptime in whole seconds of a running container. */
export function ctUptime(ctx: SimContext, proc: CtProcess): number {
  return Math.max(0, Math.floor((ctx.now() - proc.startedAt) / 1000));
}
