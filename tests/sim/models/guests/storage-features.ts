/**
 * `PVE::Storage::volume_has_feature` (pve-storage `src/PVE/Storage.pm` and each plugin's
 * `volume_has_feature`: `Plugin.pm` for dir/nfs/cifs/cephfs, `LvmThinPlugin.pm`, `LVMPlugin.pm`,
 * `ZFSPoolPlugin.pm`, `ZFSPlugin.pm`, `RBDPlugin.pm`, `BTRFSPlugin.pm`, `ISCSIPlugin.pm`,
 * `ISCSIDirectPlugin.pm`, `PBSPlugin.pm`, `ESXiPlugin.pm`): whether a volume supports
 * `snapshot`, `clone`, `template`, `copy`, `sparseinit`, `rename` or `replicate` in its state
 * (`current`, a `base` image, or a `snap`shot), per format where the plugin says so. File
 * storages refuse a linked clone when the caller only accepts raw/subvol targets (their clones
 * are qcow2).
 */
import type { SimContext } from "../../types";
import { storageConfigOf } from "../storage";
import { parseVolname, parseVolumeId } from "./storage-ops";

/** A feature `volume_has_feature` is asked about. */
export type VolumeFeature = "snapshot" | "clone" | "template" | "copy" | "sparseinit" | "rename" | "replicate";

type Support = true | readonly string[];
type FeatureTable = Partial<Record<VolumeFeature, Partial<Record<"current" | "base" | "snap", Support>>>>;

const IMG = ["qcow2", "raw", "vmdk"] as const;

const FILE: FeatureTable = {
  snapshot: { current: ["qcow2"], snap: ["qcow2"] },
  clone: { base: IMG },
  template: { current: [...IMG, "subvol"] },
  copy: { base: IMG, current: IMG, snap: ["qcow2"] },
  sparseinit: { base: IMG, current: IMG },
  rename: { current: IMG },
};

const LVMTHIN: FeatureTable = {
  snapshot: { current: true },
  clone: { base: true, snap: true },
  template: { current: true },
  copy: { base: true, current: true, snap: true },
  sparseinit: { base: true, current: true },
  rename: { current: true },
};

const ZFSPOOL: FeatureTable = {
  snapshot: { current: true, snap: true },
  clone: { base: true },
  template: { current: true },
  copy: { base: true, current: true },
  sparseinit: { base: true, current: true },
  replicate: { base: true, current: true },
  rename: { current: true },
};

const TABLES: Readonly<Record<string, FeatureTable>> = {
  dir: FILE,
  nfs: FILE,
  cifs: FILE,
  cephfs: FILE,
  lvmthin: LVMTHIN,
  zfspool: ZFSPOOL,
  zfs: { snapshot: { current: true, snap: true }, clone: { base: true }, template: { current: true }, copy: { base: true, current: true } },
  rbd: { ...LVMTHIN, snapshot: { current: true, snap: true } },
  lvm: {
    copy: { base: ["qcow2", "raw"], current: ["qcow2", "raw"], snap: ["qcow2"] },
    rename: { current: ["qcow2", "raw"] },
    snapshot: { current: ["qcow2"], snap: ["qcow2"] },
  },
  btrfs: {
    snapshot: { current: ["qcow2", "raw", "subvol"], snap: ["qcow2", "raw", "subvol"] },
    clone: { base: ["qcow2", "raw", "subvol", "vmdk"], current: ["raw"], snap: ["raw"] },
    template: { current: [...IMG, "subvol"] },
    copy: { base: ["qcow2", "raw", "subvol", "vmdk"], current: ["qcow2", "raw", "subvol", "vmdk"], snap: ["qcow2", "raw", "subvol"] },
    sparseinit: { base: IMG, current: IMG },
    rename: { current: IMG },
  },
  iscsi: { copy: { current: true } },
  iscsidirect: { copy: { current: true } },
  pbs: {},
};

/** Options of {@link volumeHasFeature} (`$opts` of the plugin call). */
export interface FeatureOptions {
  /** `valid_target_formats`: what a clone may produce (containers accept raw and subvol). */
  readonly validTargetFormats?: readonly string[];
}

/** `volume_has_feature($cfg, $feature, $volid, $snapname, $running, $opts)`. */
export function volumeHasFeature(ctx: SimContext, feature: VolumeFeature, volid: string, snapname?: string, options: FeatureOptions = {}): boolean {
  const id = parseVolumeId(volid, true);
  if (!id) return false;
  const type = String(storageConfigOf(ctx).get(id[0])?.type ?? "");
  const { isBase, format } = parseVolname(ctx, volid);
  if (type === "esxi") return snapname === undefined && feature === "copy";
  const table = TABLES[type] ?? FILE;
  if (table === FILE && feature === "clone" && options.validTargetFormats && !options.validTargetFormats.includes("qcow2")) return false;
  const key = snapname ? "snap" : isBase ? "base" : "current";
  const support = table[feature]?.[key];
  if (support === undefined) return false;
  return support === true || support.includes(format);
}
