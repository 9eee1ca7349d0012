/**
 * `/nodes/{node}/apt` as pve-manager `PVE/API2/APT.pm` serves it (`index`, `list_updates`,
 * `update_database`, `versions`): `apt-get update` as an `aptupdate` task that logs its start
 * (unless `quiet`), refreshes the cached list of upgradable packages (`$update_pve_pkgstatus`,
 * read by `GET update`) and, with `notify`, marks each package as notified (`NotifyStatus`).
 * PVE has no upgrade call: upgrades run in a shell (`apt-get dist-upgrade`), so neither does this.
 * `changelog` is not simulated (it runs `apt-get changelog` against the mirrors): it answers 501.
 */
import type { SimContext, SimRequest } from "../../types";
import type { Register } from "../generic-store";
import { perNode } from "../per-node";

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
  NotifyStatus?: string;
}

/** What a mirror offers after `apt-get update` (the versions a fresh PVE 9.2 would see). */
const CANDIDATES: readonly Package[] = [
  pkg("pve-manager", "Proxmox Virtual Environment Management Tools", "admin", "9.2.1", "9.2.0"),
  pkg("proxmox-kernel-6.17", "Latest Proxmox Kernel Image", "kernel", "6.17.4-2", "6.17.4-1"),
];

function pkg(name: string, title: string, section: string, version: string, old: string): Package {
  return {
    Package: name,
    Title: title,
    Description: title,
    Origin: "Proxmox",
    Section: section,
    Arch: "amd64",
    Priority: "optional",
    Version: version,
    OldVersion: old,
  };
}

/** Registers `update` (GET, POST) and `versions`. */
export function installApt(register: Register, ctx: SimContext): void {
  const upgradable = perNode((): Package[] => []);
  /** The package lists apt-get prints while it fetches. */
  const fetched = [
    "Hit:1 http://deb.debian.org/debian trixie InRelease",
    "Hit:2 http://security.debian.org/debian-security trixie-security InRelease",
    "Reading package lists...",
  ];
  register("GET", "/nodes/{node}/apt", () => [{ id: "changelog" }, { id: "repositories" }, { id: "update" }, { id: "versions" }]);
  register("GET", "/nodes/{node}/apt/update", (req) => upgradable(req.params.node));
  register("POST", "/nodes/{node}/apt/update", (req: SimRequest) =>
    ctx.startTask({
      node: String(req.params.node),
      type: "aptupdate",
      auth: req.auth,
      work: (log) => {
        if (!req.params.quiet) {
          log("starting apt-get update");
          for (const line of fetched) log(line);
        }
        // The notification status of what was already notified about survives the refresh.
        const list = upgradable(req.params.node);
        const notified = new Map(list.map((p) => [p.Package, p.NotifyStatus]));
        const fresh = CANDIDATES.map((p) => ({ ...p, ...(notified.get(p.Package) === p.Version ? { NotifyStatus: p.Version } : {}) }));
        if (req.params.notify && fresh.some((p) => p.NotifyStatus !== p.Version)) for (const p of fresh) p.NotifyStatus = p.Version;
        list.splice(0, list.length, ...fresh);
      },
    }),
  );
  register("GET", "/nodes/{node}/apt/versions", () =>
    CANDIDATES.map((p) => ({
      Package: p.Package,
      Title: p.Title,
      Description: p.Description,
      Origin: p.Origin,
      Section: p.Section,
      Arch: p.Arch,
      Priority: p.Priority,
      Version: p.OldVersion,
      CurrentState: "Installed",
      OldVersion: p.OldVersion,
    })),
  );
}
