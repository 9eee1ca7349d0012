/** Runs the workload through Python's proxmoxer in a child process (it is a Python library). */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { Target } from "./drivers";

const run = promisify(execFile);
const PYTHON = "/usr/bin/python3";

/** Whether proxmoxer can be imported (tests/setup/ensure-tools.sh installs it). */
export async function proxmoxerAvailable(): Promise<boolean> {
  try {
    await run(PYTHON, ["-c", "import proxmoxer"]);
    return true;
  } catch {
    return false;
  }
}

/** The workload's wall time in ms, as measured inside Python (start-up excluded). */
export async function proxmoxerWorkload(target: Target, tag: string, requests: number, concurrency: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "bench-py-"));
  try {
    const cafile = join(dir, "ca.pem");
    writeFileSync(cafile, target.caCert);
    const m = /^([^!]+)!([^=]+)=(.+)$/.exec(target.apiToken);
    if (!m?.[1] || !m[2] || !m[3]) throw new Error("apiToken must look like user@realm!id=secret");
    const args = [
      join(__dirname, "proxmoxer_workload.py"),
      target.host,
      String(target.port),
      cafile,
      m[1],
      m[2],
      m[3],
      tag,
      String(requests),
      String(concurrency),
    ];
    const { stdout } = await run(PYTHON, args, { maxBuffer: 1 << 20 });
    const parsed = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as { ms?: unknown };
    if (typeof parsed.ms !== "number") throw new Error(`proxmoxer printed no time: ${stdout}`);
    return parsed.ms;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
