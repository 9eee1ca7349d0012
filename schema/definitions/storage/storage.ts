import { defineKind, restCalls } from "../../define";

/** Options of the file-based plugins (pve-storage `DirPlugin` and those built on it). */
const FILE_BASED = ["path", "mkdir", "create-base-path", "create-subdirs"];
/** Retention options of the plugins that keep backups. */
const BACKUPS = ["prune-backups", "max-protected-backups"];

/**
 * The options each storage plugin takes beyond `content`, `nodes` and `disable`, which every
 * plugin has (pve-storage `*Plugin.pm` `options()`); PVE refuses any other option of the type
 * (`unexpected property`). `tests/sim/models/storage.test.ts` holds this table against the
 * simulator's transcription of the plugins.
 */
const ACCEPTS: Readonly<Record<string, readonly string[]>> = {
  dir: [...FILE_BASED, ...BACKUPS, "content-dirs", "shared", "format", "is_mountpoint", "bwlimit", "preallocation", "snapshot-as-volume-chain"],
  btrfs: [...FILE_BASED, ...BACKUPS, "shared", "format", "is_mountpoint", "nocow", "preallocation"],
  nfs: [...FILE_BASED, ...BACKUPS, "content-dirs", "server", "export", "options", "format", "bwlimit", "preallocation", "snapshot-as-volume-chain"],
  cifs: [
    ...FILE_BASED, ...BACKUPS, "content-dirs", "server", "share", "subdir", "format", "username", "password", "domain", "smbversion",
    "bwlimit", "preallocation", "options", "snapshot-as-volume-chain",
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
    shared: { doc: "dir, btrfs, lvm, esxi: the same storage is reachable from every node. PVE always reports network storages (nfs, cifs, cephfs, rbd, iscsi, zfs, pbs) as shared." },
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
  },
});
