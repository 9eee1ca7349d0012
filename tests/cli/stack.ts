/**
 * The real-CLI harness: a stack of the real `pulumi` CLI (built by tests/setup/tools.ts) with a
 * `file://` backend, driven through the Automation API in a driver process, against simulators.
 * The same declared-resources program as the local engine's e2e suites, installed from the
 * package's tarball, so that both engines run identical programs.
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { locatePulumi, type Tools } from "../setup/tools";
import type { CliOperation, CliResult, ConfigSet, DriverParams, DriverReply, DriverRequest, OperationOptions } from "./protocol";

export type { CliResult } from "./protocol";

const tsxLoader = createRequire(__filename).resolve("tsx/cjs");

/** Everything a real-CLI stack needs besides its program: the tools and a private Pulumi home and backend. */
export interface CliEnvironment {
  tools: Pick<Tools, "pulumi" | "launcher">;
  /** The CLI's environment: PATH with the launcher and our Node first, offline settings, backend. */
  env: Record<string, string>;
  /** The `file://` backend's folder. */
  backendDir: string;
  close(): void;
}

/**
 * Finds the tools (failing with what to install when they are missing) and makes a private
 * backend and Pulumi home: nothing is read from or written to the user's ~/.pulumi.
 */
export function cliEnvironment(passphrase: string): CliEnvironment {
  const tools = locatePulumi();
  const root = mkdtempSync(path.join(tmpdir(), "pulumi-cli-"));
  const backendDir = path.join(root, "backend");
  mkdirSync(backendDir);
  const env: Record<string, string> = {
    // The dynamic-provider launcher and the Node it runs (the project's Node 24) come first.
    PATH: [path.dirname(tools.launcher.path), path.dirname(process.execPath), process.env.PATH ?? ""].join(path.delimiter),
    PULUMI_HOME: path.join(root, "home"),
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: passphrase,
    // Offline: no update check, no plugin downloads, no telemetry.
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
  return { tools, env, backendDir, close: () => rmSync(root, { recursive: true, force: true }) };
}

export interface CliStackOptions {
  programDir: string;
  /** The entry module (default: the folder's index.ts). */
  main?: string;
  project: string;
  stack: string;
  environment: CliEnvironment;
  /** Extra environment of the CLI, the program and the provider host (e.g. PROXMOX_VE_*). */
  env?: Record<string, string>;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** One stack of the real CLI; every call is one CLI operation (plus a config call when the config changed). */
export class CliStack {
  private seq = 0;
  private readonly pending = new Map<number, (reply: DriverReply) => void>();
  readonly driverOutput: string[] = [];

  private constructor(
    private readonly child: ChildProcess,
    private readonly exited: Promise<void>,
  ) {
    child.on("message", (m: DriverReply) => {
      if (m.kind !== "result") return;
      const resolve = this.pending.get(m.seq);
      this.pending.delete(m.seq);
      resolve?.(m);
    });
    // A driver that dies fails what waits on it at once, with its last output, not at the test's timeout.
    child.once("exit", (code, signal) => {
      for (const seq of [...this.pending.keys()]) this.fail(seq, `the CLI driver exited (${signal ?? code})`);
    });
  }

  /** Settles a pending request with an error that carries the driver's last output. */
  private fail(seq: number, why: string): void {
    const settle = this.pending.get(seq);
    this.pending.delete(seq);
    settle?.({ kind: "result", seq, error: `${why}; its last output:\n${this.driverOutput.slice(-40).join("\n")}` });
  }

  static async open(opts: CliStackOptions): Promise<CliStack> {
    const params: DriverParams = {
      programDir: opts.programDir,
      main: opts.main ?? path.join(opts.programDir, "index.ts"),
      project: opts.project,
      stack: opts.stack,
      pulumi: opts.environment.tools.pulumi.path,
      env: { ...opts.environment.env, ...opts.env },
    };
    const child = fork(path.join(__dirname, "driver.ts"), [JSON.stringify(params)], {
      cwd: opts.programDir,
      execArgv: ["--require", tsxLoader],
      env: { ...process.env, ...params.env },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const stack = new CliStack(child, exited);
    createInterface({ input: child.stdout! }).on("line", (l) => stack.driverOutput.push(l));
    createInterface({ input: child.stderr! }).on("line", (l) => stack.driverOutput.push(l));
    await new Promise<void>((resolve, reject) => {
      child.on("message", (m: DriverReply) => {
        if (m.kind === "ready") resolve();
      });
      child.once("exit", (code) => reject(new Error(`the CLI driver exited (${code}) before it was ready:\n${stack.driverOutput.join("\n")}`)));
    });
    return stack;
  }

  private ask(req: DistributiveOmit<DriverRequest, "seq">): Promise<DriverReply & { kind: "result" }> {
    const seq = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, (reply) => {
        if (reply.kind !== "result") return;
        if (reply.error !== undefined) reject(new Error(reply.error));
        else resolve(reply);
      });
      // A closed channel (the driver is gone) comes back here, not as an uncaught 'error' event.
      this.child.send({ ...req, seq } as DriverRequest, (error) => {
        if (error) this.fail(seq, `sending to the CLI driver failed (${error.message})`);
      });
    });
  }

  async run(op: CliOperation, config: ConfigSet, options: OperationOptions = {}): Promise<CliResult> {
    const reply = await this.ask({ kind: "run", op, config, options });
    return reply.result!;
  }

  /** `pulumi import` of existing objects by type, name and id. */
  async importResources(config: ConfigSet, resources: Array<{ type: string; name: string; id: string }>): Promise<CliResult> {
    return (await this.ask({ kind: "import", config, resources })).result!;
  }

  /** `pulumi stack export`: the deployment as the CLI writes it (secrets encrypted). */
  async exportState(): Promise<Record<string, unknown>> {
    return (await this.ask({ kind: "export" })).value as Record<string, unknown>;
  }

  /** `pulumi stack import` of a deployment. */
  async importState(deployment: unknown): Promise<void> {
    await this.ask({ kind: "importState", deployment });
  }

  async close(): Promise<void> {
    if (this.child.connected) this.child.disconnect();
    this.child.kill();
    await this.exited;
  }
}
