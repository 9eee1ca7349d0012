import { defineKind, restCalls } from "../../define";

/** Options of the file-based plugins (pve-storage `DirPlugin` and those built on it). */
const FILE_BASED = ["path", "mkdir", "create-base-path", "create-subdirs"];
/** Retention options of the plugins that keep backups. */
const BACKUPS = ["prune-backups", "max-protected-backups"];

/**
 * The options each storage plugin takes beyond `content`, `nodes` and `disable`, which every
 * plugin has (pve-storage `*Plugin.pm` `options()`); PVE refuses any other option of the type
 * (`unexpected property`). `tests/sim/models/storage/storage.test.ts` holds this table against the
 * simulator's transcription of the plugins.
 */
const ACCEPTS: Readonly<Record<string, readonly string[]>> = {
  dir: [...FILE_BASED, ...BACKUPS, "content-dirs", "shared", "format", "is_mountpoint", "bwlimit", "preallocation", "snapshot-as-volume-chain"],
  btrfs: [...FILE_BASED, ...BACKUPS, "shared", "format", "is_mountpoint", "nocow", "preallocation"],
  nfs: [...FILE_BASED, ...BACKUPS, "content-dirs", "server", "export", "options", "format", "bwlimit", "preallocation", "snapshot-as-volume-chain"],
  cifs: [
    ...FILE_BASED,
    ...BACKUPS,
    "content-dirs",
    "server",
    "share",
    "subdir",
    "format",
    "username",
    "password",
    "domain",
    "smbversion",
    "bwlimit",
    "preallocation",
    "options",
    "snapshot-as-volume-chain",
  ],
  cephfs: [...FILE_BASED, ...BACKUPS, "content-dirs", "monhost", "subdir", "options", "username", "format", "fuse", "bwlimit", "keyring", "fs-name"],
  rbd: ["monhost", "pool", "data-pool", "namespace", "username", "krbd", "keyring", "bwlimit"],
  iscsi: ["portal", "target", "bwlimit"],
  iscsidirect: ["portal", "target", "bwlimit"],
  lvm: ["vgname", "shared", "saferemove", "saferemove-stepsize", "saferemove_throughput", "base", "tagged_only", "bwlimit", "snapshot-as-volume-chain"],
  lvmthin: ["thinpool", "vgname", "bwlimit"],
  zfspool: ["pool", "blocksize", "sparse", "bwlimit", "mountpoint"],
  zfs: ["portal", "target", "pool", "blocksize", "iscsiprovider", "nowritecache", "sparse", "comstar_hg", "comstar_tg", "lio_tpg", "bwlimit", "zfs-base-path"],
  pbs: ["server", "datastore", "namespace", "port", "username", "password", "encryption-key", "master-pubkey", "fingerprint", ...BACKUPS],
  esxi: ["shared", "server", "username", "password", "skip-cert-verification", "port"],
};

/**
 * The options each plugin requires (neither `optional` in its `options()`). NFS, CIFS and CephFS
 * fill a missing `path` with `/mnt/pve/<id>`; ESXi also needs its `password`: its `on_add_hook`
 * refuses a storage without one.
 */
const REQUIRES: Readonly<Record<string, readonly string[]>> = {
  dir: ["path"],
  btrfs: ["path"],
  nfs: ["server", "export"],
  cifs: ["server", "share"],
  iscsi: ["portal", "target"],
  iscsidirect: ["portal", "target"],
  lvm: ["vgname"],
  lvmthin: ["thinpool", "vgname"],
  zfspool: ["pool"],
  zfs: ["portal", "target", "pool", "blocksize", "iscsiprovider"],
  pbs: ["server", "datastore"],
  esxi: ["server", "username", "password"],
};

/** `storage.Storage`: a storage definition (`/storage`, storage.cfg). */
export const storage = defineKind({
  namespace: "storage",
  name: "Storage",
  description:
    "A storage definition (`/storage`, storage.cfg) of any type PVE 9 knows: dir, btrfs, nfs, cifs, cephfs, rbd, " +
    "iscsi, iscsidirect, lvm, lvmthin, zfspool, zfs (over iSCSI), pbs and esxi. Options of another type, and a " +
    "type's missing required options, are rejected in preview. `content` and `nodes` are arrays. Options PVE " +
    "cannot change after creation (type, path, export, vgname, ...) replace the storage. Passwords, the PBS " +
    "encryption key and the Ceph keyring are secrets that PVE keeps out of storage.cfg and never returns (of the " +
    "key, only its fingerprint): they are kept in state as secrets. Removing the definition never deletes data on the storage.",
  lifecycle: "collection",
  identity: ["storage"],
  ...restCalls("/storage", "/storage/{storage}"),
  // `authsupported` is in the schema (RBDPlugin's properties) but no plugin's options: PVE refuses it.
  exclude: ["authsupported"],
  variants: { field: "type", accepts: ACCEPTS, requires: REQUIRES },
  fields: {
    storage: { sdkName: "storageId", doc: "The storage id, e.g. `backup-nfs`. Changing it replaces the storage." },
    type: { doc: "The storage type (plugin). Changing it replaces the storage." },
    content: { doc: "Content types the storage holds: `images`, `rootdir`, `iso`, `vztmpl`, `backup`, `snippets`, `import`." },
    nodes: { doc: "Nodes the storage is available on (all when unset)." },
    disable: { doc: "Disable the storage." },
    shared: {
      doc: "dir, btrfs, lvm, esxi: the same storage is reachable from every node. PVE always reports network storages (nfs, cifs, cephfs, rbd, iscsi, zfs, pbs) as shared.",
    },
    "prune-backups": { sdkName: "retention", doc: "Backup retention on this storage, e.g. `{ keepLast: 3, keepWeekly: 4 }`." },
    password: { secret: true, writeOnly: true, doc: "CIFS, PBS or ESXi password. A secret; PVE stores it apart and never returns it." },
    "encryption-key": {
      secret: true,
      writeOnly: true,
      doc: "PBS client-side encryption key (the JSON key file's content, or `autogen`). A secret; PVE keeps it apart and reports only its fingerprint.",
    },
    keyring: { secret: true, writeOnly: true, doc: "Ceph client keyring (external clusters). A secret; PVE never returns it." },
    "master-pubkey": { writeOnly: true, doc: "PBS: the base64 PEM public master key that encrypts each backup's key. PVE reports only that one is set." },
    path: { doc: "The file system path (dir, btrfs; the mount point of nfs, cifs, cephfs, `/mnt/pve/<id>` when unset)." },
    server: { doc: "Server address (nfs, cifs, pbs, esxi)." },
    export: { doc: "NFS export path." },
    fingerprint: { doc: "PBS server certificate fingerprint (SHA-256)." },
    base: { doc: "`lvm`: a volume (volume id) PVE activates before using the group, typically an iSCSI LUN the group lives on." },
    blocksize: { doc: "`zfspool`/`zfs`: the `volblocksize` of new zvols, e.g. `8k` or `16k`. Required for `zfs`." },
    bwlimit: {
      doc:
        "I/O limits in KiB/s per operation, as `key=value` pairs of `default`, `clone`, `migration`, `move` and `restore`, " +
        "e.g. `restore=102400,default=51200`.",
    },
    comstar_hg: { doc: "`zfs` with `comstar`: the host group of the views PVE creates." },
    comstar_tg: { doc: "`zfs` with `comstar`: the target group of the views PVE creates." },
    "content-dirs": {
      doc: "dir, nfs, cifs, cephfs: subdirectories that replace the default layout, as `vtype=path` pairs, e.g. `backup=custom/dump`.",
    },
    "create-base-path": { doc: "File-based types: create the base directory when it is missing. PVE's default is true." },
    "create-subdirs": { doc: "File-based types: create the default subdirectory layout (`images`, `dump`, `template`, ...). PVE's default is true." },
    "data-pool": { doc: "`rbd`: a separate (e.g. erasure-coded) pool for the image data; metadata stays in `pool`." },
    datastore: { doc: "`pbs`: the id of the Proxmox Backup Server datastore." },
    domain: { doc: "`cifs`: the user's domain (workgroup)." },
    format: { doc: "File-based types: the default image format of new disks: `raw`, `qcow2`, `vmdk` or `subvol`." },
    "fs-name": { doc: "`cephfs`: the name of the Ceph file system to mount." },
    fuse: { doc: "`cephfs`: mount through FUSE instead of the kernel client. PVE's default is false." },
    is_mountpoint: {
      doc: "dir, btrfs: `yes` or a path that must be a mounted file system before PVE uses the storage (guards against an empty mount point).",
    },
    iscsiprovider: { doc: "`zfs`: the iSCSI target implementation on the remote host: `comstar`, `istgt`, `iet` or `LIO`." },
    krbd: { doc: "`rbd`: map images through the kernel RBD module instead of librbd. Containers always use krbd." },
    lio_tpg: { doc: "`zfs` with `LIO`: the target portal group, e.g. `tpg1`." },
    "max-protected-backups": {
      doc: "Maximum number of protected backups per guest; `-1` is unlimited. When unset, unlimited for users with `Datastore.Allocate`, else 5.",
    },
    mkdir: { doc: "Deprecated (use `create-base-path` and `create-subdirs`): create the directory and its layout when missing." },
    monhost: { doc: "`rbd`/`cephfs`: monitor addresses of an external Ceph cluster; not needed for the cluster's own Ceph." },
    mountpoint: { doc: "`zfspool`: where the pool/dataset is mounted, `/<pool>` when unset. Does not change the dataset's own property." },
    namespace: { doc: "`rbd`: the RADOS namespace within the pool; `pbs`: the namespace within the datastore." },
    nocow: { doc: "`btrfs`: set the No-Copy-on-Write attribute on new image files (this also disables their checksums). PVE's default is false." },
    nowritecache: { doc: "`zfs`: disable the write cache of the iSCSI target's LUNs." },
    options: { doc: "nfs, cifs, cephfs: extra mount options, comma separated, e.g. `vers=4.2,soft` for NFS." },
    pool: { doc: "`rbd`: the Ceph pool (`rbd` when unset); `zfspool`/`zfs`: the ZFS pool or dataset that holds the volumes." },
    port: { doc: "`pbs`: the server's API port (`8007` when unset); `esxi`: the port of the ESXi host. 1 to 65535." },
    portal: { doc: "iscsi, iscsidirect, zfs: the iSCSI portal, an IP address or DNS name with an optional `:port`." },
    preallocation: {
      doc: "File-based types: preallocation of new `raw`/`qcow2` images: `off`, `metadata` (PVE's default; like `off` for raw), `falloc` or `full`.",
    },
    saferemove: { doc: "`lvm`: zero out the data of removed volumes so later volumes cannot read it. Slow; off by default." },
    "saferemove-stepsize": { doc: "`lvm`: wipe step size in MiB (`1` to `32`), capped to what the device supports. Up to 32 when unset." },
    saferemove_throughput: { doc: "`lvm`: wipe throughput limit, the `cstream -t` value in bytes per second. About 10 MiB/s when unset." },
    share: { doc: "`cifs`: the name of the SMB share." },
    "skip-cert-verification": { doc: "`esxi`: do not verify the host's TLS certificate (e.g. self-signed). PVE's default is false." },
    smbversion: { doc: "`cifs`: SMB protocol version: `2.0`, `2.1`, `3`, `3.0`, `3.11`, or `default` to negotiate the highest; SMB1 is unsupported." },
    "snapshot-as-volume-chain": {
      doc: "dir, nfs, cifs, lvm: take VM snapshots as qcow2 backing chains of volumes (technology preview). Affects only new disks.",
    },
    sparse: { doc: "`zfspool`/`zfs`: create thin-provisioned zvols (no reservation for the full size)." },
    subdir: { doc: "`cifs`/`cephfs`: the subdirectory of the share or file system to mount (its root when unset)." },
    tagged_only: { doc: "`lvm`: only use logical volumes tagged `pve-vm-<id>`." },
    target: { doc: "iscsi, iscsidirect, zfs: the iSCSI target's IQN." },
    thinpool: { doc: "`lvmthin`: the name of the LVM thin pool in `vgname`." },
    username: {
      doc: "cifs (`guest` when unset), pbs (`user@realm` or an API token id), esxi, and Ceph user id without `client.` (rbd, cephfs).",
    },
    vgname: { doc: "`lvm`/`lvmthin`: the name of the existing LVM volume group." },
    "zfs-base-path": { doc: "`zfs`: the directory where ZFS exposes its block devices, usually `/dev/zvol`; PVE fills it in on creation." },
  },
});
