/**
 * End-to-end harness: the simulator, the package installed from its tarball into a copy of the
 * e2e program, and the local engine driving Pulumi's real dynamic-provider host.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ProxmoxClient } from "../../provider/client";
import { destroy, installPackage, preview, refresh, up, type EngineOptions, type EngineResult, type StateFile, type StepRecord } from "../pulumi-engine";
import { ProviderHost } from "../pulumi-engine/host";
import { loadProgram } from "../pulumi-engine/project";
import { loadState } from "../pulumi-engine/state";
import { startSimulator, type Simulator, type SimulatorOptions } from "../sim";

export const TOKEN_SECRET = "0c5e1f7a-3b2d-4c6e-8f90-a1b2c3d4e5f6";
export const PASSPHRASE = "e2e passphrase";
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
  /** Resource options the engine enforces. */
  options?: DeclaredOptions;
}

/** The resource options a declared resource may set (Pulumi's names). */
export interface DeclaredOptions {
  protect?: boolean;
  retainOnDelete?: boolean;
  ignoreChanges?: string[];
  replaceOnChanges?: string[];
  deleteBeforeReplace?: boolean;
}

/** Stack config and environment of one run on top of the stack's own (e.g. pointing at another cluster). */
export interface RunOverrides {
  config?: Record<string, string>;
  env?: Record<string, string>;
  /**
   * `up` only: apply without previewing first (`pulumi up --skip-preview`, which the Automation
   * API's `up` passes), to reach what only the apply does once a preview would have stopped the run.
   */
  skipPreview?: boolean;
}

export interface Stack {
  sim: Simulator;
  admin: ProxmoxClient;
  preview(resources: Declared[], overrides?: RunOverrides): Promise<EngineResult>;
  up(resources: Declared[], overrides?: RunOverrides): Promise<EngineResult>;
  refresh(resources: Declared[], overrides?: RunOverrides): Promise<EngineResult>;
  destroy(resources: Declared[], overrides?: RunOverrides): Promise<EngineResult>;
  stateText(): string;
  /** A provider host started as the engine starts it for `up` (to drive it call by call). */
  host(onLine?: (line: string) => void): Promise<ProviderHost>;
  /** The state with its secrets decrypted (as the engine loads it). */
  state(): StateFile;
  close(): Promise<void>;
}

const installed = new Set<string>();

/**
 * Installs the built package into this suite's copy of the program, once per process (cached by
 * content across runs). Both engines run this same program (the real CLI's suites use `cli-*` suites).
 */
export function programDir(suite: string): string {
  const dir = join(root, ".engine", "e2e", suite);
  if (!installed.has(dir)) {
    mkdirSync(dir, { recursive: true });
    cpSync(join(__dirname, "program"), dir, { recursive: true });
    installPackage(root, dir, { build: false });
    installed.add(dir);
  }
  return dir;
}

/** Where the provider finds its credentials: the environment, stack config `proxmox:*`, or nowhere. */
export type CredentialsVia = "environment" | "stack config" | "nowhere";

/** A stack's config and environment for a list of declared resources (what both engines are given). */
export interface StackSettings {
  config: Record<string, string>;
  secretConfig: Record<string, string>;
  env: Record<string, string>;
}

/**
 * The config and environment of a test stack on `sim`: the declared resources as config
 * `resources`, and the credentials (an API token, or root@pam's password with `auth: "ticket"`)
 * by environment or by stack config. `workDir` holds the resources file of very large lists.
 */
export function stackSettings(
  sim: Simulator,
  credentialsVia: CredentialsVia,
  auth: "token" | "ticket",
  workDir: string,
): (resources: Declared[]) => StackSettings {
  const viaConfig = credentialsVia === "stack config";
  const viaEnv = credentialsVia === "environment";
  const token = auth === "token" ? (sim.apiToken ?? "") : "";
  const ticket = auth === "ticket";
  // Past 64 KiB the list goes through a file: config reaches the program in one environment string.
  const resourceConfig = (resources: Declared[]): Record<string, string> => {
    const text = JSON.stringify(resources);
    if (text.length < 65_536) return { resources: text };
    const file = join(workDir, "resources.json");
    writeFileSync(file, text);
    return { resourcesFile: file };
  };
  const secretConfig = (): Record<string, string> => {
    if (!viaConfig) return {};
    return ticket ? { "proxmox:password": sim.rootPassword } : { "proxmox:apiToken": token };
  };
  return (resources) => {
    // Secret values go to secret stack config: the real engine keeps the whole stack config as the
    // default provider's inputs in the state, so a secret inside the plain `resources` would be plain there.
    const secrets: Record<string, string> = {};
    const declared = JSON.parse(JSON.stringify(resources), (_key, value: unknown) => {
      if (typeof value !== "object" || value === null || !("$secret" in value)) return value;
      const key = `e2eSecret${Object.keys(secrets).length}`;
      secrets[key] = JSON.stringify((value as { $secret: unknown }).$secret);
      return { $secretConfig: key };
    }) as Declared[];
    return {
      config: {
        ...resourceConfig(declared),
        ...(viaConfig ? { "proxmox:endpoint": sim.endpoint, "proxmox:fingerprint": sim.fingerprint } : {}),
        ...(viaConfig && ticket ? { "proxmox:username": "root@pam" } : {}),
      },
      secretConfig: { ...secretConfig(), ...secrets },
      env: {
        // Empty values count as unset, so nothing leaks in from the machine running the tests.
        PROXMOX_VE_ENDPOINT: viaEnv ? sim.endpoint : "",
        PROXMOX_VE_API_TOKEN: viaEnv ? token : "",
        PROXMOX_VE_USERNAME: viaEnv && ticket ? "root@pam" : "",
        PROXMOX_VE_PASSWORD: viaEnv && ticket ? sim.rootPassword : "",
        PROXMOX_VE_FINGERPRINT: viaEnv ? sim.fingerprint : "",
        PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      },
    };
  };
}

/** A fresh simulator as the e2e suites use it: 2 nodes, a root token, fast tasks. */
export function startTestSimulator(simulator: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ nodes: 2, apiToken: `root@pam!e2e=${TOKEN_SECRET}`, authFailureDelayMs: 0, taskDurationMs: 20, ...simulator });
}

/** An admin client of `sim` with the same kind of credentials the stack uses. */
export function adminOf(sim: Simulator, auth: "token" | "ticket"): ProxmoxClient {
  return auth === "ticket"
    ? new ProxmoxClient({ endpoint: sim.endpoint, username: "root@pam", password: sim.rootPassword, fingerprint: sim.fingerprint })
    : new ProxmoxClient({ endpoint: sim.endpoint, apiToken: sim.apiToken, fingerprint: sim.fingerprint });
}

/** How a test stack is set up. */
export interface StackOptions {
  /** API token (default) or root@pam's password, for what PVE refuses tokens (TFA, passwords). */
  auth?: "token" | "ticket";
  simulator?: SimulatorOptions;
  engine?: Pick<EngineOptions, "parallel">;
}

/**
 * A fresh simulator and an empty stack on it; credentials reach the provider by environment or by
 * stack config, as an API token or (for what PVE refuses tokens, such as TFA) root@pam's password.
 * `simulator` overrides the simulator's options (the benchmarks add latency and limits); `engine`
 * adds engine options such as `parallel`.
 */
export async function newStack(
  suite: string,
  credentialsVia: CredentialsVia = "environment",
  { auth = "token", simulator = {}, engine = {} }: StackOptions = {},
): Promise<Stack> {
  const sim = await startTestSimulator(simulator);
  const admin = adminOf(sim, auth);
  const dir = programDir(suite);
  const stateDir = mkdtempSync(join(tmpdir(), "e2e-state-"));
  const stateFile = join(stateDir, "state.json");
  const settings = stackSettings(sim, credentialsVia, auth, stateDir);
  const options = (resources: Declared[], overrides: RunOverrides = {}): EngineOptions => {
    const stack = settings(resources);
    return {
      ...engine,
      programDir: dir,
      stateFile,
      ...stack,
      config: { ...stack.config, ...overrides.config },
      env: { ...stack.env, ...overrides.env },
      ...(overrides.skipPreview ? { skipPreview: true } : {}),
    };
  };
  return {
    sim,
    admin,
    preview: (r, o) => preview(options(r, o)),
    up: (r, o) => up(options(r, o)),
    refresh: (r, o) => refresh(options(r, o)),
    destroy: (r, o) => destroy(options(r, o)),
    stateText: () => readFileSync(stateFile, "utf8"),
    host: (onLine = () => undefined) =>
      ProviderHost.start({
        program: loadProgram(dir),
        stack: "dev",
        dryRun: false,
        env: { ...process.env, ...options([]).env },
        config: {},
        onLine: (_stream, line) => onLine(line),
      }),
    state: () => {
      const { stack, project } = JSON.parse(readFileSync(stateFile, "utf8")) as { stack: string; project: string };
      return loadState(stateFile, stack, project, PASSPHRASE);
    },
    async close() {
      admin.close();
      await sim.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** The non-stack steps of a run, as `op name` strings, sorted. */
export function stepsOf(result: { steps: StepRecord[] }): string[] {
  return result.steps
    .filter((s) => !s.type.startsWith("pulumi:pulumi:"))
    .map((s) => `${s.op} ${s.name}`)
    .sort();
}
