// Installs a package into a program folder the way a user gets it: from its `npm pack` tarball,
// as a real copy inside node_modules (a symlinked or workspace install changes how Pulumi
// serializes the provider: see the reference doc, pitfall 4). Skipped when nothing changed.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { isObject } from "./values";

function npm(args: string[], cwd: string): string {
  return execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function readJson(file: string): Record<string, unknown> {
  const v: unknown = JSON.parse(readFileSync(file, "utf8"));
  return isObject(v) ? v : {};
}

/**
 * A program folder has its own tsconfig.json, as `pulumi new typescript` makes one. Without it,
 * tsx (which runs TypeScript programs here) would take the tsconfig of the repository around the
 * folder, whose `paths` map `@naas/pulumi-proxmox` to the repository's sources instead of the
 * installed package, with a second copy of @pulumi/pulumi.
 */
export function ensureTsconfig(programDir: string): void {
  const file = path.join(programDir, "tsconfig.json");
  if (existsSync(file)) return;
  writeFileSync(
    file,
    `${JSON.stringify({ compilerOptions: { strict: true, target: "es2022", module: "commonjs", moduleResolution: "node", esModuleInterop: true } }, null, 4)}\n`,
  );
}

/**
 * Builds (when the package has a `build` script), packs and installs `packageDir` into
 * `programDir`, together with the program's own dependencies. Returns true when it installed,
 * false when the marker says this very tarball (and program package.json) is already installed.
 */
export function installPackage(packageDir: string, programDir: string, options: { build?: boolean } = {}): boolean {
  const pkgDir = path.resolve(packageDir);
  const progDir = path.resolve(programDir);
  const pkg = readJson(path.join(pkgDir, "package.json"));
  const scripts = isObject(pkg.scripts) ? pkg.scripts : {};
  // Test suites build once up front (tests/setup/build-package.ts): concurrent builds race on dist/.
  if (options.build !== false && typeof scripts.build === "string") npm(["run", "build"], pkgDir);
  const tmp = mkdtempSync(path.join(os.tmpdir(), "engine-pack-"));
  try {
    const packed: unknown = JSON.parse(npm(["pack", "--json", "--pack-destination", tmp], pkgDir));
    const first: unknown = Array.isArray(packed) ? packed[0] : undefined;
    if (!isObject(first) || typeof first.filename !== "string") throw new Error(`npm pack gave no tarball for ${pkgDir}`);
    const tarball = path.join(tmp, path.basename(first.filename));
    const hash = createHash("sha256")
      .update(readFileSync(tarball))
      .update(existsSync(path.join(progDir, "package.json")) ? readFileSync(path.join(progDir, "package.json")) : "")
      .digest("hex");
    const name = typeof pkg.name === "string" ? pkg.name : path.basename(pkgDir);
    const marker = path.join(progDir, "node_modules", ".engine-installed", `${name.replace(/\//g, "+")}.sha256`);
    if (existsSync(marker) && readFileSync(marker, "utf8") === hash && existsSync(path.join(progDir, "node_modules", name))) {
      ensureTsconfig(progDir);
      return false;
    }
    npm(["install", "--no-save", "--prefer-offline", "--no-audit", "--no-fund", tarball], progDir);
    ensureTsconfig(progDir);
    mkdirSync(path.dirname(marker), { recursive: true });
    writeFileSync(marker, hash);
    return true;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
