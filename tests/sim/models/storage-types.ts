/**
 * Per-type facts of storage.cfg plugins (pve-storage `*Plugin.pm`): required options, default
 * content, whether the type is shared, and which keys are secrets kept outside storage.cfg.
 */

/** Facts of one storage type. */
export interface StorageType {
  readonly required: readonly string[];
  /** What `parse_config` fills in when `content` is unset. */
  readonly defaultContent: string;
  /** Network/cluster storages that PVE marks `shared 1` itself. */
  readonly shared?: boolean;
}

/** Keys PVE stores in /etc/pve/priv, never in storage.cfg, so GET never shows them. */
export const STORAGE_SECRETS = ["password", "encryption-key", "keyring", "master-pubkey"] as const;

/** The plugin table, keyed by the schema's `type` enum. */
export const STORAGE_TYPES: Readonly<Record<string, StorageType>> = {
  dir: { required: ["path"], defaultContent: "images,rootdir" },
  btrfs: { required: ["path"], defaultContent: "images,rootdir" },
  nfs: { required: ["server", "export"], defaultContent: "images", shared: true },
  cifs: { required: ["server", "share"], defaultContent: "images", shared: true },
  cephfs: { required: [], defaultContent: "backup,iso,vztmpl", shared: true },
  rbd: { required: [], defaultContent: "images", shared: true },
  iscsi: { required: ["portal", "target"], defaultContent: "images", shared: true },
  iscsidirect: { required: ["portal", "target"], defaultContent: "images", shared: true },
  lvm: { required: ["vgname"], defaultContent: "images,rootdir" },
  lvmthin: { required: ["vgname", "thinpool"], defaultContent: "images,rootdir" },
  zfspool: { required: ["pool"], defaultContent: "images,rootdir" },
  zfs: { required: ["portal", "target", "pool", "iscsiprovider", "blocksize"], defaultContent: "images", shared: true },
  pbs: { required: ["server", "datastore"], defaultContent: "backup", shared: true },
  esxi: { required: ["server", "username", "password"], defaultContent: "import", shared: true },
};

/** `content` as PVE writes it: the set, sorted, comma-joined. */
export function canonicalContent(content: string): string {
  return [...new Set(content.split(/[,;\s]+/).filter((c) => c !== ""))].sort().join(",");
}
