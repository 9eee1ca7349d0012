/**
 * Sections 1 and 2: the same workload through our client, bare node:https and the peers, on one
 * simulator without added latency (loopback), in alternating rounds; the median round counts.
 */
import type { BenchArgs } from "./args";
import { bareHttps, cv4pveDriver, ours, proxmoxApiDriver, type Target } from "./drivers";
import { proxmoxerAvailable, proxmoxerWorkload } from "./proxmoxer";
import { verdict, type Report } from "./report";
import { benchSimulator } from "./sim";
import { fmt, median, ratio } from "./stats";
import { runWorkload, type Driver } from "./workload";

interface Contender {
  key: string;
  name: string;
  run(tag: string, requests: number): Promise<number>;
  close(): Promise<void> | void;
}

function fromDriver(key: string, driver: Driver, concurrency: number): Contender {
  return { key, name: driver.name, run: (tag, n) => runWorkload(driver, tag, n, concurrency), close: () => driver.close() };
}

export async function benchClients(args: BenchArgs, report: Report, log: (line: string) => void): Promise<void> {
  const { sim, target } = await benchSimulator();
  const c = args.concurrency;
  const contenders: Contender[] = [fromDriver("ours", ours(target), c), fromDriver("bare", bareHttps(target), c)];
  if (args.sections.has(2)) {
    contenders.push(fromDriver("papi", proxmoxApiDriver(target), c), fromDriver("cv4pve", cv4pveDriver(target), c));
    if (await proxmoxerAvailable()) contenders.push(pythonContender(target, c));
    else log("proxmoxer is not installed (bash tests/setup/ensure-tools.sh): skipped");
  }
  const times = new Map<string, number[]>(contenders.map((x) => [x.key, []]));
  try {
    for (const x of contenders) await x.run(`w${x.key}`, Math.min(200, args.requests)); // warm-up: JIT, TLS sessions
    for (let round = 0; round < args.rounds; round++) {
      // Alternate the order so that drift of the shared machine does not favour one client.
      const order = round % 2 === 0 ? contenders : [...contenders].reverse();
      for (const x of order) {
        const ms = await x.run(`r${round}${x.key}`, args.requests);
        times.get(x.key)?.push(ms);
        log(`  round ${round + 1}/${args.rounds} ${x.name}: ${fmt((args.requests / ms) * 1000)} req/s`);
      }
    }
  } finally {
    for (const x of contenders) await x.close();
    await sim.close();
  }
  const ms = (key: string): number => median(times.get(key) ?? []);
  const rps = (key: string): number => (args.requests / ms(key)) * 1000;
  const oursOverBare = ms("ours") / ms("bare");
  report.add({
    title: "1. Client overhead (same requests, same concurrency)",
    headers: ["client", "requests/s", "time ratio to bare"],
    rows: [
      [contenders[1]?.name ?? "bare", fmt(rps("bare")), ratio(1)],
      [contenders[0]?.name ?? "ours", fmt(rps("ours")), ratio(oursOverBare)],
    ],
    notes: [
      `${args.requests} requests per client and round (units of POST group, GET group, GET /version, DELETE group), ${c} units in flight, ${args.rounds} round(s), median round.`,
      "Both writes of a unit change user.cfg: bare HTTP and the peers send them concurrently (the simulator, like PVE, serializes them under its cfs lock), while ours keeps issue 2's keyed lock and sends one user.cfg write at a time. The simulator runs in the benchmark's process, so client CPU and server CPU share one event loop.",
      verdict(oursOverBare <= 1.15, `our client takes ${ratio(oursOverBare)} the time of bare HTTP (goal ≤ 1.15x)`),
    ],
  });
  if (!args.sections.has(2)) return;
  const peers = contenders.slice(2);
  const slowerThanOurs = peers.map((p) => ms(p.key) / ms("ours"));
  report.add({
    title: "2. Peers (same workload; ratio = their time / our time, > 1 means ours is faster)",
    headers: ["client", "requests/s", "time ratio to ours"],
    rows: [[contenders[0]?.name ?? "ours", fmt(rps("ours")), ratio(1)], ...peers.map((p, i) => [p.name, fmt(rps(p.key)), ratio(slowerThanOurs[i] ?? Number.NaN)])],
    notes: [
      "Peers get the same number of units in flight; ours additionally keeps its own per-node caps (writes 2, reads 6 per node) and keyed locks.",
      "cv4pve-api-javascript turns certificate verification off itself; proxmox-api gets undici's fetch with the simulator's CA; proxmoxer uses requests with the CA file and a thread pool; its time is measured inside Python.",
      verdict(slowerThanOurs.every((r) => r >= 1), `ours is the fastest (slowest peer ratio ${ratio(Math.min(...slowerThanOurs))})`),
    ],
  });
}

function pythonContender(target: Target, concurrency: number): Contender {
  return { key: "proxmoxer", name: "proxmoxer (Python)", run: (tag, n) => proxmoxerWorkload(target, tag, n, concurrency), close: () => undefined };
}
