/**
 * Waiting for a PVE worker task: poll its status on the node named in the UPID (schedule in
 * ./poll-schedule), stream new log lines, and turn the exit status into a result or an error.
 * A task can log nothing for minutes (a big vzdump, a disk copy), so a streaming wait also sends
 * a heartbeat line now and then: the user sees that the wait is alive, and for how long it runs.
 */
import { z } from "zod";
import { PveApiError } from "./errors";
import type { PveParams } from "./encode";
import { nextPollDelay } from "./poll-schedule";
import { withExtraSecrets, type Redactor } from "./redact";
import { cleanServerText, cutLine, safeServerText } from "./sanitize";
import { parseUpid } from "./upid";

/** The outcome of a successful task (`OK` or `WARNINGS: n`). */
export interface TaskResult {
  upid: string;
  node: string;
  /** `OK` or `WARNINGS: <n>`. */
  exitstatus: string;
  /** The number of warnings (0 for `OK`). */
  warnings: number;
  /**
   * The task's last log lines, in order: at most the client's `maxTaskLogLines` (default 1000);
   * every line streamed to `onLog`. Lines are redacted, cleaned of control characters and cut
   * at 4096 characters.
   */
  log: string[];
  /** How many lines the task logged in all (more than `log.length` when older ones were dropped). */
  logLines: number;
}

/** Options of one wait. */
export interface WaitForTaskOptions {
  /** Give up (kind `timeout`) after this many ms. Default 3600000. */
  timeoutMs?: number;
  /**
   * Receives each new log line, in order, while the task runs (they are read at every poll, so
   * a line arrives within one poll interval of PVE writing it), and the heartbeats of
   * `heartbeatMs`. Heartbeats are our own lines: they are not part of `log` or `taskLog`.
   */
  onLog?: (line: string) => void;
  /**
   * While the task runs, `onLog` receives `still running: <type> on <node>, <s> s` every this
   * many ms, the type and node taken from the UPID and the seconds counted from the start of
   * the wait (the node's clock may differ from ours). They stop when the wait ends, however it
   * ends. 0 sends none; without `onLog` there are none either. Default 10000.
   */
  heartbeatMs?: number;
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
  /** How many log lines to keep (the newest). */
  maxLogLines: number;
}

const TaskStatus = z.looseObject({ status: z.string(), exitstatus: z.string().optional() });
const LogLines = z.array(z.looseObject({ n: z.coerce.number(), t: z.string() }));

const TAIL = 20;
/** Default heartbeat interval: often enough that a silent task never looks hung. */
const HEARTBEAT_MS = 10_000;
/** Lines asked for per log read: a task that logs a lot is read in pages, never in one unbounded answer. */
const LOG_PAGE = 500;

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

/**
 * Calls `beat` every `ms` until stopped. The timer is unref'd: a heartbeat alone must not keep
 * the process alive. A `beat` that throws stops the heartbeat; `failure` then holds its error,
 * for the wait to throw (thrown from the timer, it would crash the process instead).
 */
function startHeartbeat(ms: number, beat: () => void): { stop(): void; failure(): { error: unknown } | undefined } {
  let failed: { error: unknown } | undefined;
  const timer = setInterval(() => {
    try {
      beat();
    } catch (error) {
      failed = { error };
      clearInterval(timer);
    }
  }, ms);
  timer.unref();
  return { stop: () => clearInterval(timer), failure: () => failed };
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
  const heartbeatMs = options.heartbeatMs ?? HEARTBEAT_MS;
  // A NaN or negative delay would make setInterval fire every millisecond.
  if (!Number.isFinite(heartbeatMs) || heartbeatMs < 0) {
    throw new PveApiError({ kind: "validation", message: `waitForTask option 'heartbeatMs' must be a number >= 0, got ${String(heartbeatMs)}` });
  }
  const base = `/nodes/${node}/tasks/${upid}`;
  const deadline = Date.now() + (options.timeoutMs ?? 3_600_000);
  const { signal, onLog } = options;
  // The newest lines only: a task that logs without end must not grow the client's memory with it.
  const log: string[] = [];
  let seen = 0;
  const what = cleanServerText(`task ${type}${id ? ` ${id}` : ""} on ${node}`);
  const redact = withExtraSecrets(deps.redact, options.secrets ?? []);

  const readLog = async (): Promise<void> => {
    for (;;) {
      // `n` is 1-based, `start` 0-based; a full page means there may be more.
      const lines = parse(LogLines, await deps.get(`${base}/log`, { start: seen, limit: LOG_PAGE }, signal), `GET ${base}/log`);
      // An empty or not yet existing log reads as one pseudo line 1; do not count it.
      if (lines.length === 1 && lines[0]?.n === 1 && /^(no content|unable to open file)/.test(lines[0].t)) return;
      for (const { n, t } of lines) {
        if (n !== seen + 1) continue; // overlap or gap: keep the count equal to the line number
        seen = n;
        const line = cutLine(safeServerText(t, redact));
        log.push(line);
        // Trimmed in batches, so that a long log costs no shift per line.
        if (log.length >= 2 * deps.maxLogLines) log.splice(0, log.length - deps.maxLogLines);
        onLog?.(line);
      }
      if (lines.length < LOG_PAGE) return;
    }
  };

  const started = Date.now();
  const plan = {
    firstMs: deps.pollIntervalMs,
    maxMs: deps.maxPollIntervalMs,
    expectedMs: options.expectedMs ?? deps.durations?.get(type),
    streaming: onLog !== undefined,
  };
  const heartbeat =
    onLog && heartbeatMs > 0
      ? startHeartbeat(heartbeatMs, () => onLog(cleanServerText(`still running: ${type} on ${node}, ${Math.floor((Date.now() - started) / 1000)} s`)))
      : undefined;
  // An onLog that throws ends the wait with its error, whether a log line or a heartbeat hit it.
  const rethrowHeartbeatFailure = (): void => {
    const failed = heartbeat?.failure();
    if (failed) throw failed.error;
  };

  const poll = async (): Promise<TaskResult> => {
    let interval: number | undefined;
    for (;;) {
      rethrowHeartbeatFailure();
      if (signal?.aborted) throw new PveApiError({ kind: "timeout", upid, message: `${what}: waiting aborted (the task keeps running)` });
      const status = parse(TaskStatus, await deps.get(`${base}/status`, undefined, signal), `GET ${base}/status`);
      if (onLog || status.status !== "running") await readLog();
      rethrowHeartbeatFailure();
      if (status.status !== "running") {
        const exitstatus = cutLine(safeServerText(status.exitstatus ?? "unexpected status", redact));
        const warnings = successWarnings(exitstatus);
        if (warnings !== null) {
          // Only successful runs teach the expected duration: a failure often ends early.
          deps.durations?.set(type, Date.now() - started);
          return { upid, node, exitstatus, warnings, log: log.slice(-deps.maxLogLines), logLines: seen };
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
        throw new PveApiError({
          kind: "timeout",
          upid,
          taskLog: log.slice(-TAIL),
          retryable: true,
          message: `${what}: still running after ${options.timeoutMs ?? 3_600_000} ms (the task keeps running)`,
        });
      }
      interval = nextPollDelay(plan, Date.now() - started, interval);
      await sleep(Math.min(interval, remaining), signal);
    }
  };

  try {
    return await poll();
  } finally {
    // However the wait ends (result, failure, timeout, abort): no heartbeat after it.
    heartbeat?.stop();
  }
}
