/**
 * Section 3: how soon a waiter notices that a task ended, and how many requests it spends.
 * Tasks of known duration (±10 % jitter, so fixed intervals do not line up by chance) run on the
 * simulator; our waitForTask and fixed 1 s / 2 s polling (what the Terraform peers do) wait on
 * them side by side, each with its own client so that their queues do not interact.
 */
import { ProxmoxClient } from "../provider/client";
import type { BenchArgs } from "./args";
import type { Target } from "./drivers";
import { verdict, type Report } from "./report";
import { benchSimulator } from "./sim";
import { fmt, mean, median, percentile } from "./stats";

interface Strategy {
  name: string;
  /** Resolves once the waiter has seen the task end (and read its log, as waitForTask does). */
  wait(upid: string, expectedMs: number): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function fixedPolling(client: ProxmoxClient, intervalMs: number): Strategy {
  return {
    name: `fixed ${intervalMs / 1000} s polling`,
    async wait(upid) {
      const node = upid.split(":")[1] ?? "";
      const base = `/nodes/${node}/tasks/${upid}`;
      for (;;) {
        const status = await client.get<{ status: string }>(`${base}/status`);
        if (status.status !== "running") break;
        await sleep(intervalMs);
      }
      await client.get(`${base}/log`, { start: 0, limit: 0 });
    },
  };
}

/** A deterministic jitter source (the same durations in every run). */
function jitter(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

const FIXED_1S = "fixed 1 s polling";

interface Sample {
  strategy: string;
  durationMs: number;
  delayMs: number;
  requests: number;
}

export async function benchTasks(args: BenchArgs, report: Report, log: (line: string) => void): Promise<void> {
  const durations: number[] = [];
  const { sim, target } = await benchSimulator({ taskDuration: () => durations.shift() });
  const clientOf = (t: Target): ProxmoxClient => new ProxmoxClient({ endpoint: t.endpoint, apiToken: t.apiToken, fingerprint: t.fingerprint });
  const admin = clientOf(target);
  const oursClient = clientOf(target);
  const oursHinted = clientOf(target);
  const fixed1 = clientOf(target);
  const fixed2 = clientOf(target);
  const strategies: Strategy[] = [
    { name: "ours: waitForTask", wait: (upid) => oursClient.waitForTask(upid).then(() => undefined) },
    { name: "ours: waitForTask, expected duration given", wait: (upid, expectedMs) => oursHinted.waitForTask(upid, { expectedMs }).then(() => undefined) },
    fixedPolling(fixed1, 1000),
    fixedPolling(fixed2, 2000),
  ];
  const random = jitter(7);
  const samples: Sample[] = [];
  try {
    for (const durationMs of args.durationsMs) {
      const runs = strategies.flatMap((strategy) => Array.from({ length: args.samples }, () => strategy));
      const started = runs.map(async (strategy, i) => {
        durations.push(Math.round(durationMs * (0.9 + 0.2 * random())));
        const node = `pve${(i % 3) + 1}`;
        const upid = await admin.post<string>(`/nodes/${node}/services/cron/restart`);
        await strategy.wait(upid, durationMs);
        const resolvedAt = performance.now();
        const endedAt = sim.taskEndedAt(upid);
        if (endedAt === undefined) throw new Error(`${strategy.name} resolved before ${upid} ended`);
        return { strategy: strategy.name, durationMs, delayMs: resolvedAt - endedAt, upid };
      });
      const done = await Promise.all(started);
      for (const d of done) {
        const requests = sim.requests.filter((r) => r.path.includes(d.upid)).length;
        samples.push({ strategy: d.strategy, durationMs: d.durationMs, delayMs: d.delayMs, requests });
      }
      log(`  tasks of ${durationMs} ms: done`);
    }
  } finally {
    for (const c of [admin, oursClient, oursHinted, fixed1, fixed2]) c.close();
    await sim.close();
  }
  const rows: string[][] = [];
  const of = (strategy: string, d?: number): Sample[] => samples.filter((s) => s.strategy === strategy && (d === undefined || s.durationMs === d));
  for (const d of args.durationsMs) {
    for (const s of strategies) {
      const group = of(s.name, d);
      const delays = group.map((x) => x.delayMs);
      rows.push([`${(d / 1000).toFixed(1)} s`, s.name, fmt(median(delays)), fmt(percentile(delays, 95)), fmt(mean(group.map((x) => x.requests)), 1)]);
    }
  }
  const long = args.durationsMs.filter((d) => d > 5000);
  const requestsOn = (strategy: string): number => mean(long.flatMap((d) => of(strategy, d).map((x) => x.requests)));
  const notes = [
    `${args.samples} tasks per duration and strategy, durations jittered ±10 %, spread over 3 nodes; delay = when the wait resolved − when the simulator ended the task; requests = status and log requests for that task.`,
    "Without a hint, our client expects a task type to take as long as its last one did (here: the previous, shorter duration), so its first tasks of each duration fall back to the growing interval.",
  ];
  for (const s of strategies.slice(0, 2)) {
    const med = median(of(s.name).map((x) => x.delayMs));
    notes.push(verdict(med < 150, `${s.name}: median delay ${fmt(med)} ms over all durations (goal < 150 ms)`));
    if (long.length > 0) {
      const mine = requestsOn(s.name);
      const fixed = requestsOn(FIXED_1S);
      notes.push(verdict(mine < fixed, `${s.name}: ${fmt(mine, 1)} requests per task > 5 s vs ${fmt(fixed, 1)} for 1 s polling (goal: fewer)`));
    }
  }
  report.add({
    title: "3. Task waiting (detection delay after the task ended, requests per task)",
    headers: ["task", "waiter", "median delay ms", "p95 delay ms", "requests/task"],
    rows,
    notes,
  });
}
