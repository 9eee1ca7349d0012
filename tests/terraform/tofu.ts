/**
 * A working folder for the real `tofu`: its own HOME (so the provider is installed into that HOME's
 * implied local mirror by `naas-proxmox terraform-install`, exactly as a user does), its own CLI
 * config, `tofu init` with no registry reachable, and helpers that run plan, apply, import, destroy
 * and read plans as JSON.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findTofuBinary } from "./tofu-binary";

const root = join(__dirname, "..", "..");

export interface TofuRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for messages and secret checks. */
  output: string;
}

/** One planned change of `tofu show -json`. */
export interface ResourceChange {
  address: string;
  type: string;
  name: string;
  change: {
    actions: string[];
    before: Record<string, unknown> | null;
    after: Record<string, unknown> | null;
    after_unknown?: Record<string, unknown>;
    replace_paths?: string[][];
  };
}

export interface PlanJson {
  resource_changes?: ResourceChange[];
  resource_drift?: ResourceChange[];
  errored?: boolean;
}

export interface Workspace {
  dir: string;
  /** Everything the CLI printed so far (for secret checks). */
  transcript(): string;
  tofu(args: string[], options?: { allowFailure?: boolean }): Promise<TofuRun>;
  /** Writes `main.tf.json`. */
  write(config: unknown): void;
  /** `tofu plan -out` then `tofu show -json` of it; the plan file is left for `applyPlan`. */
  plan(extra?: string[]): Promise<{ run: TofuRun; json: PlanJson }>;
  applyPlan(): Promise<TofuRun>;
  state(): string;
  close(): void;
}

/** Creates the folder, installs the provider into its HOME's mirror, and runs `tofu init`. */
export async function workspace(env: NodeJS.ProcessEnv): Promise<Workspace> {
  const tofu = findTofuBinary();
  const dir = mkdtempSync(join(tmpdir(), "tofu-e2e-"));
  const home = join(dir, "home");
  const work = join(dir, "work");
  mkdirSync(home, { recursive: true });
  mkdirSync(work, { recursive: true });
  const cliConfig = join(dir, "tofu.rc");
  writeFileSync(cliConfig, "# no provider_installation block: the implied local mirror ~/.terraform.d/plugins is used\n");
  const base: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
    ...env,
  };
  delete base["TF_PLUGIN_CACHE_DIR"];
  delete base["XDG_DATA_HOME"];
  let transcript = "";
  // `record`: what a user would see; machine output (`show -json`, which prints sensitive values) is left out.
  const run = (command: string, args: string[], allowFailure = false, record = true): Promise<TofuRun> =>
    new Promise((resolve, reject) => {
      execFile(command, args, { cwd: work, env: base, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        const result = { code, stdout, stderr, output: `${stdout}\n${stderr}` };
        if (record) transcript += `$ ${[command, ...args].join(" ")}\n${result.output}\n`;
        if (code !== 0 && !allowFailure) reject(new Error(`${args.join(" ")} exited ${code}:\n${result.output}`));
        else resolve(result);
      });
    });
  // The user's install command, into this HOME's implied mirror.
  await run(process.execPath, [join(root, "bin", "naas-proxmox.js"), "terraform-install"]);
  const ws: Workspace = {
    dir: work,
    transcript: () => transcript,
    tofu: (args, options = {}) => run(tofu, [...args, "-no-color"], options.allowFailure ?? false),
    write: (config) => writeFileSync(join(work, "main.tf.json"), JSON.stringify(config, null, 2)),
    plan: async (extra = []) => {
      const planned = await ws.tofu(["plan", "-input=false", "-out=plan.bin", ...extra]);
      const shown = await run(tofu, ["show", "-json", "plan.bin"], false, false);
      return { run: planned, json: JSON.parse(shown.stdout) as PlanJson };
    },
    applyPlan: () => ws.tofu(["apply", "-input=false", "plan.bin"]),
    state: () => readFileSync(join(work, "terraform.tfstate"), "utf8"),
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
  return ws;
}

/** `terraform { required_providers }` for our provider, as the README tells users. */
export const REQUIRED_PROVIDERS = { required_providers: { proxmox: { source: "naas/proxmox" } } };

/** The actions planned for `address`. */
export function actionsOf(plan: PlanJson, address: string): string[] {
  return plan.resource_changes?.find((c) => c.address === address)?.change.actions ?? [];
}

/** Attributes whose planned value differs from the prior one (or becomes unknown), among `names`. */
export function changedAttributes(change: ResourceChange | undefined, names: ReadonlySet<string>): string[] {
  if (!change) return [];
  const { before, after, after_unknown: unknown } = change.change;
  return [...names].filter((name) => unknown?.[name] === true || JSON.stringify(before?.[name] ?? null) !== JSON.stringify(after?.[name] ?? null)).sort();
}
