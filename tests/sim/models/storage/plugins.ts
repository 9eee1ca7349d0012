/**
 * Per-type facts of storage.cfg plugins, transcribed from pve-storage: each `*Plugin.pm`'s
 * `options()` (optional, fixed: an option that is neither optional is required), its
 * `check_config` override (NFS/CIFS/CephFS default the path, Dir/BTRFS check it), `plugindata()`
 * (valid and default content, `sensitive-properties`) and `PVE/Storage/Plugin.pm`'s
 * `@SHARED_STORAGE` (types whose `shared` is forced to 1 on read).
 */

/** One option of a plugin: whether it may be left out and whether it may change after creation. */
export interface StorageOption {
  readonly optional: boolean;
  readonly fixed: boolean;
}

/** Facts of one storage type. */
export interface StorageType {
  readonly options: Readonly<Record<string, StorageOption>>;
  /** `plugindata()->{content}->[0]`: the content types the storage supports. */
  readonly content: readonly string[];
  /** `plugindata()->{content}->[1]`: what `parse_config` fills in when `content` is unset. */
  readonly defaultContent: readonly string[];
  /** `plugindata()->{'sensitive-properties'}`: kept in /etc/pve/priv, never in storage.cfg. */
  readonly sensitive: readonly string[];
  /** In `@SHARED_STORAGE`: read back with `shared 1` whatever the file says. */
  readonly shared: boolean;
  /** The plugin's `check_config` fills a missing `path` with `/mnt/pve/<id>` on create (nfs, cifs, cephfs). */
  readonly mountsUnderMntPve?: boolean;
  /** The plugin's `check_config` (DirPlugin's) refuses a path with other characters and canonicalizes it on create (dir, btrfs). */
  readonly directory?: boolean;
}

const opt: StorageOption = { optional: true, fixed: false };
const fixed: StorageOption = { optional: false, fixed: true };
const required: StorageOption = { optional: false, fixed: false };
const fixedOpt: StorageOption = { optional: true, fixed: true };

/** `options()` of each plugin, verbatim. */
const OPTIONS: Readonly<Record<string, Readonly<Record<string, StorageOption>>>> = {
  dir: {
    path: fixed,
    "content-dirs": opt,
    nodes: opt,
    shared: opt,
    disable: opt,
    "prune-backups": opt,
    "max-protected-backups": opt,
    content: opt,
    format: opt,
    mkdir: opt,
    "create-base-path": opt,
    "create-subdirs": opt,
    is_mountpoint: opt,
    bwlimit: opt,
    preallocation: opt,
    "snapshot-as-volume-chain": fixedOpt,
  },
  btrfs: {
    path: fixed,
    nodes: opt,
    shared: opt,
    disable: opt,
    "prune-backups": opt,
    "max-protected-backups": opt,
    content: opt,
    format: opt,
    is_mountpoint: opt,
    nocow: opt,
    mkdir: opt,
    "create-base-path": opt,
    "create-subdirs": opt,
    preallocation: opt,
  },
  nfs: {
    path: fixed,
    "content-dirs": opt,
    server: fixed,
    export: fixed,
    nodes: opt,
    disable: opt,
    "prune-backups": opt,
    "max-protected-backups": opt,
    options: opt,
    content: opt,
    format: opt,
    mkdir: opt,
    "create-base-path": opt,
    "create-subdirs": opt,
    bwlimit: opt,
    preallocation: opt,
    "snapshot-as-volume-chain": fixedOpt,
  },
  cifs: {
    path: fixed,
    "content-dirs": opt,
    server: fixed,
    share: fixed,
    subdir: opt,
    nodes: opt,
    disable: opt,
    "prune-backups": opt,
    "max-protected-backups": opt,
    content: opt,
    format: opt,
    username: opt,
    password: opt,
    domain: opt,
    smbversion: opt,
    mkdir: opt,
    "create-base-path": opt,
    "create-subdirs": opt,
    bwlimit: opt,
    preallocation: opt,
    options: opt,
    "snapshot-as-volume-chain": fixedOpt,
  },
  cephfs: {
    path: fixed,
    "content-dirs": opt,
    monhost: opt,
    nodes: opt,
    subdir: opt,
    disable: opt,
    options: opt,
    username: opt,
    content: opt,
    format: opt,
    mkdir: opt,
    "create-base-path": opt,
    "create-subdirs": opt,
    fuse: opt,
    bwlimit: opt,
    keyring: opt,
    "prune-backups": opt,
    "max-protected-backups": opt,
    "fs-name": opt,
  },
  rbd: {
    nodes: opt,
    disable: opt,
    monhost: opt,
    pool: opt,
    "data-pool": opt,
    namespace: opt,
    username: opt,
    content: opt,
    krbd: opt,
    keyring: opt,
    bwlimit: opt,
  },
  iscsi: { portal: fixed, target: fixed, nodes: opt, disable: opt, content: opt, bwlimit: opt },
  iscsidirect: { portal: fixed, target: fixed, nodes: opt, disable: opt, content: opt, bwlimit: opt },
  lvm: {
    vgname: fixed,
    nodes: opt,
    shared: opt,
    disable: opt,
    saferemove: opt,
    "saferemove-stepsize": opt,
    saferemove_throughput: opt,
    content: opt,
    base: fixedOpt,
    tagged_only: opt,
    bwlimit: opt,
    "snapshot-as-volume-chain": opt,
  },
  lvmthin: { thinpool: fixed, vgname: fixed, nodes: opt, disable: opt, content: opt, bwlimit: opt },
  zfspool: { pool: fixed, blocksize: opt, sparse: opt, nodes: opt, disable: opt, content: opt, bwlimit: opt, mountpoint: opt },
  zfs: {
    nodes: opt,
    disable: opt,
    portal: fixed,
    target: fixed,
    pool: fixed,
    blocksize: fixed,
    iscsiprovider: fixed,
    nowritecache: opt,
    sparse: opt,
    comstar_hg: opt,
    comstar_tg: opt,
    lio_tpg: opt,
    content: opt,
    bwlimit: opt,
    "zfs-base-path": opt,
  },
  pbs: {
    server: fixed,
    datastore: fixed,
    namespace: opt,
    port: opt,
    nodes: opt,
    disable: opt,
    content: opt,
    username: opt,
    password: opt,
    "encryption-key": opt,
    "master-pubkey": opt,
    "prune-backups": opt,
    "max-protected-backups": opt,
    fingerprint: opt,
  },
  esxi: {
    nodes: opt,
    shared: opt,
    disable: opt,
    content: opt,
    server: required,
    username: required,
    password: opt,
    "skip-cert-verification": opt,
    port: opt,
  },
};

const ALL_FILE_CONTENT = ["images", "rootdir", "vztmpl", "iso", "backup", "snippets", "import"];
const SHARED_STORAGE = new Set(["iscsi", "nfs", "cifs", "rbd", "cephfs", "iscsidirect", "zfs", "drbd", "pbs"]);

function type(name: string, content: readonly string[], defaultContent: readonly string[], sensitive: readonly string[]): StorageType {
  return {
    options: OPTIONS[name] ?? {},
    content,
    defaultContent,
    sensitive,
    shared: SHARED_STORAGE.has(name),
    ...(["nfs", "cifs", "cephfs"].includes(name) ? { mountsUnderMntPve: true } : {}),
    ...(["dir", "btrfs"].includes(name) ? { directory: true } : {}),
  };
}

/** The plugin table, keyed by the schema's `type` enum. */
export const STORAGE_TYPES: Readonly<Record<string, StorageType>> = {
  dir: type("dir", [...ALL_FILE_CONTENT, "none"], ["images", "rootdir"], []),
  btrfs: type("btrfs", [...ALL_FILE_CONTENT, "none"], ["images", "rootdir"], []),
  nfs: type("nfs", ALL_FILE_CONTENT, ["images"], []),
  cifs: type("cifs", ALL_FILE_CONTENT, ["images"], ["password"]),
  cephfs: type("cephfs", ["vztmpl", "iso", "backup", "snippets", "import"], ["backup"], ["keyring"]),
  rbd: type("rbd", ["images", "rootdir"], ["images"], ["keyring"]),
  iscsi: type("iscsi", ["images", "none"], ["images"], []),
  iscsidirect: type("iscsidirect", ["images", "none"], ["images"], []),
  lvm: type("lvm", ["images", "rootdir"], ["images"], []),
  lvmthin: type("lvmthin", ["images", "rootdir"], ["images", "rootdir"], []),
  zfspool: type("zfspool", ["images", "rootdir"], ["images", "rootdir"], []),
  zfs: type("zfs", ["images"], ["images"], []),
  pbs: type("pbs", ["backup", "none"], ["backup"], ["encryption-key", "master-pubkey", "password"]),
  esxi: type("esxi", ["import"], ["import"], ["password"]),
};

/**
 * The order of a Perl hash's keys (`content_hash_to_string`, `encode_value` of `nodes`): PVE's is
 * unspecified (it changes between daemons), so the simulator picks one that is neither the
 * order given nor sorted, but stable: clients that compare these lists as strings fail here too.
 */
export function hashOrder(keys: Iterable<string>): string[] {
  const weight = (key: string): number => [...key].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 1009, 7);
  return [...new Set(keys)].sort((a, b) => weight(a) - weight(b) || (a < b ? -1 : 1));
}
