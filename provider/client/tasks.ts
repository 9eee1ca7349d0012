/**
 * Waiting for a PVE worker task: poll its status on the node named in the UPID (schedule in
 * ./poll-schedule), stream new log lines, and turn the exit status into a result or an error.
 */
import { z } from "zod";
import { PveApiError } from "./errors";
import type { PveParams } from "./encode";
import { nextPollDelay } from "./poll-schedule";
import { withExtraSecrets, type Redactor } from "./redact";
import { parseUpid } from "./upid";

/** The outcome of a successful task (`OK` or `WARNINGS: n`). */
export interface TaskResult {
  upid: string;
  node: string;
  /** `OK` or `WARNINGS: <n>`. */
  exitstatus: string;
  /** The number of warnings (0 for `OK`). */
  warnings: number;
  /** Every log line of the task, in order. */
  log: string[];
}

/** Options of one wait. */
export interface WaitForTaskOptions {
  /** Give up (kind `timeout`) after this many ms. Default 3600000. */
  timeoutMs?: number;
  /** Receives each new log line, in order, while the task runs. */
  onLog?: (line: string) => void;
  /** Stops waiting (the task itself keeps running). */
  signal?: AbortSignal;
  /**
   * How long the task is expected to run, in ms: polls are then few until shortly before that
   * and frequent around it. Default: how long the last task of the same type took on this client.
   */
  expectedMs?: number;
  /**
   * Values the log must not show, e.g. the secret parameters of the call that started the task:
   * lines, the error and `taskLog` carry them redacted. The client's own credentials always are.
   */
  secrets?: readonly string[];
}

/** What waitForTask needs from the client. */
export interface TaskDeps {
  get(path: string, params: PveParams | undefined, signal: AbortSignal | undefined): Promise<unknown>;
  pollIntervalMs: number;
  maxPollIntervalMs: number;
  /** Remembered durations per task type (so the next task of that type is expected to take as long). */
  durations?: Map<string, number>;
  /** The client's redactor: log lines pass through it before anyone sees them. */
  redact: Redactor;
}

const TaskStatus = z.looseObject({ status: z.string(), exitstatus: z.string().optional() });
const LogLines = z.array(z.looseObject({ n: z.coerce.number(), t: z.string() }));

const TAIL = 20;

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new PveApiError({ kind: "server", message: `${what}: unexpected response shape` });
  return parsed.data;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** Parses `WARNINGS: n`; null for anything that is not a success. */
export function successWarnings(exitstatus: string): number | null {
  if (exitstatus === "OK") return 0;
  const m = /^WARNINGS: (\d+)$/.exec(exitstatus);
  return m ? Number(m[1]) : null;
}

/** Polls a task to its end. See {@link ProxmoxClient.waitForTask}. */
export async function waitForTask(deps: TaskDeps, upid: string, options: WaitForTaskOptions = {}): Promise<TaskResult> {
  const { node, type, id } = parseUpid(upid);
  const base = `/nodes/${node}/tasks/${upid}`;
  const deadline = Date.now() + (options.timeoutMs ?? 3_600_000);
  const { signal, onLog } = options;
  const log: string[] = [];
  const what = `task ${type}${id ? ` ${id}` : ""} on ${node}`;
  const redact = withExtraSecrets(deps.redact, options.secrets ?? []);

  const readLog = async (): Promise<void> => {
    // limit=0 means "all lines from start"; `n` is 1-based, `start` 0-based.
    const lines = parse(LogLines, await deps.get(`${base}/log`, { start: log.length, limit: 0 }, signal), `GET ${base}/log`);
    // An empty or not yet existing log reads as one pseudo line 1; do not count it.
    if (lines.length === 1 && lines[0]?.n === 1 && /^(no content|unable to open file)/.test(lines[0].t)) return;
    for (const { n, t } of lines) {
      if (n !== log.length + 1) continue; // overlap or gap: keep the count equal to the line number
      const line = redact(t);
      log.push(line);
      onLog?.(line);
    }
  };

  const started = Date.now();
  const plan = {
    firstMs: deps.pollIntervalMs,
    maxMs: deps.maxPollIntervalMs,
    expectedMs: options.expectedMs ?? deps.durations?.get(type),
    streaming: onLog !== undefined,
  };
  let interval: number | undefined;
  for (;;) {
    if (signal?.aborted) throw new PveApiError({ kind: "timeout", upid, message: `${what}: waiting aborted (the task keeps running)` });
    const status = parse(TaskStatus, await deps.get(`${base}/status`, undefined, signal), `GET ${base}/status`);
    if (onLog || status.status !== "running") await readLog();
    if (status.status !== "running") {
      const exitstatus = redact(status.exitstatus ?? "unexpected status");
      const warnings = successWarnings(exitstatus);
      if (warnings !== null) {
        // Only successful runs teach the expected duration: a failure often ends early.
        deps.durations?.set(type, Date.now() - started);
        return { upid, node, exitstatus, warnings, log };
      }
      const tail = log.slice(-TAIL);
      throw new PveApiError({
        kind: "task-failed",
        upid,
        taskLog: tail,
        pveMessage: exitstatus,
        message: `${what} failed: ${exitstatus}${tail.length ? `\n  ${tail.slice(-5).join("\n  ")}` : ""}`,
      });
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw new PveApiError({ kind: "timeout", upid, taskLog: log.slice(-TAIL), retryable: true, message: `${what}: still running after ${options.timeoutMs ?? 3_600_000} ms (the task keeps running)` });
    }
    interval = nextPollDelay(plan, Date.now() - started, interval);
    await sleep(Math.min(interval, remaining), signal);
  }
}
