/**
 * Unpacking an OS template into a new container (pve-container `src/PVE/LXC/Create.pm`
 * `restore_archive`, `tar_compression_option`, `restore_tar_archive`; `src/PVE/LXC/Setup.pm`
 * `new` with `$autodetect_type` and `detect_architecture`; pve-storage `abs_filesystem_path`):
 * the template must exist on its storage (`can't find file '<volid>'`) and look like a tar
 * archive; the OS type is detected from what was unpacked (every distribution plugin sets
 * `ostype`) and the architecture when none was given. The simulator's templates carry no files:
 * what `/etc/os-release` would say is read from the template's name, as `pveam` names them
 * (`debian-12-standard_12.12-1_amd64.tar.zst`).
 */
import type { SimContext } from "../../types";
import { pveDie } from "../config-text";
import type { ConfigSection } from "../guests/config";
import { volumePath } from "../guests/storage-content";
import { archiveFile } from "../backup/archives";
import type { StorageEnv } from "../guests/storage-ops";
import { volumesOf, VolumeStore } from "../guests/volumes";
import { storageConfigOf } from "../storage";

/** os-release `ID`s and `$plugin_alias` to the ostype the plugin sets. */
const OS_IDS: Readonly<Record<string, string>> = {
  debian: "debian",
  devuan: "devuan",
  ubuntu: "ubuntu",
  centos: "centos",
  rocky: "centos",
  rockylinux: "centos",
  almalinux: "centos",
  fedora: "fedora",
  opensuse: "opensuse",
  archlinux: "archlinux",
  arch: "archlinux",
  alpine: "alpine",
  gentoo: "gentoo",
  nixos: "nixos",
};

const ARCHES = ["amd64", "i386", "arm64", "armhf", "riscv32", "riscv64"];

/** `tar_compression_option`: the archive must be `.tar[.gz|.bz2|.xz|.lzo|.zst]`. */
function checkTarName(path: string): void {
  const m = /\.tar(\.[^.]+)?$/.exec(path);
  if (!m) throw pveDie(`file does not look like a template archive: ${path}`);
  if (m[1] !== undefined && ![".gz", ".bz2", ".xz", ".lzo", ".zst"].includes(m[1])) throw pveDie(`unrecognized compression format: ${m[1]}`);
}

/**
 * `restore_archive` of a template plus `PVE::LXC::Setup->new`: sets `ostype` (and `arch` when
 * unset) in `conf`, logging what PVE prints.
 */
export function unpackTemplate(env: StorageEnv, volid: string, conf: ConfigSection, log: (line: string) => void): void {
  const file = archiveFile(env, volid);
  const path = volumePath(env.ctx, file);
  checkTarName(path);
  log(`extracting archive '${path}'`);
  log(`Total bytes read: ${file.size * 4} (${Math.round((file.size * 4) / 1024 / 1024)}MiB, 181MiB/s)`);
  const name = file.volname.replace(/^vztmpl\//, "");
  const id = /^([a-z]+)/.exec(name)?.[1] ?? "";
  conf.ostype = conf.ostype === "unmanaged" ? "unmanaged" : (OS_IDS[id] ?? "unmanaged");
  if (conf.arch === undefined) {
    const arch = ARCHES.find((a) => name.includes(`_${a}.`) || name.includes(`-${a}.`) || name.includes(`_${a}-`));
    if (arch) log(`Detected container architecture: ${arch}`);
    else log("Falling back to amd64.\nUse `pct set VMID --arch ARCH` to change.");
    conf.arch = arch ?? "amd64";
  }
}

/** Puts the simulator's templates on each node's copy of their storage (what `pveam download` leaves). */
export function seedTemplates(ctx: SimContext, templates: readonly string[]): void {
  for (const volid of templates) {
    const [storage = "", volname = ""] = volid.split(/:(.*)/s);
    const scfg = storageConfigOf(ctx).get(storage);
    if (!scfg) throw new Error(`template ${volid}: storage '${storage}' does not exist`);
    const ext = /\.tar(?:\.(\w+))?$/.exec(volname)?.[1];
    for (const node of ctx.nodes) {
      const location = VolumeStore.location(storage, Boolean(scfg.shared), node);
      volumesOf(ctx).put(location, {
        storage,
        volname,
        vtype: "vztmpl",
        format: ext ? `t${ext}` : "tar",
        size: 126 * 1024 * 1024,
        ctime: Math.floor(ctx.now() / 1000),
        isBase: false,
        snapshots: [],
      });
    }
  }
}
