/**
 * End-to-end stacks through the real `pulumi` CLI: a fresh simulator, the e2e program (the same
 * one the local engine runs) and one CLI stack on it, with credentials by environment or by stack
 * config, as an API token or by ticket (root@pam's password).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ProxmoxClient } from "../../provider/client";
import type { Simulator, SimulatorOptions } from "../sim";
import { PASSPHRASE, adminOf, programDir, stackSettings, startTestSimulator, type CredentialsVia, type Declared } from "../e2e/harness";
import { CliStack, cliEnvironment, type CliEnvironment, type CliResult } from "./stack";
import type { OperationOptions } from "./protocol";

/** A declared resource's Pulumi type token, as the SDK registers it. */
export function typeToken(d: Pick<Declared, "namespace" | "kind">): string {
  return `pulumi-nodejs:dynamic/proxmox/${d.namespace}:${d.kind}`;
}

export interface RealStack {
  sim: Simulator;
  admin: ProxmoxClient;
  name: string;
  preview(resources: Declared[], options?: OperationOptions): Promise<CliResult>;
  up(resources: Declared[], options?: OperationOptions): Promise<CliResult>;
  refresh(resources: Declared[], options?: OperationOptions): Promise<CliResult>;
  destroy(resources: Declared[]): Promise<CliResult>;
  /** `pulumi import` of declared resources by their `importId`. */
  importExisting(resources: Declared[]): Promise<CliResult>;
  /** `pulumi stack export` as text. */
  exportText(): Promise<string>;
  exportState(): Promise<Record<string, unknown>>;
  importState(deployment: unknown): Promise<void>;
  close(): Promise<void>;
}

export interface RealStackOptions {
  credentialsVia?: CredentialsVia;
  auth?: "token" | "ticket";
  /** The stack's name (one stack per datacenter). */
  stack?: string;
  simulator?: SimulatorOptions;
  /** Share a backend (and tools) with other stacks of the same project. */
  environment?: CliEnvironment;
}

/** A new simulator and a new stack of the real CLI on it, for the e2e program installed in `suite`. */
export async function newRealStack(suite: string, opts: RealStackOptions = {}): Promise<RealStack> {
  const { credentialsVia = "environment", auth = "token", stack = "dev" } = opts;
  // Fails with what to install when the CLI is missing: the suites never skip.
  const environment = opts.environment ?? cliEnvironment(PASSPHRASE);
  const sim = await startTestSimulator(opts.simulator);
  const admin = adminOf(sim, auth);
  const work = mkdtempSync(join(tmpdir(), "cli-e2e-"));
  let cli: CliStack | undefined;
  try {
    const settings = stackSettings(sim, credentialsVia, auth, work);
    const dir = programDir(`cli-${suite}`);
    cli = await CliStack.open({ programDir: dir, project: "e2e", stack, environment, env: settings([]).env });
    const opened = cli;
    const config = (resources: Declared[]) => {
      const s = settings(resources);
      return { plain: s.config, secret: s.secretConfig };
    };
    return {
      sim,
      admin,
      name: stack,
      preview: (r, o) => opened.run("preview", config(r), o),
      up: (r, o) => opened.run("up", config(r), o),
      refresh: (r, o) => opened.run("refresh", config(r), o),
      destroy: (r) => opened.run("destroy", config(r)),
      importExisting: (r) =>
        opened.importResources(
          config([]),
          r.map((d) => ({ type: typeToken(d), name: d.name, id: d.importId ?? "" })),
        ),
      exportText: async () => JSON.stringify(await opened.exportState()),
      exportState: () => opened.exportState(),
      importState: (d) => opened.importState(d),
      async close() {
        await opened.close();
        admin.close();
        await sim.close();
        rmSync(work, { recursive: true, force: true });
        if (!opts.environment) environment.close();
      },
    };
  } catch (error) {
    await cli?.close();
    admin.close();
    await sim.close();
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
}
