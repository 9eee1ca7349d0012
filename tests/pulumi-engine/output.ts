// `pulumi stack output`: the stack outputs recorded in the state by the last `up`, printed as the
// CLI prints them (pkg/cmd/pulumi/stack/stack_output.go): a table of OUTPUT and VALUE, one output's
// value alone, or JSON. Secrets show as `[secret]` at any depth unless `showSecrets`
// (display.MassageSecrets). Nothing runs: neither the program nor a provider.
import { loadProgram } from "./project";
import { massageSecrets } from "./secrets";
import { loadState, readState } from "./state";

/** What `output` reads and how it prints. */
export interface OutputOptions {
  programDir: string;
  stateFile: string;
  /** Default "dev", as for the other operations. */
  stack?: string;
  /** Environment over process.env; `PULUMI_CONFIG_PASSPHRASE` decrypts the secrets for `showSecrets`. */
  env?: Record<string, string>;
  /** Only this output (`pulumi stack output <name>`). */
  name?: string;
  /** Secret values in plain text (`--show-secrets`); without it the passphrase is not needed. */
  showSecrets?: boolean;
  /** JSON, indented, instead of the table or the bare value (`--json`). */
  json?: boolean;
  onLine?: (line: string) => void;
}

/** What `output` printed, and the values it printed them from. */
export interface OutputResult {
  /** False when `name` is not an output of the stack. */
  ok: boolean;
  /** The printed lines (also given to `onLine`). */
  lines: string[];
  /** The outputs as printed: secrets replaced by `[secret]`, or by their values with `showSecrets`. */
  outputs: Record<string, unknown>;
  error?: string;
}

const STACK_TYPE = "pulumi:pulumi:Stack";

/** `stringifyOutput`: a top-level string as it is, anything else as one line of JSON. */
function stringify(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** `fprintStackOutputs`: the table (`cmdutil.Table`, columns padded to their widest cell, two spaces apart). */
function tableLines(outputs: Record<string, unknown>): string[] {
  const keys = Object.keys(outputs).sort();
  const lines = [`Current stack outputs (${keys.length}):`];
  if (keys.length === 0) return [...lines, "    No output values currently in this stack"];
  const rows = [["OUTPUT", "VALUE"], ...keys.map((k) => [k, stringify(outputs[k])])];
  const width = Math.max(...rows.map(([key]) => (key ?? "").length));
  return [...lines, ...rows.map(([key, value]) => `    ${(key ?? "").padEnd(width)}  ${value ?? ""}`)];
}

/** Prints the stack's outputs from its state file (see the file comment). */
export function stackOutput(options: OutputOptions): OutputResult {
  const program = loadProgram(options.programDir);
  const stack = options.stack ?? "dev";
  const showSecrets = options.showSecrets ?? false;
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  // Hidden secrets need no decryption: an encrypted secret is still a secret sentinel.
  const state = showSecrets
    ? loadState(options.stateFile, stack, program.project, env.PULUMI_CONFIG_PASSPHRASE)
    : readState(options.stateFile, stack, program.project);
  const root = state.resources.find((r) => r.type === STACK_TYPE && !r.pendingDelete);
  const outputs = massageSecrets(root?.outputs ?? {}, showSecrets) as Record<string, unknown>;
  const emit = options.onLine ?? ((): void => undefined);
  const print = (lines: string[], ok = true, error?: string): OutputResult => {
    for (const line of lines) emit(line);
    return { ok, lines, outputs, ...(error !== undefined ? { error } : {}) };
  };
  const json = (value: unknown): string[] => JSON.stringify(value, null, 2).split("\n");
  if (options.name === undefined) return print(options.json ? json(outputs) : tableLines(outputs));
  if (!Object.hasOwn(outputs, options.name)) return print([], false, `current stack does not have output property '${options.name}'`);
  const value = outputs[options.name];
  return print(options.json ? json(value) : [stringify(value)]);
}
