/**
 * What each storage type does with guest images, from pve-storage's plugins: `plugindata`
 * formats (`Plugin.pm` `get_formats`), where images live (file based: `<vmid>/vm-<vmid>-disk-<n>.<fmt>`,
 * block based: `vm-<vmid>-disk-<n>`), `volume_has_feature` (clone of a base, template), how a
 * linked clone is named (`clone_image`: DirPlugin, LvmThinPlugin, ZFSPoolPlugin, RBDPlugin) and
 * how sizes round (LVM extents of 4 MiB).
 */

/** One plugin's image facts. */
export interface ImagePlugin {
  /** Images are files under `<path>/images/<vmid>/`; the format is the file suffix. */
  readonly fileBased: boolean;
  /** `plugindata.format`: valid formats and the default. */
  readonly formats: readonly string[];
  readonly defaultFormat: string;
  /** `volume_has_feature('template')`: `create_base` renames `vm-` to `base-`. */
  readonly template: boolean;
  /**
   * `volume_has_feature('clone', base)` and how the clone names itself: `path` puts the base
   * into the clone's volname (`100/base-100-disk-0.qcow2/101/vm-101-disk-0.qcow2`, ZFS and RBD
   * `base-100-disk-0/vm-101-disk-0`); `thin` keeps a plain name (LVM-thin tracks the origin itself).
   */
  readonly linkedClone: "path" | "thin" | false;
  /** Allocation granularity in bytes (LVM rounds to its 4 MiB extents). */
  readonly granularity: number;
  /** `alloc_image` refuses, with this message (iSCSI LUNs are not allocated by PVE). */
  readonly cannotAllocate?: string;
}

const MiB = 1024 ** 2;
const FILE: ImagePlugin = { fileBased: true, formats: ["raw", "qcow2", "vmdk"], defaultFormat: "raw", template: true, linkedClone: "path", granularity: 1 };
/** DirPlugin also makes subvolumes (directories) for containers. */
const DIR: ImagePlugin = { ...FILE, formats: ["raw", "qcow2", "vmdk", "subvol"] };
const BLOCK = (o: Partial<ImagePlugin>): ImagePlugin => ({
  fileBased: false,
  formats: ["raw"],
  defaultFormat: "raw",
  template: true,
  linkedClone: "path",
  granularity: 1,
  ...o,
});

/** The plugins by storage type (`type` of storage.cfg). */
const PLUGINS: Readonly<Record<string, ImagePlugin>> = {
  dir: DIR,
  nfs: FILE,
  cifs: FILE,
  cephfs: FILE,
  btrfs: { ...FILE, formats: ["raw", "subvol"] },
  lvmthin: BLOCK({ linkedClone: "thin", granularity: 4 * MiB }),
  lvm: BLOCK({ template: false, linkedClone: false, granularity: 4 * MiB }),
  zfspool: BLOCK({ formats: ["raw", "subvol"] }),
  zfs: BLOCK({}),
  rbd: BLOCK({}),
  iscsi: BLOCK({ template: false, linkedClone: false, cannotAllocate: "can't allocate space in iscsi storage" }),
  iscsidirect: BLOCK({ template: false, linkedClone: false, cannotAllocate: "can't allocate space in iscsi storage" }),
  pbs: BLOCK({ template: false, linkedClone: false, cannotAllocate: "not implemented" }),
  esxi: BLOCK({ template: false, linkedClone: false, cannotAllocate: "creating base images is not supported" }),
};

/** The image facts of a storage type. */
export function imagePlugin(type: string): ImagePlugin {
  return PLUGINS[type] ?? FILE;
}
