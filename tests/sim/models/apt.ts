/**
 * `/nodes/{node}/apt`: `apt-get update` as an `aptupdate` task that refreshes the cached list of
 * upgradable packages (`GET update`), and the installed versions of PVE's packages (`versions`).
 * PVE has no upgrade call: upgrades run in a shell (`apt-get dist-upgrade`), so neither does this.
 */
import type { SimContext, SimRequest } from "../types";
import type { Register } from "./generic-store";
import { perNode } from "./per-node";

interface Package {
  readonly Package: string;
  readonly Title: string;
  readonly Description: string;
  readonly Origin: string;
  readonly Section: string;
  readonly Arch: string;
  readonly Priority: string;
  readonly Version: string;
  readonly OldVersion: string;
}

/** What a mirror offers after `apt-get update` (the versions a fresh PVE 9.2 would see). */
const CANDIDATES: readonly Package[] = [
  pkg("pve-manager", "Proxmox Virtual Environment Management Tools", "admin", "9.2.1", "9.2.0"),
  pkg("proxmox-kernel-6.17", "Latest Proxmox Kernel Image", "kernel", "6.17.4-2", "6.17.4-1"),
];

function pkg(name: string, title: string, section: string, version: string, old: string): Package {
  return { Package: name, Title: title, Description: title, Origin: "Proxmox", Section: section, Arch: "amd64", Priority: "optional", Version: version, OldVersion: old };
}

/** Registers `update` (GET, POST) and `versions`. */
export function installApt(register: Register, ctx: SimContext): void {
  const upgradable = perNode((): Package[] => []);
  register("GET", "/nodes/{node}/apt", () => [{ id: "changelog" }, { id: "repositories" }, { id: "update" }, { id: "versions" }]);
  register("GET", "/nodes/{node}/apt/update", (req) => upgradable(req.params.node));
  register("POST", "/nodes/{node}/apt/update", (req: SimRequest) =>
    ctx.startTask({
      node: String(req.params.node),
      type: "aptupdate",
      auth: req.auth,
      work: () => {
        const list = upgradable(req.params.node);
        list.splice(0, list.length, ...CANDIDATES);
      },
    }),
  );
  register("GET", "/nodes/{node}/apt/versions", () =>
    CANDIDATES.map((p) => ({ Package: p.Package, Title: p.Title, Description: p.Description, Origin: p.Origin, Section: p.Section, Arch: p.Arch, Priority: p.Priority, Version: p.OldVersion, CurrentState: "Installed", OldVersion: p.OldVersion })),
  );
}
