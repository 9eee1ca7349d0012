// The local engine's command line, parsed: operation, program, state file and stack config. Secret
// config values come from a file or stdin too, so that they never show in a process listing.
// `output` is `pulumi stack output`: it reads the state only.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { Operation } from "./types";

/** An engine run, or `output`: the stack outputs recorded in the state (`pulumi stack output`). */
export type CliOperation = Operation | "output";

const OPS: readonly CliOperation[] = ["preview", "up", "refresh", "destroy", "output"];

export const USAGE =
  "usage: npm run engine -- <preview|up|refresh|destroy> <program-dir> --state <file> [--config k=v]... " +
  "[--config-secret-file k=path]... [--config-secret-stdin k] [--config-secret k=v]... [--parallel N] [--stack name] [--verbose] [--skip-preview]\n" +
  "       npm run engine -- output <program-dir> [name] --state <file> [--stack name] [--show-secrets] [--json]";

/** What a run of the CLI asks for. */
export interface CliRequest {
  op: CliOperation;
  programDir: string;
  /** `output`: the one output to print (`pulumi stack output <name>`). */
  outputName?: string;
  stateFile: string;
  config: Record<string, string>;
  secretConfig: Record<string, string>;
  parallel?: number;
  stack?: string;
  verbose: boolean;
  /** `up`: apply without previewing first (`--skip-preview`). */
  skipPreview: boolean;
  /** `output`: secret values in plain text instead of `[secret]` (`--show-secrets`). */
  showSecrets: boolean;
  /** `output`: JSON instead of the table (`--json`). */
  json: boolean;
  /** Lines for stderr (e.g. that `--config-secret` shows its value to every user of the machine). */
  warnings: string[];
}

function pairs(list: string[] | undefined, flag: string): Array<[string, string]> {
  return (list ?? []).map((item) => {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new Error(`${flag} expects key=value, got '${item}'`);
    return [item.slice(0, eq), item.slice(eq + 1)];
  });
}

/** A secret read from a file or stdin loses its one trailing line break (editors and `echo` add it). */
function withoutFinalNewline(text: string): string {
  return text.replace(/\r?\n$/, "");
}

/**
 * Parses the arguments; `readStdin` gives all of stdin (called only for `--config-secret-stdin`).
 * Returns undefined when the arguments do not make a run (the caller prints {@link USAGE}).
 */
export function parseCli(argv: string[], readStdin: () => string): CliRequest | undefined {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      state: { type: "string" },
      config: { type: "string", multiple: true, short: "c" },
      "config-secret": { type: "string", multiple: true },
      "config-secret-file": { type: "string", multiple: true },
      "config-secret-stdin": { type: "string", multiple: true },
      parallel: { type: "string", short: "p" },
      stack: { type: "string", short: "s" },
      verbose: { type: "boolean", short: "v" },
      "skip-preview": { type: "boolean", short: "f" },
      "show-secrets": { type: "boolean" },
      json: { type: "boolean", short: "j" },
    },
  });
  const [op, programDir, outputName, ...extra] = positionals;
  if (!op || !OPS.includes(op as CliOperation) || !programDir || !values.state) return undefined;
  // Only `output` takes a third argument (the output's name).
  if (extra.length > 0 || (outputName !== undefined && op !== "output")) return undefined;
  const warnings: string[] = [];
  const secretConfig: Record<string, string> = {};
  const inline = pairs(values["config-secret"], "--config-secret");
  if (inline.length > 0) {
    warnings.push(
      `warning: --config-secret shows ${inline.map(([key]) => key).join(", ")} in the process list; prefer --config-secret-file key=path or --config-secret-stdin key`,
    );
  }
  for (const [key, value] of inline) secretConfig[key] = value;
  for (const [key, path] of pairs(values["config-secret-file"], "--config-secret-file")) {
    secretConfig[key] = withoutFinalNewline(readFileSync(path, "utf8"));
  }
  const fromStdin = values["config-secret-stdin"] ?? [];
  if (fromStdin.length > 1) throw new Error("--config-secret-stdin can be given once: stdin holds one value");
  if (fromStdin[0] !== undefined) secretConfig[fromStdin[0]] = withoutFinalNewline(readStdin());
  return {
    op: op as CliOperation,
    programDir,
    ...(outputName !== undefined ? { outputName } : {}),
    stateFile: values.state,
    config: Object.fromEntries(pairs(values.config, "--config")),
    secretConfig,
    ...(values.parallel ? { parallel: Number(values.parallel) } : {}),
    ...(values.stack ? { stack: values.stack } : {}),
    verbose: values.verbose ?? false,
    skipPreview: values["skip-preview"] ?? false,
    showSecrets: values["show-secrets"] ?? false,
    json: values.json ?? false,
    warnings,
  };
}
