/**
 * The QEMU processes of the cluster, as qemu-server sees them through pid files and QMP
 * (`check_running`, `vm_is_paused`, `vmstatus`): which VM runs, since when, paused or not; and
 * each guest's agent (QGA), which answers once the guest OS has booted it (an option of the
 * simulator: PVE cannot know whether a guest has an agent installed).
 */
import type { SimContext } from "../../types";
import { simService } from "../services";

/** One running QEMU process. */
export interface QemuProcess {
  readonly pid: number;
  /** Simulator clock (ms) when the process started. */
  readonly startedAt: number;
  /** `query-status` says `paused` (suspend without `todisk`). */
  paused: boolean;
}

/** A command the agent runs (`guest-exec`). */
export interface AgentExec {
  readonly startedAt: number;
  readonly durationMs: number;
  readonly exitcode: number;
  readonly out: string;
  readonly err: string;
}

/** The agent's state inside one guest. */
export interface AgentState {
  frozen: boolean;
  readonly files: Map<string, string>;
  readonly execs: Map<number, AgentExec>;
  nextPid: number;
}

/** The processes and agents of one simulator. */
export class QemuRuntime {
  private readonly procs = new Map<number, QemuProcess>();
  private readonly agents = new Map<number, AgentState>();
  private nextPid = 20000;

  process(vmid: number): QemuProcess | undefined {
    return this.procs.get(vmid);
  }

  isRunning(vmid: number): boolean {
    return this.procs.has(vmid);
  }

  start(vmid: number, now: number): QemuProcess {
    const proc = { pid: this.nextPid++, startedAt: now, paused: false };
    this.procs.set(vmid, proc);
    this.agents.set(vmid, { frozen: false, files: new Map(), execs: new Map(), nextPid: 1000 });
    return proc;
  }

  stop(vmid: number): void {
    this.procs.delete(vmid);
    this.agents.delete(vmid);
  }

  /** The agent state of a running guest. */
  agent(vmid: number): AgentState | undefined {
    return this.agents.get(vmid);
  }
}

/** The QEMU runtime of a simulator. */
export const qemuRuntimeOf = simService<QemuRuntime>("qemu processes", () => new QemuRuntime());

/** Uptime in whole seconds of a running VM. */
export function uptimeOf(ctx: SimContext, proc: QemuProcess): number {
  return Math.max(0, Math.floor((ctx.now() - proc.startedAt) / 1000));
}
