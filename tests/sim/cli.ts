/**
 * `npm run sim -- [--port 8006] [--nodes 3] [--root-password PW] [--api-token 'u@r!id=S']
 * [--latency-ms N] [--faults FILE] [--seed N] [--task-duration-ms N]`: serves the simulator
 * until SIGINT/SIGTERM and prints how to reach it.
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { startSimulator } from "./index";

/** Parses a numeric flag, refusing garbage early. */
function num(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got '${value}'`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      nodes: { type: "string" },
      "root-password": { type: "string" },
      "api-token": { type: "string" },
      "latency-ms": { type: "string" },
      faults: { type: "string" },
      seed: { type: "string" },
      "task-duration-ms": { type: "string" },
    },
  });
  const apiToken = values["api-token"] ?? `root@pam!sim=${randomUUID()}`;
  const sim = await startSimulator({
    port: num("port", values.port) ?? 8006,
    apiToken,
    ...(values.nodes !== undefined ? { nodes: num("nodes", values.nodes) } : {}),
    ...(values["root-password"] !== undefined ? { rootPassword: values["root-password"] } : {}),
    ...(values["latency-ms"] !== undefined ? { latencyMs: num("latency-ms", values["latency-ms"]) } : {}),
    ...(values.faults !== undefined ? { faults: values.faults } : {}),
    ...(values.seed !== undefined ? { seed: num("seed", values.seed) } : {}),
    ...(values["task-duration-ms"] !== undefined ? { taskDurationMs: num("task-duration-ms", values["task-duration-ms"]) } : {}),
  });
  process.stdout.write(
    [
      `PVE simulator (Proxmox VE 9.2.11 API) listening`,
      `endpoint:    ${sim.endpoint}`,
      `fingerprint: ${sim.fingerprint}`,
      `nodes:       ${sim.nodes.join(", ")}`,
      `root@pam password: ${sim.rootPassword}`,
      `API token:   ${apiToken}`,
      `(Ctrl-C to stop)`,
      "",
    ].join("\n"),
  );
  const stop = (): void => void sim.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
