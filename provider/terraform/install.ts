/**
 * `naas-proxmox terraform-install`: puts the provider where OpenTofu and Terraform find it without a
 * registry. The provider executable is a small launcher script that `exec`s this package's node on
 * the compiled plugin (exec, so the CLI's signals and kill reach node itself, not an orphaned child).
 *
 * - default: the implied local mirror, unpacked layout, for both CLIs:
 *   `~/.terraform.d/plugins/registry.opentofu.org/naas/proxmox/<version>/<os>_<arch>/` and the
 *   `registry.terraform.io` twin (plus `$XDG_DATA_HOME/opentofu/plugins` when that is set), so that
 *   `tofu init` works for `source = "naas/proxmox"` with no registry reachable;
 * - `--dev-overrides`: the launcher in one folder, and a `dev_overrides` block to put in the CLI
 *   config (then `tofu init` is skipped, as with any provider under development).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** The launcher's file name: the CLIs look for `terraform-provider-<type>`. */
export const EXECUTABLE = "terraform-provider-proxmox";

/** This package's root (the folder with package.json), from source or from `dist/`. */
export function packageRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, "package.json"))) {
    const parent = join(dir, "..");
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

export function packageVersion(root = packageRoot()): string {
  return (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
}

/** Go's names for this platform, as the CLIs name their plugin folders (`linux_amd64`). */
export function targetPlatform(platform: string = process.platform, arch: string = process.arch): string {
  const os = platform === "win32" ? "windows" : platform;
  const goArch = arch === "x64" ? "amd64" : arch === "ia32" ? "386" : arch;
  return `${os}_${goArch}`;
}

/** The launcher script: node of this installation on the compiled plugin. */
export function launcherScript(nodePath: string, root: string): string {
  const main = join(root, "dist", "provider", "terraform", "main.js");
  const quote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;
  // The CLIs start the plugin several times per command: Node's compile cache (22.1+) makes a warm start about 3x faster.
  return `#!/bin/sh
# The @naas/pulumi-proxmox provider for OpenTofu and Terraform, written by \`naas-proxmox terraform-install\`.
: "\${NODE_COMPILE_CACHE:=\${TMPDIR:-/tmp}/naas-proxmox-node-cache-$(id -u)}"
export NODE_COMPILE_CACHE
exec ${quote(nodePath)} ${quote(main)} "$@"
`;
}

function writeLauncher(dir: string, nodePath: string, root: string): string {
  const main = join(root, "dist", "provider", "terraform", "main.js");
  if (!existsSync(main)) throw new Error(`${main} is missing: build the package first (npm run build)`);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, EXECUTABLE);
  writeFileSync(path, launcherScript(nodePath, root));
  chmodSync(path, 0o755);
  return path;
}

export interface InstallOptions {
  devOverrides: boolean;
  /** Mirror root (default: the implied local mirrors) or, with `devOverrides`, the launcher's folder. */
  dir?: string;
  env?: NodeJS.ProcessEnv;
  nodePath?: string;
  root?: string;
}

/** The implied local mirror roots the CLIs search on this machine. */
export function impliedMirrors(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = env["HOME"] || homedir();
  const roots = [join(home, ".terraform.d", "plugins")];
  if (env["XDG_DATA_HOME"]) roots.push(join(env["XDG_DATA_HOME"], "opentofu", "plugins"));
  return roots;
}

/** The `provider_installation` block that points both CLIs at `dir`. */
export function devOverridesBlock(dir: string): string {
  return `provider_installation {
  dev_overrides {
    "naas/proxmox" = ${JSON.stringify(dir)}
  }
  direct {}
}
`;
}

/** Installs the launcher; returns what to tell the user and the launchers written. */
export function terraformInstall(options: InstallOptions): { message: string; launchers: string[] } {
  const env = options.env ?? process.env;
  const root = options.root ?? packageRoot();
  const nodePath = options.nodePath ?? process.execPath;
  const version = packageVersion(root);
  if (options.devOverrides) {
    const dir = options.dir ?? join(env["HOME"] || homedir(), ".terraform.d", "naas-proxmox", version);
    const launcher = writeLauncher(dir, nodePath, root);
    const message =
      `Wrote ${launcher}.\nPut this in your CLI config (~/.tofurc, ~/.terraformrc, or a file named by TF_CLI_CONFIG_FILE) and skip \`tofu init\`:\n\n` +
      devOverridesBlock(dir);
    return { message, launchers: [launcher] };
  }
  const target = targetPlatform();
  const launchers: string[] = [];
  for (const mirror of options.dir ? [options.dir] : impliedMirrors(env)) {
    for (const host of ["registry.opentofu.org", "registry.terraform.io"]) {
      launchers.push(writeLauncher(join(mirror, host, "naas", "proxmox", version, target), nodePath, root));
    }
  }
  const message =
    `Installed proxmox provider ${version} (${target}) in the local mirror:\n${launchers.map((l) => `  ${l}`).join("\n")}\n\n` +
    `Use it with:\n\nterraform {\n  required_providers {\n    proxmox = { source = "naas/proxmox", version = "${version}" }\n  }\n}\n\nthen \`tofu init\` (or \`terraform init\`): no registry is needed.`;
  return { message, launchers };
}
