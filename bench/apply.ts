/**
 * Sections 4 and 5: `up` of stacks of 100..1000 resources through the local engine (Pulumi's real
 * dynamic-provider host, unbounded parallelism like Pulumi's default) against the simulator with
 * per-request latency, handler time and PVE's 3+3 workers per node; then `preview` of the
 * unchanged largest stack. The server-side bound is what no client can beat: the busiest worker
 * pool's work divided by its workers, or the work done under one lock (PVE runs handlers that
 * write one cluster file one at a time, under its cfs lock), whichever is longer.
 */
import buildPackage from "../tests/setup/build-package";
import { newStack, type Declared } from "../tests/e2e/harness";
import type { LockUsage, WorkerUsage } from "../tests/sim";
import type { BenchArgs } from "./args";
import { verdict, type Report } from "./report";
import { PVE_LIKE } from "./sim";
import { elapsed, fmt, ratio } from "./stats";

const SIM = PVE_LIKE;

/** `n` resources: users, pools, ACLs and firewall aliases in turn (the issue's mix). */
export function stackOf(n: number): Declared[] {
  return Array.from({ length: n }, (_, i): Declared => {
    switch (i % 4) {
      case 0:
        return { namespace: "access", kind: "User", name: `user-${i}`, args: { userId: `bench${i}@pve`, comment: `user ${i}`, email: `u${i}@example.com` } };
      case 1:
        return { namespace: "cluster", kind: "Pool", name: `pool-${i}`, args: { poolId: `bench${i}`, comment: `pool ${i}` } };
      case 2:
        return { namespace: "access", kind: "Acl", name: `acl-${i}`, args: { path: `/vms/${1000 + i}`, roleId: "PVEAuditor", userId: "root@pam" } };
      default:
        return {
          namespace: "firewall",
          kind: "Alias",
          name: `alias-${i}`,
          args: { name: `bench${i}`, cidr: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32`, comment: `alias ${i}` },
        };
    }
  });
}

/** The server-side bound of one run: no client finishes sooner. */
interface ServerBound {
  /** The busiest worker pool's work (requests × handler time) divided by its workers. */
  poolMs: number;
  /** The most work done under one lock: those handlers run one at a time whatever the client does. */
  lockMs: number;
  ms: number;
  /** What sets the bound: a pool (`pve1/pvedaemon`) or a lock (`file-user_cfg`). */
  limit: string;
}

function serverBound(pools: WorkerUsage[], locks: LockUsage[], serviceMs: number): ServerBound {
  const pool = pools.reduce((a, b) => (b.requests / b.workers > a.requests / a.workers ? b : a));
  const lock = locks.reduce<LockUsage | undefined>((a, b) => (a === undefined || b.acquired > a.acquired ? b : a), undefined);
  const poolMs = (pool.requests * serviceMs) / pool.workers;
  const lockMs = (lock?.acquired ?? 0) * serviceMs;
  return { poolMs, lockMs, ms: Math.max(poolMs, lockMs), limit: lockMs > poolMs && lock ? `lock ${lock.lockId}` : pool.pool };
}

/** Wall time of `up` of a stack with no resources: the fixed cost every `up` pays. */
async function emptyUpMs(): Promise<number> {
  const stack = await newStack("bench", "environment", { simulator: SIM });
  try {
    const since = performance.now();
    const result = await stack.up([], { skipPreview: true });
    if (!result.ok) throw new Error(`up of an empty stack failed: ${result.programErrors.join("\n")}`);
    return elapsed(since);
  } finally {
    await stack.close();
  }
}

const LOCK_ERROR = /cfs-lock|can't lock file|lock request timeout/;

export async function benchApply(args: BenchArgs, report: Report, log: (line: string) => void): Promise<void> {
  buildPackage(); // the stacks install the package from its tarball
  const rows: string[][] = [];
  const ratios: number[] = [];
  const appliedRatios: number[] = [];
  const startupMs = await emptyUpMs();
  log(`  up of an empty stack (program, engine and provider start-up): ${fmt(startupMs)} ms`);
  const perResource: number[] = [];
  let lockErrors = 0;
  let previewRow: string[] | undefined;
  let previewCalls = Number.NaN;
  let previewVersionProbes = Number.NaN;
  let previewNodeListings = Number.NaN;
  const largest = Math.max(...args.sizes);
  for (const n of args.sizes) {
    const stack = await newStack("bench", "environment", { simulator: SIM });
    try {
      const resources = stackOf(n);
      const since = performance.now();
      // The apply alone: the preview of the same stack is measured in section 5.
      const result = await stack.up(resources, { skipPreview: true });
      const wallMs = elapsed(since);
      const failed = result.steps.filter((s) => s.error);
      lockErrors += failed.filter((s) => LOCK_ERROR.test(s.error ?? "")).length + stack.sim.requests.filter((r) => r.status >= 500).length;
      if (!result.ok) throw new Error(`up of ${n} resources failed: ${failed[0]?.error ?? result.programErrors.join("\n")}`);
      const calls = stack.sim.requests.length;
      const bound = serverBound(stack.sim.workerUsage(), stack.sim.lockUsage(), SIM.serviceMs ?? 0);
      ratios.push(wallMs / bound.ms);
      appliedRatios.push((wallMs - startupMs) / bound.ms);
      perResource.push(wallMs / n);
      rows.push([
        String(n),
        fmt(wallMs / 1000, 2),
        fmt(calls / n, 2),
        fmt(bound.poolMs / 1000, 2),
        fmt(bound.lockMs / 1000, 2),
        bound.limit,
        ratio(wallMs / bound.ms),
        ratio((wallMs - startupMs) / bound.ms),
        ratio(wallMs / bound.poolMs),
        fmt(wallMs / n, 1),
      ]);
      log(`  up of ${n}: ${fmt(wallMs)} ms, bound ${fmt(bound.ms)} ms (${bound.limit})`);
      if (n === largest && args.sections.has(5)) {
        const before = stack.sim.requests.length;
        const start = performance.now();
        const preview = await stack.preview(resources);
        const previewMs = elapsed(start);
        const made = stack.sim.requests.slice(before);
        previewCalls = made.length;
        previewVersionProbes = made.filter((r) => r.path === "/version").length;
        previewNodeListings = made.filter((r) => r.path === "/nodes").length;
        const changed = preview.steps.filter((s) => s.op !== "same" && !s.type.startsWith("pulumi:pulumi:")).length;
        const check = preview.rpc["check"];
        const diff = preview.rpc["diff"];
        previewRow = [
          String(n),
          fmt(previewMs / 1000, 2),
          `${made.length}${made.length ? ` (${[...new Set(made.map((r) => `${r.method} ${r.path}`))].slice(0, 3).join(", ")})` : ""}`,
          String(changed),
          fmt(check ? check.totalMs / check.calls : Number.NaN, 2),
          fmt(diff ? diff.totalMs / diff.calls : Number.NaN, 2),
          fmt(previewMs / n, 2),
        ];
      }
    } finally {
      await stack.close();
    }
  }
  const growth = perResource.length > 1 ? (perResource.at(-1) ?? 0) / (perResource[0] ?? 1) : 1;
  report.add({
    title: "4. Apply at scale (`up` of a new stack, engine parallelism unbounded)",
    headers: [
      "resources",
      "wall s",
      "API calls/resource",
      "pool bound s",
      "lock bound s",
      "bound set by",
      "wall / bound",
      "(wall − start-up) / bound",
      "wall / pool bound",
      "ms/resource",
    ],
    rows,
    notes: [
      `Simulator: ${SIM.latencyMs} ms latency per request outside the worker, ${SIM.serviceMs} ms handler time inside it (inside the file's lock when the handler writes a cluster file, as PVE's handlers work under cfs_lock), ${SIM.workersPerNode}+${SIM.workersPerNode} workers per node; users, pools, ACLs and firewall aliases in turn.`,
      "Pool bound: the busiest worker pool's work (requests × handler time) divided by its workers; cluster-level calls land on the node the client talks to, writes on pvedaemon, reads on pveproxy. This is the issue's \"total server work divided by server workers\".",
      "Lock bound: users, pools and ACLs all live in user.cfg, and PVE (like the simulator) changes it under one cfs lock, one handler at a time: the handler time spent under that lock is a chain no client can shorten. The server-side bound is the longer of the two; the last ratio column shows the pool bound alone.",
      `Start-up: an \`up\` of an empty stack took ${fmt(startupMs)} ms in this run (program, engine and provider host start); the second ratio column leaves it out.`,
      verdict(
        Math.max(...ratios) <= 1.3,
        `wall time within ${ratio(Math.max(...ratios))} of the server-side bound at worst (goal ≤ 1.3x; by size: ${ratios.map((r) => ratio(r)).join(", ")}; without start-up: ${appliedRatios.map((r) => ratio(r)).join(", ")})`,
      ),
      verdict(lockErrors === 0, `${lockErrors} lock, cfs-lock or 5xx errors surfaced (goal 0)`),
      verdict(growth <= 1.3, `time per resource from the smallest to the largest stack grew ${ratio(growth)} (linear growth: ≈ 1x)`),
    ],
  });
  if (previewRow) {
    report.add({
      title: `5. Preview of the unchanged ${largest}-resource stack`,
      headers: ["resources", "wall s", "API calls", "changes", "check ms/call", "diff ms/call", "wall ms/resource"],
      rows: [previewRow],
      notes: [
        "check and diff: mean time of one provider call as the engine sees it (gRPC round trip into Pulumi's dynamic-provider host included).",
        verdict(
          previewVersionProbes === 1 && previewNodeListings <= 1 && previewCalls === previewVersionProbes + previewNodeListings,
          `${previewCalls} API calls: ${previewVersionProbes} version probe(s), ${previewNodeListings} node listing(s), ${previewCalls - previewVersionProbes - previewNodeListings} other (goal: exactly one version probe, at most one node listing, no per-resource call)`,
        ),
      ],
    });
  }
}
