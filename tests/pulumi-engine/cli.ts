// npm run engine -- <preview|up|refresh|destroy> <program-dir> --state <file>
//   [--config key=value]... [--config-secret-file key=path]... [--config-secret-stdin key]
//   [--config-secret key=value]... [--parallel N] [--stack name] [--verbose] [--skip-preview]
// npm run engine -- output <program-dir> [name] --state <file> [--stack name] [--show-secrets] [--json]
// Credentials reach the provider host through the environment (PROXMOX_VE_*), which it inherits,
// or through the stack config (proxmox:*); PULUMI_CONFIG_PASSPHRASE encrypts the state's secrets.
import { readFileSync } from "node:fs";
import { USAGE, type CliRequest, parseCli } from "./cli-args";
import { run } from "./engine";
import { stackOutput } from "./output";

/** `output`: prints the outputs, or fails as `pulumi stack output` does for a name the stack lacks. */
function printOutputs(request: CliRequest): number {
  const result = stackOutput({
    programDir: request.programDir,
    stateFile: request.stateFile,
    ...(request.stack !== undefined ? { stack: request.stack } : {}),
    ...(request.outputName !== undefined ? { name: request.outputName } : {}),
    showSecrets: request.showSecrets,
    json: request.json,
    onLine: (line) => console.log(line),
  });
  if (result.error !== undefined) console.error(`error: ${result.error}`);
  return result.ok ? 0 : 1;
}

async function main(): Promise<number> {
  const request = parseCli(process.argv.slice(2), () => readFileSync(0, "utf8"));
  if (!request) {
    console.error(USAGE);
    return 2;
  }
  for (const warning of request.warnings) console.error(warning);
  if (request.op === "output") return printOutputs(request);
  const result = await run(request.op, {
    programDir: request.programDir,
    stateFile: request.stateFile,
    config: request.config,
    secretConfig: request.secretConfig,
    ...(request.parallel !== undefined ? { parallel: request.parallel } : {}),
    ...(request.stack !== undefined ? { stack: request.stack } : {}),
    verbose: request.verbose,
    skipPreview: request.skipPreview,
    onLine: (line) => console.log(line),
  });
  return result.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
