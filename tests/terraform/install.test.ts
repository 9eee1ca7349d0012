/** `naas-proxmox terraform-install`: the implied local mirror layout, dev_overrides, the launcher. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { EXECUTABLE, launcherScript, packageVersion, targetPlatform, terraformInstall } from "../../provider/terraform/install";
import { main } from "../../provider/terraform/cli";

const dirs: string[] = [];
const temp = (): string => {
  const dir = mkdtempSync(join(tmpdir(), "tf-install-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("naas-proxmox terraform-install", () => {
  it("puts an executable launcher into both registries' unpacked layout of the implied mirror", () => {
    const home = temp();
    const { launchers, message } = terraformInstall({ devOverrides: false, env: { HOME: home }, nodePath: "/opt/node/bin/node" });
    const version = packageVersion();
    const target = targetPlatform();
    expect(launchers).toEqual([
      join(home, ".terraform.d", "plugins", "registry.opentofu.org", "naas", "proxmox", version, target, EXECUTABLE),
      join(home, ".terraform.d", "plugins", "registry.terraform.io", "naas", "proxmox", version, target, EXECUTABLE),
    ]);
    for (const launcher of launchers) {
      expect(statSync(launcher).mode & 0o111).toBe(0o111);
      expect(readFileSync(launcher, "utf8")).toMatch(/^#!\/bin\/sh\n[\s\S]*\nexec '\/opt\/node\/bin\/node' '.*\/dist\/provider\/terraform\/main\.js' "\$@"\n$/);
    }
    expect(message).toContain('source = "naas/proxmox"');
    const xdg = temp();
    expect(terraformInstall({ devOverrides: false, env: { HOME: home, XDG_DATA_HOME: xdg } }).launchers).toContain(
      join(xdg, "opentofu", "plugins", "registry.opentofu.org", "naas", "proxmox", version, target, EXECUTABLE),
    );
  });

  it("with --dev-overrides writes one launcher and prints the block that points at it", () => {
    const dir = temp();
    const { launchers, message } = terraformInstall({ devOverrides: true, dir, env: { HOME: temp() } });
    expect(launchers).toEqual([join(dir, EXECUTABLE)]);
    expect(message).toContain(`provider_installation {\n  dev_overrides {\n    "naas/proxmox" = ${JSON.stringify(dir)}\n  }\n  direct {}\n}`);
  });

  it("the launcher execs node with the arguments and quotes paths safely", () => {
    const script = launcherScript("/n o/node", "/pkg's");
    expect(script).toContain(`exec '/n o/node' '/pkg'\\''s/dist/provider/terraform/main.js' "$@"`);
    const dir = temp();
    const [launcher = ""] = terraformInstall({ devOverrides: true, dir, env: { HOME: temp() }, nodePath: process.execPath }).launchers;
    // Run by hand (no magic cookie), the plugin explains itself and exits 1: the launcher reached node.
    let stderr = "";
    try {
      execFileSync(launcher, [], { env: { PATH: process.env["PATH"] ?? "" }, stdio: "pipe" });
    } catch (error) {
      stderr = String((error as { stderr?: Buffer }).stderr ?? "");
    }
    expect(stderr).toMatch(/they start it themselves/);
  });

  it("the command line prints usage, refuses unknown arguments, and prints the schema document", () => {
    let out = "";
    let err = "";
    expect(
      main(
        ["terraform-install", "--what"],
        (t) => (out += t),
        (t) => (err += t),
      ),
    ).toBe(2);
    expect(err).toMatch(/unknown argument '--what'/);
    expect(
      main(
        ["terraform-schema"],
        (t) => (out += t),
        (t) => (err += t),
      ),
    ).toBe(0);
    expect(JSON.parse(out)).toHaveProperty(["provider_schemas", "registry.opentofu.org/naas/proxmox", "resource_schemas", "proxmox_access_user"]);
  });
});
