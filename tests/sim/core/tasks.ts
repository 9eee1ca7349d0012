/**
 * Worker tasks as pve-common `PVE/RESTEnvironment.pm::fork_worker` makes them: a UPID
 * (`PVE/UPID.pm::encode`) at once, a log that grows while the task runs and ends with `TASK OK`,
 * `TASK WARNINGS: n` or `TASK ERROR: msg`, and `active_workers`' archive: a finished task is
 * appended to the task index, which the task list reads backwards (most recently archived first).
 */
import type { SimAuth } from "../types";
import type { SimClock } from "./clock";
import type { Prng } from "./prng";
import { takeFault } from "./request-scope";

/** One worker task. */
export interface TaskRecord {
  readonly upid: string;
  readonly node: string;
  readonly pid: number;
  readonly pstart: number;
  readonly starttime: number;
  readonly type: string;
  readonly id: string;
  /** The UPID's user field: `user@realm` or `user@realm!token`. */
  readonly user: string;
  readonly log: string[];
  running: boolean;
  /** `OK`, `WARNINGS: n` or the error text, once stopped. */
  exitstatus?: string;
  endtime?: number;
  /** `performance.now()` when the task stopped (endtime is whole seconds, like PVE's). */
  endedAtMs?: number;
  /** Position in the node's task index once archived (higher = appended later). */
  archivedSeq?: number;
  interrupt?: () => void;
}

/** What a task's work function may return. */
export type TaskOutcome = void | { warnings?: number };

/** Options of {@link TaskManager.start}, as `SimContext.startTask` takes them. */
export interface StartTaskOptions {
  node: string;
  type: string;
  id?: string;
  auth: SimAuth;
  work: (log: (line: string) => void) => Promise<TaskOutcome> | TaskOutcome;
  durationMs?: number;
}

/** `PVE::UPID::decode`'s regex. */
const UPID_RE = /^UPID:([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?):([0-9A-Fa-f]{8}):([0-9A-Fa-f]{8,9}):([0-9A-Fa-f]{8}):([^:\s/]+):([^:\s/]*):([^:\s/]+):$/;

/** The fields of a UPID, or undefined when PVE could not parse it. */
export function decodeUpid(upid: string): { node: string; pid: number; pstart: number; starttime: number; type: string; id: string; user: string } | undefined {
  const m = UPID_RE.exec(upid);
  if (!m) return undefined;
  const [, node = "", , pid = "", pstart = "", start = "", type = "", id = "", user = ""] = m;
  return { node, pid: parseInt(pid, 16), pstart: parseInt(pstart, 16), starttime: parseInt(start, 16), type, id, user };
}

const hex8 = (n: number): string => n.toString(16).toUpperCase().padStart(8, "0");

/** Tracks every task of every node. */
export class TaskManager {
  private readonly tasks = new Map<string, TaskRecord>();
  private readonly nextPid = new Map<string, number>();
  private readonly pstart = new Map<string, number>();
  private archived = 0;

  constructor(
    private readonly clock: SimClock,
    rng: Prng,
    nodes: readonly string[],
    private readonly defaultDurationMs: number,
    /** Per-task duration when the model gives none (benchmarks vary it); undefined = the default. */
    private readonly durationOf?: (task: { node: string; type: string; id: string }) => number | undefined,
  ) {
    for (const node of nodes) {
      this.nextPid.set(node, 1000 + Math.floor(rng() * 100000));
      this.pstart.set(node, 100000 + Math.floor(rng() * 10000000));
    }
  }

  /** Starts a task and returns its UPID; the work runs after the task's duration. */
  start(options: StartTaskOptions): string {
    const pid = this.nextPid.get(options.node);
    const pstart = this.pstart.get(options.node);
    if (pid === undefined || pstart === undefined) throw new Error(`startTask: unknown node '${options.node}'`);
    this.nextPid.set(options.node, pid + 1);
    const starttime = Math.floor(this.clock.now() / 1000);
    const user = options.auth.tokenid ? `${options.auth.userid}!${options.auth.tokenid}` : options.auth.userid;
    const id = options.id ?? "";
    const upid = `UPID:${options.node}:${hex8(pid)}:${hex8(pstart)}:${hex8(starttime)}:${options.type}:${id}:${user}:`;
    const task: TaskRecord = { upid, node: options.node, pid, pstart, starttime, type: options.type, id, user, log: [], running: true };
    this.tasks.set(upid, task);
    const fail = takeFault("task-fail");
    const hang = takeFault("task-hang");
    const timer = hang
      ? undefined
      : setTimeout(
          () => void this.run(task, fail ? () => Promise.reject(new Error(fail.message)) : options.work),
          options.durationMs ?? this.durationFor({ node: options.node, type: options.type, id }),
        );
    task.interrupt = () => clearTimeout(timer);
    return upid;
  }

  /** The duration a task gets when its model sets none: the per-task function's, else the default. */
  durationFor(task: { node: string; type: string; id: string }): number {
    return this.durationOf?.(task) ?? this.defaultDurationMs;
  }

  private async run(task: TaskRecord, work: StartTaskOptions["work"]): Promise<void> {
    let interrupted = false;
    task.interrupt = () => (interrupted = true);
    try {
      const outcome = await work((line) => {
        if (task.running) task.log.push(line);
      });
      if (interrupted || !task.running) return;
      const warnings = outcome && typeof outcome === "object" ? (outcome.warnings ?? 0) : 0;
      this.finish(task, warnings > 0 ? `WARNINGS: ${warnings}` : "OK");
    } catch (err) {
      if (!interrupted && task.running) this.finish(task, err instanceof Error ? err.message : String(err), true);
    }
  }

  private finish(task: TaskRecord, status: string, isError = false): void {
    // fork_worker `chomp`s the error (one trailing newline) and turns the others into spaces.
    const text = isError ? status.replace(/\n$/, "").replace(/\n/g, " ") : status;
    task.log.push(isError ? `TASK ERROR: ${text}` : `TASK ${text}`);
    task.exitstatus = text;
    task.endtime = Math.floor(this.clock.now() / 1000);
    task.endedAtMs = performance.now();
    task.running = false;
    task.archivedSeq = ++this.archived;
  }

  /** Stops a running task like SIGTERM does: `TASK ERROR: received interrupt`. */
  stop(upid: string): void {
    const task = this.tasks.get(upid);
    if (!task?.running) return;
    task.interrupt?.();
    this.finish(task, "received interrupt", true);
  }

  /** The task, if known. */
  get(upid: string): TaskRecord | undefined {
    return this.tasks.get(upid);
  }

  /** The running tasks of `node` in the order they started (the active file's order). */
  running(node: string): TaskRecord[] {
    return [...this.tasks.values()].filter((t) => t.node === node && t.running);
  }

  /** The finished tasks of `node` as the task index reads backwards: most recently archived first. */
  archive(node: string): TaskRecord[] {
    return [...this.tasks.values()].filter((t) => t.node === node && !t.running).sort((a, b) => (b.archivedSeq ?? 0) - (a.archivedSeq ?? 0));
  }

  /** Stops every timer so the process can exit. */
  shutdown(): void {
    for (const task of this.tasks.values()) if (task.running) task.interrupt?.();
  }
}
