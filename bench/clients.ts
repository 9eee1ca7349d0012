/**
 * Sections 1 and 2: the same workload through our client, bare node:https and the peers, in
 * alternating rounds (the median round counts), against two simulators on loopback: one that
 * costs nothing per request, where only client CPU shows, and a PVE-like one (latency, handler
 * time, workers, cfs locks), where the client's cost is seen next to the server's.
 */
import type { BenchArgs } from "./args";
import { bareHttps, cv4pveDriver, ours, proxmoxApiDriver, type Target } from "./drivers";
import { proxmoxerAvailable, proxmoxerWorkload } from "./proxmoxer";
import { verdict, type Report } from "./report";
import { benchSimulator, PVE_LIKE } from "./sim";
import { fmt, median, ratio } from "./stats";
import { runWorkload, type Driver } from "./workload";
import type { SimulatorOptions } from "../tests/sim";

interface Contender {
  key: string;
  name: string;
  run(tag: string, requests: number): Promise<number>;
  close(): Promise<void> | void;
}

function fromDriver(key: string, driver: Driver, concurrency: number): Contender {
  return { key, name: driver.name, run: (tag, n) => runWorkload(driver, tag, n, concurrency), close: () => driver.close() };
}

function pythonContender(target: Target, concurrency: number): Contender {
  return { key: "proxmoxer", name: "proxmoxer (Python)", run: (tag, n) => proxmoxerWorkload(target, tag, n, concurrency), close: () => undefined };
}

/** The median time (ms) of each contender over `rounds` rounds of `requests` requests. */
interface Timing {
  names: Map<string, string>;
  ms(key: string): number;
  rps(key: string): number;
}

/** One server, every contender: warm-up, then alternating rounds. */
async function timeOn(
  server: SimulatorOptions,
  label: string,
  withPeers: boolean,
  opts: { requests: number; rounds: number; concurrency: number; python: boolean },
  log: (line: string) => void,
): Promise<Timing> {
  const { sim, target } = await benchSimulator(server);
  const c = opts.concurrency;
  const contenders: Contender[] = [
    fromDriver("ours", ours(target), c),
    fromDriver("bare", bareHttps(target), c),
    fromDriver("unlocked", ours(target, true), c),
  ];
  if (withPeers) {
    contenders.push(fromDriver("papi", proxmoxApiDriver(target), c), fromDriver("cv4pve", cv4pveDriver(target), c));
    if (opts.python) contenders.push(pythonContender(target, c));
  }
  const times = new Map<string, number[]>(contenders.map((x) => [x.key, []]));
  try {
    for (const x of contenders) await x.run(`w${x.key}`, Math.min(200, opts.requests)); // warm-up: JIT, TLS sessions
    for (let round = 0; round < opts.rounds; round++) {
      // Alternate the order so that drift of the shared machine does not favour one client.
      const order = round % 2 === 0 ? contenders : [...contenders].reverse();
      for (const x of order) {
        const ms = await x.run(`r${round}${x.key}`, opts.requests);
        times.get(x.key)?.push(ms);
        log(`  ${label}, round ${round + 1}/${opts.rounds} ${x.name}: ${fmt((opts.requests / ms) * 1000)} req/s`);
      }
    }
  } finally {
    for (const x of contenders) await x.close();
    await sim.close();
  }
  const ms = (key: string): number => median(times.get(key) ?? []);
  return { names: new Map(contenders.map((x) => [x.key, x.name])), ms, rps: (key) => (opts.requests / ms(key)) * 1000 };
}

export async function benchClients(args: BenchArgs, report: Report, log: (line: string) => void): Promise<void> {
  const withPeers = args.sections.has(2);
  const python = withPeers && (await proxmoxerAvailable());
  if (withPeers && !python) log("proxmoxer is not installed (bash tests/setup/ensure-tools.sh): skipped");
  const c = args.concurrency;
  const free = await timeOn({}, "no server cost", withPeers, { requests: args.requests, rounds: args.rounds, concurrency: c, python }, log);
  // Each unit changes user.cfg twice, 25 ms each under its lock: a tenth of the requests keeps the round short.
  const likeRequests = Math.max(40, Math.round(args.requests / 10));
  const like = await timeOn(PVE_LIKE, "PVE-like server", withPeers, { requests: likeRequests, rounds: args.rounds, concurrency: c, python }, log);
  const name = (key: string): string => free.names.get(key) ?? key;
  const freeRatio = free.ms("ours") / free.ms("bare");
  const likeRatio = like.ms("ours") / like.ms("bare");
  report.add({
    title: "1. Client overhead (same requests, same concurrency)",
    headers: ["client", "req/s, no server cost", "time ratio to bare", "req/s, PVE-like server", "time ratio to bare"],
    rows: [
      [name("bare"), fmt(free.rps("bare")), ratio(1), fmt(like.rps("bare")), ratio(1)],
      [name("ours"), fmt(free.rps("ours")), ratio(freeRatio), fmt(like.rps("ours")), ratio(likeRatio)],
      [
        name("unlocked"),
        fmt(free.rps("unlocked")),
        ratio(free.ms("unlocked") / free.ms("bare")),
        fmt(like.rps("unlocked")),
        ratio(like.ms("unlocked") / like.ms("bare")),
      ],
    ],
    notes: [
      `Units of POST group, GET group, GET /version, DELETE group with ${c} units in flight; ${args.requests} requests per client and round without server cost, ${likeRequests} on the PVE-like server (${PVE_LIKE.latencyMs} ms latency, ${PVE_LIKE.serviceMs} ms handler time, in user.cfg's lock for the writes, ${PVE_LIKE.workersPerNode}+${PVE_LIKE.workersPerNode} workers per node); ${args.rounds} round(s), median round.`,
      "Without server cost the simulator answers in tens of microseconds in the benchmark's own process, so the ratio is the client's CPU per request: got's own per-request cost (options, request stream, hooks) is the floor of any got-based client here.",
      "Both writes of a unit change user.cfg: bare HTTP and the peers send them concurrently and PVE serializes them under its cfs lock; ours keeps issue 2's keyed lock and sends one user.cfg write at a time, so each waits for the previous one's round trip. The third row is the same client with that lock turned off per request (`lockKey: null`): the difference is what the lock costs.",
      verdict(freeRatio <= 1.15, `without server cost our client takes ${ratio(freeRatio)} the time of bare HTTP (goal ≤ 1.15x)`),
      verdict(likeRatio <= 1.15, `against the PVE-like server our client takes ${ratio(likeRatio)} the time of bare HTTP (goal ≤ 1.15x)`),
    ],
  });
  if (!withPeers) return;
  const peers = [...free.names.keys()].filter((k) => !["ours", "bare", "unlocked"].includes(k));
  const freeSlower = peers.map((p) => free.ms(p) / free.ms("ours"));
  const likeSlower = peers.map((p) => like.ms(p) / like.ms("ours"));
  report.add({
    title: "2. Peers (same workload; ratio = their time / our time, > 1 means ours is faster)",
    headers: ["client", "req/s, no server cost", "time ratio to ours", "req/s, PVE-like server", "time ratio to ours"],
    rows: [
      [name("ours"), fmt(free.rps("ours")), ratio(1), fmt(like.rps("ours")), ratio(1)],
      ...peers.map((p, i) => [name(p), fmt(free.rps(p)), ratio(freeSlower[i] ?? Number.NaN), fmt(like.rps(p)), ratio(likeSlower[i] ?? Number.NaN)]),
    ],
    notes: [
      "Peers get the same number of units in flight; ours additionally keeps its own per-node caps (writes 2, reads 6 per node) and keyed locks.",
      "cv4pve-api-javascript turns certificate verification off itself; proxmox-api gets undici's fetch with the simulator's CA; proxmoxer uses requests with the CA file and a thread pool; its time is measured inside Python.",
      verdict(
        freeSlower.every((r) => r >= 1),
        `without server cost ours is the fastest (slowest peer ratio ${ratio(Math.min(...freeSlower))})`,
      ),
      verdict(
        likeSlower.every((r) => r >= 1),
        `against the PVE-like server ours is the fastest (slowest peer ratio ${ratio(Math.min(...likeSlower))})`,
      ),
    ],
  });
}
