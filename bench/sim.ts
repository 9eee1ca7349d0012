/** The simulator as the benchmarks start it: seeded token, no 401 delay. */
import { startSimulator, type Simulator, type SimulatorOptions } from "../tests/sim";
import type { Target } from "./drivers";

/**
 * A server that costs what PVE costs: a LAN round trip outside the worker, handler time inside
 * it (and inside the file's lock for cluster-file writes), PVE's 3+3 workers per node.
 */
export const PVE_LIKE: SimulatorOptions = { nodes: 3, latencyMs: 2, serviceMs: 25, workersPerNode: 3 };

export const BENCH_TOKEN = "root@pam!bench=9d1c7e52-4b8a-4f3e-a2c1-6e0b5d7f8a90";

export async function benchSimulator(options: SimulatorOptions = {}): Promise<{ sim: Simulator; target: Target }> {
  const sim = await startSimulator({ nodes: 3, apiToken: BENCH_TOKEN, authFailureDelayMs: 0, ...options });
  const url = new URL(sim.endpoint);
  return {
    sim,
    target: { endpoint: sim.endpoint, host: url.hostname, port: sim.port, caCert: sim.caCert, fingerprint: sim.fingerprint, apiToken: BENCH_TOKEN },
  };
}
