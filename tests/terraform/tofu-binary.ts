/**
 * Where the real `tofu` is. A stand-in for the tool harness of the real-CLIs issue (`npm run tools`,
 * `tests/setup/tools.ts` on the i17-clis branch): it looks where that harness puts its builds, so the
 * integrator can swap this finder for that harness's own lookup without changing the suites.
 * Order: `$NAAS_PROXMOX_TOFU`, the machine's tool cache (`$NAAS_PROXMOX_TOOLS_CACHE`, else
 * `${XDG_CACHE_HOME:-~/.cache}/naas-proxmox-tools/tofu-<version>/bin/tofu`), then `tofu` on PATH.
 * Without one it throws, saying what to do: suites that need tofu fail, never skip.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join } from "node:path";

/** The cache folder of the real-CLIs harness. */
function toolsCache(env: NodeJS.ProcessEnv): string {
  return env["NAAS_PROXMOX_TOOLS_CACHE"] || join(env["XDG_CACHE_HOME"] || join(homedir(), ".cache"), "naas-proxmox-tools");
}

/** The path of a usable `tofu` (OpenTofu 1.11+, for write-only attributes). */
export function findTofuBinary(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env["NAAS_PROXMOX_TOFU"];
  if (explicit) return explicit;
  const cache = toolsCache(env);
  const cached = existsSync(cache)
    ? readdirSync(cache)
        .filter((name) => /^tofu-v\d/.test(name))
        .sort()
        .reverse()
        .map((name) => join(cache, name, "bin", "tofu"))
        .find((path) => existsSync(path))
    : undefined;
  if (cached) return cached;
  const onPath = (env["PATH"] ?? "")
    .split(delimiter)
    .map((dir) => join(dir, "tofu"))
    .find((path) => existsSync(path));
  if (onPath) return onPath;
  throw new Error(
    `OpenTofu is needed for these tests and was not found (looked at $NAAS_PROXMOX_TOFU, ${cache}/tofu-*/bin/tofu and PATH). ` +
      "Run `npm run tools` to build it from the Go module proxy (Go 1.26 needed), or put tofu 1.11+ on PATH.",
  );
}

/** `tofu version`'s first line, e.g. `OpenTofu v1.12.6`. */
export function tofuVersion(binary: string): string {
  return execFileSync(binary, ["version"], { encoding: "utf8", env: { ...process.env, TF_CLI_CONFIG_FILE: "/dev/null" } }).split("\n")[0] ?? "";
}
