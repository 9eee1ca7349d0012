// The heartbeat of a task wait. The timing tests run the wait on a fake clock against a played
// PVE that answers at once (no sockets, so nothing outside the fake clock decides the order):
// time moves only when the test moves it, and the assertions are about which lines arrive in
// which order, never about how long anything took. One test runs the whole client over nock.
import nock from "nock";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import type { PveApiError } from "../../index";
import { createRedactor } from "../../provider/client/redact";
import { waitForTask, type WaitForTaskOptions } from "../../provider/client/tasks";
import { API, ORIGIN, rejection, tokenClient } from "./helpers";
import { useNock } from "./nock";

useNock();
const UPID = "UPID:pve1:0000C0DE:0153F0E1:66F1A2B3:vzcreate:200:root@pam:";
const BASE = `/nodes/pve1/tasks/${UPID}`;
/** The poll interval of these waits: one poll per fake second, so a new line arrives within one. */
const POLL_MS = 1000;

/** What the played task has done so far: the test changes it between ticks of the clock. */
interface PlayedTask {
  lines: string[];
  /** Undefined while the task runs. */
  exitstatus?: string;
}

let task: PlayedTask;

/** PVE's answers to the two reads of a wait, for the task as it is now. */
function answer(path: string, start: number): unknown {
  if (path === `${BASE}/status`) {
    return task.exitstatus === undefined
      ? { upid: UPID, node: "pve1", status: "running" }
      : { upid: UPID, node: "pve1", status: "stopped", exitstatus: task.exitstatus };
  }
  if (path !== `${BASE}/log`) throw new Error(`unexpected read of ${path}`);
  // PVE's log read: `start` is 0-based, `n` 1-based; an empty log reads as "no content".
  const page = task.lines.slice(start).map((t, i) => ({ n: start + i + 1, t }));
  return page.length > 0 || start > 0 ? page : [{ n: 1, t: "no content" }];
}

/** Starts a wait on the played task, every line it delivers recorded in `seen`. */
function startWait(options: WaitForTaskOptions = {}, onLog?: (line: string) => void): { seen: string[]; outcome: Promise<unknown> } {
  const seen: string[] = [];
  const outcome = waitForTask(
    {
      get: (path, params) => Promise.resolve(answer(path, Number(params?.start ?? 0))),
      pollIntervalMs: POLL_MS,
      maxPollIntervalMs: POLL_MS,
      redact: createRedactor(() => []),
      maxLogLines: 1000,
    },
    UPID,
    { onLog: onLog ?? ((line) => seen.push(line)), ...options },
  );
  // Settled or not, the outcome is looked at later: no unhandled rejection in between.
  outcome.catch(() => undefined);
  return { seen, outcome };
}

/** Moves the fake clock on by `ms`, running every poll that falls due on the way. */
async function elapse(ms: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
}

const beat = (seconds: number): string => `still running: vzcreate on pve1, ${seconds} s`;

describe("waitForTask heartbeat", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
    task = { lines: [] };
  });

  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  test("every 10 s by default a running task yields a heartbeat with its type, node and seconds, between its log lines as they appear", async () => {
    const { seen, outcome } = startWait();
    await elapse(4_000);
    task.lines.push("extracting archive '/var/lib/vz/template/cache/debian-12.tar.zst'");
    await elapse(1_000);
    // Streamed at the next poll, while the task still runs: not only at its end.
    expect(seen).toEqual(["extracting archive '/var/lib/vz/template/cache/debian-12.tar.zst'"]);
    await elapse(19_000); // t = 24 s
    task.lines.push("Total bytes read: 524288000 (500MiB, 2.1GiB/s)");
    await elapse(20_000); // t = 44 s
    task.lines.push("TASK OK");
    task.exitstatus = "OK";
    await elapse(1_000);
    const result = (await outcome) as { exitstatus: string; log: string[]; logLines: number };
    expect(seen).toEqual([
      "extracting archive '/var/lib/vz/template/cache/debian-12.tar.zst'",
      beat(10),
      beat(20),
      "Total bytes read: 524288000 (500MiB, 2.1GiB/s)",
      beat(30),
      beat(40),
      "TASK OK",
    ]);
    // Heartbeats are the client's lines, not the task's: its log holds only what PVE logged.
    expect(result).toMatchObject({ exitstatus: "OK", log: task.lines, logLines: 3 });
    await elapse(60_000);
    expect(seen.at(-1)).toBe("TASK OK"); // nothing after the end
  });

  test("heartbeatMs sets the interval", async () => {
    const { seen, outcome } = startWait({ heartbeatMs: 3_000 });
    await elapse(4_000);
    task.lines.push('Logical volume "vm-200-disk-0" created.');
    await elapse(6_000); // t = 10 s
    task.lines.push("TASK OK");
    task.exitstatus = "OK";
    await elapse(1_000);
    await outcome;
    expect(seen).toEqual([beat(3), 'Logical volume "vm-200-disk-0" created.', beat(6), beat(9), "TASK OK"]);
  });

  test("a failing task ends its heartbeat too, and the heartbeats stay out of the error's task log", async () => {
    const { seen, outcome } = startWait({ heartbeatMs: 5_000 });
    await elapse(7_000);
    const reason = "unable to create CT 200 - storage 'local-lvm' does not exist";
    task.lines.push(reason, `TASK ERROR: ${reason}`);
    task.exitstatus = reason;
    await elapse(1_000);
    const error = (await rejection(outcome)) as PveApiError;
    expect(error).toMatchObject({ kind: "task-failed", pveMessage: reason, taskLog: task.lines });
    expect(seen).toEqual([beat(5), ...task.lines]);
    await elapse(30_000);
    expect(seen).toEqual([beat(5), ...task.lines]);
  });

  test("an aborted wait ends its heartbeat", async () => {
    const controller = new AbortController();
    const { seen, outcome } = startWait({ heartbeatMs: 5_000, signal: controller.signal });
    await elapse(12_000);
    controller.abort();
    await elapse(0);
    expect(await rejection(outcome)).toMatchObject({ kind: "timeout" });
    await elapse(30_000);
    expect(seen).toEqual([beat(5), beat(10)]);
  });

  test("a wait that times out ends its heartbeat", async () => {
    const { seen, outcome } = startWait({ heartbeatMs: 5_000, timeoutMs: 12_000 });
    await elapse(12_000);
    expect(await rejection(outcome)).toMatchObject({ kind: "timeout" });
    await elapse(30_000);
    expect(seen).toEqual([beat(5), beat(10)]);
  });

  test("the heartbeat timer does not keep the process alive, and is cleared once the wait ends", async () => {
    const intervals = vi.spyOn(globalThis, "setInterval");
    const clears = vi.spyOn(globalThis, "clearInterval");
    const { outcome } = startWait({ heartbeatMs: 5_000 });
    expect(intervals).toHaveBeenCalledTimes(1);
    const timer = intervals.mock.results[0]?.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    task.exitstatus = "OK";
    await elapse(1_000);
    await outcome;
    expect(clears).toHaveBeenCalledWith(timer);
  });

  test("heartbeatMs 0 sends none; a negative or NaN one is refused before anything is sent", async () => {
    const { seen, outcome } = startWait({ heartbeatMs: 0 });
    await elapse(30_000);
    task.exitstatus = "OK";
    await elapse(1_000);
    await outcome;
    expect(seen).toEqual([]);
    for (const heartbeatMs of [-1, Number.NaN]) {
      // A node nock does not answer for: a request would fail differently.
      const elsewhere = "UPID:pve9:0000C0DE:0153F0E1:66F1A2B3:vzcreate:200:root@pam:";
      expect(await rejection(tokenClient().waitForTask(elsewhere, { heartbeatMs }))).toMatchObject({
        kind: "validation",
        message: expect.stringContaining("heartbeatMs") as unknown,
      });
    }
  });

  test("an onLog that throws on a heartbeat ends the wait with its error instead of crashing the process", async () => {
    const broken = new Error("the log sink is closed");
    const calls: string[] = [];
    const { outcome } = startWait({ heartbeatMs: 5_000 }, (line) => {
      calls.push(line);
      throw broken;
    });
    await elapse(6_000);
    expect(await rejection(outcome)).toBe(broken);
    await elapse(20_000);
    expect(calls).toEqual([beat(5)]);
  });
});

describe("waitForTask heartbeat through the client", () => {
  test("reaches the onLog given to ProxmoxClient.waitForTask, between the lines PVE logs", async () => {
    // The task ends once a heartbeat has followed its first line, however long that takes; its
    // last line shows once PVE has reported it stopped.
    const path = `${API}/nodes/pve1/tasks/${encodeURIComponent(UPID)}`;
    let ended = false;
    let reportedStopped = false;
    nock(ORIGIN)
      .persist()
      .get(`${path}/status`)
      .reply(200, () => {
        reportedStopped = ended;
        return { data: ended ? { status: "stopped", exitstatus: "OK" } : { status: "running" } };
      })
      .get(`${path}/log`)
      .query(true)
      .reply(200, (uri: string) => {
        const start = Number(new URL(uri, ORIGIN).searchParams.get("start"));
        const lines = reportedStopped ? ["extracting archive", "TASK OK"] : ["extracting archive"];
        return { data: lines.slice(start).map((t, i) => ({ n: start + i + 1, t })) };
      });
    const seen: string[] = [];
    const onLog = (line: string): void => {
      seen.push(line);
      if (line.startsWith("still running") && seen.includes("extracting archive")) ended = true;
    };
    await tokenClient().waitForTask(UPID, { onLog, heartbeatMs: 20 });
    const first = seen.indexOf("extracting archive");
    expect(seen.at(-1)).toBe("TASK OK");
    expect(seen.slice(first + 1, -1).length).toBeGreaterThan(0); // a heartbeat between the two lines
    const beats = seen.filter((line) => line !== "extracting archive" && line !== "TASK OK");
    expect(beats.length).toBe(seen.length - 2);
    for (const line of beats) expect(line).toMatch(/^still running: vzcreate on pve1, \d+ s$/);
  });
});
