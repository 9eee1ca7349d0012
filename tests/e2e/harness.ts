/**
 * End-to-end harness: the simulator, the package installed from its tarball into a copy of the
 * e2e program, and the local engine driving Pulumi's real dynamic-provider host.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProxmoxClient } from "../../provider/client";
import { destroy, installPackage, preview, refresh, up, type EngineOptions, type EngineResult } from "../engine";
import { startSimulator, type Simulator } from "../sim";

export const TOKEN_SECRET = "0c5e1f7a-3b2d-4c6e-8f90-a1b2c3d4e5f6";
const PASSPHRASE = "e2e passphrase";
const root = join(__dirname, "..", "..");

/** One declared resource of the e2e program. */
export interface Declared {
  namespace: string;
  kind: string;
  name: string;
  args: Record<string, unknown>;
  importId?: string;
  /** Names of declared resources this one waits for. */
  dependsOn?: string[];
}

export interface Stack {
  sim: Simulator;
  admin: ProxmoxClient;
  preview(resources: Declared[]): Promise<EngineResult>;
  up(resources: Declared[]): Promise<EngineResult>;
  refresh(resources: Declared[]): Promise<EngineResult>;
  destroy(resources: Declared[]): Promise<EngineResult>;
  stateText(): string;
  close(): Promise<void>;
}

const installed = new Set<string>();

/** Installs the built package into this suite's copy of the program, once per process (cached by content across runs). */
function programDir(suite: string): string {
  const dir = join(root, ".engine", "e2e", suite);
  if (!installed.has(dir)) {
    mkdirSync(dir, { recursive: true });
    cpSync(join(__dirname, "program"), dir, { recursive: true });
    installPackage(root, dir, { build: false });
    installed.add(dir);
  }
  return dir;
}

/** A fresh simulator and an empty stack on it; credentials reach the provider by environment or by stack config. */
export async function newStack(suite: string, credentialsVia: "environment" | "stack config" | "nowhere" = "environment"): Promise<Stack> {
  const sim = await startSimulator({ nodes: 2, apiToken: `root@pam!e2e=${TOKEN_SECRET}`, authFailureDelayMs: 0, taskDurationMs: 20 });
  const admin = new ProxmoxClient({ endpoint: sim.endpoint, apiToken: sim.apiToken, fingerprint: sim.fingerprint });
  const dir = programDir(suite);
  const stateDir = mkdtempSync(join(tmpdir(), "e2e-state-"));
  const stateFile = join(stateDir, "state.json");
  const viaConfig = credentialsVia === "stack config";
  const viaEnv = credentialsVia === "environment";
  const options = (resources: Declared[]): EngineOptions => ({
    programDir: dir,
    stateFile,
    config: {
      resources: JSON.stringify(resources),
      ...(viaConfig ? { "proxmox:endpoint": sim.endpoint, "proxmox:fingerprint": sim.fingerprint } : {}),
    },
    secretConfig: viaConfig ? { "proxmox:apiToken": sim.apiToken ?? "" } : {},
    env: {
      // Empty values count as unset, so nothing leaks in from the machine running the tests.
      PROXMOX_VE_ENDPOINT: viaEnv ? sim.endpoint : "",
      PROXMOX_VE_API_TOKEN: viaEnv ? (sim.apiToken ?? "") : "",
      PROXMOX_VE_FINGERPRINT: viaEnv ? sim.fingerprint : "",
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    },
  });
  return {
    sim,
    admin,
    preview: (r) => preview(options(r)),
    up: (r) => up(options(r)),
    refresh: (r) => refresh(options(r)),
    destroy: (r) => destroy(options(r)),
    stateText: () => readFileSync(stateFile, "utf8"),
    async close() {
      admin.close();
      await sim.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** The non-stack steps of a run, as `op name` strings, sorted. */
export function stepsOf(result: EngineResult): string[] {
  return result.steps
    .filter((s) => !s.type.startsWith("pulumi:pulumi:"))
    .map((s) => `${s.op} ${s.name}`)
    .sort();
}
