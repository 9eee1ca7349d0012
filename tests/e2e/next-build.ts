/**
 * A "next release" of the package whose internal layout moved (only the runtime entry point
 * stays), installed into a program folder: states written by this build must refresh and destroy
 * with it, since their serialized providers only `require("@naas/pulumi-proxmox/runtime")`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { installPackage } from "../pulumi-engine";

const root = join(__dirname, "..", "..");

/** Installs the next build into `programDir`; returns its version. */
export function installNextBuild(programDir: string): string {
  const work = mkdtempSync(join(tmpdir(), "next-build-"));
  try {
    const tarball = execFileSync("npm", ["pack", "--silent", "--pack-destination", work], { cwd: root, encoding: "utf8" }).trim().split("\n").pop() ?? "";
    execFileSync("tar", ["xzf", join(work, tarball), "-C", work]);
    const next = join(work, "package");
    const manifest = JSON.parse(readFileSync(join(next, "package.json"), "utf8")) as { version: string };
    manifest.version = "99.0.0-next";
    writeFileSync(join(next, "package.json"), JSON.stringify(manifest, null, 2));
    // The next build reorganizes everything but the runtime entry point.
    renameSync(join(next, "dist", "provider", "shim.js"), join(next, "dist", "provider", "serialized-shim.js"));
    renameSync(join(next, "dist", "sdk"), join(next, "dist", "resources"));
    installPackage(next, programDir, { build: false });
    const installed = JSON.parse(readFileSync(join(programDir, "node_modules", "@naas", "pulumi-proxmox", "package.json"), "utf8")) as { version: string };
    return installed.version;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
