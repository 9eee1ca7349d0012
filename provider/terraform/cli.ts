/**
 * The package's command `naas-proxmox`:
 * - `terraform-install [--dev-overrides] [--dir DIR]`: see `install.ts`;
 * - `terraform-schema`: prints the provider's `providers schema -json` document.
 */
import { terraformInstall } from "./install";
import { providersSchemaJson } from "./schema-json";

const USAGE = `usage: naas-proxmox terraform-install [--dev-overrides] [--dir DIR]
       naas-proxmox terraform-schema`;

/** Runs the command line `argv` (without node and the script); returns the exit code. */
export function main(
  argv: readonly string[],
  out: (text: string) => void = (t) => process.stdout.write(t),
  err: (text: string) => void = (t) => process.stderr.write(t),
): number {
  const [command, ...rest] = argv;
  if (command === "terraform-schema") {
    out(`${JSON.stringify(providersSchemaJson(), null, 2)}\n`);
    return 0;
  }
  if (command !== "terraform-install") {
    err(`${USAGE}\n`);
    return command === undefined || command === "help" || command === "--help" ? 0 : 2;
  }
  let devOverrides = false;
  let dir: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === "--dev-overrides") devOverrides = true;
    else if (arg === "--dir" && rest[i + 1] !== undefined) dir = rest[++i];
    else {
      err(`unknown argument '${String(arg)}'\n${USAGE}\n`);
      return 2;
    }
  }
  try {
    out(`${terraformInstall({ devOverrides, ...(dir ? { dir } : {}) }).message}\n`);
    return 0;
  } catch (error) {
    err(`naas-proxmox: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
