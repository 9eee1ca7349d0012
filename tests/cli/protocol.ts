// Messages between the real-CLI harness (tests/cli/stack.ts) and its driver process (driver.ts).
import type { StepRecord } from "../pulumi-engine";

/** How the driver sets up its stack: the program, the CLI, the backend and the environment. */
export interface DriverParams {
  /** Folder with Pulumi.yaml and node_modules (the package installed from its tarball). */
  programDir: string;
  /** The program's entry module: re-required on every run, as a fresh language host would. */
  main: string;
  project: string;
  stack: string;
  /** Absolute path of the `pulumi` binary. */
  pulumi: string;
  /** The CLI's environment (backend, passphrase, PATH with the launcher, provider credentials). */
  env: Record<string, string>;
}

export type CliOperation = "preview" | "up" | "refresh" | "destroy";

/** The stack config of the next operation: keys "name" (project) or "namespace:name". */
export interface ConfigSet {
  plain: Record<string, string>;
  secret: Record<string, string>;
}

export interface OperationOptions {
  /** `--expect-no-changes`: the CLI exits non-zero when anything would change. */
  expectNoChanges?: boolean;
  /** `--diff`: the CLI prints a field-level diff. */
  diff?: boolean;
  /** `--refresh`: preview (or up) reads every resource first, so drift made by hand shows. */
  refresh?: boolean;
  /** Run the program in refresh/destroy (off by default, as in the CLI). */
  runProgram?: boolean;
}

export type DriverRequest =
  | { kind: "run"; seq: number; op: CliOperation; config: ConfigSet; options: OperationOptions }
  | { kind: "import"; seq: number; config: ConfigSet; resources: Array<{ type: string; name: string; id: string }> }
  | { kind: "export"; seq: number }
  | { kind: "importState"; seq: number; deployment: unknown }
  | { kind: "outputs"; seq: number };

/** One operation's result: steps in the local engine's shape, so both engines compare directly. */
export interface CliResult {
  ok: boolean;
  /** The CLI's exit code (0 when it succeeded). */
  exitCode: number;
  steps: StepRecord[];
  /** The CLI's own counts per operation (`changeSummary`). */
  summary: Record<string, number>;
  stdout: string;
  stderr: string;
  /** Error diagnostics the engine reported, per URN ("" for the stack). */
  errors: Array<{ urn: string; message: string }>;
  /** The other diagnostics (info, warning, a provider's output lines), per URN ("" for none). */
  messages: Array<{ urn: string; severity: string; message: string }>;
  /** Stack outputs, secrets shown as `[secret]`. */
  outputs: Record<string, { value: unknown; secret: boolean }>;
}

export type DriverReply = { kind: "ready" } | { kind: "result"; seq: number; result?: CliResult; value?: unknown; error?: string };
