import { defineKind, restCalls } from "../../define";

/** Options of file-based storages (pve-storage `DirPlugin` and the plugins built on it). */
const FILE_BASED = ["path", "mkdir", "create-base-path", "create-subdirs", "content-dirs"];
const MOUNTED = [...FILE_BASED, "options"];

/**
 * The type-specific options of each storage plugin (pve-storage `*Plugin.pm` `options()`). Options
 * no plugin claims here (content, nodes, disable, shared, bwlimit, retention, ...) are common.
 */
const ACCEPTS: Readonly<Record<string, readonly string[]>> = {
  dir: [...FILE_BASED, "is_mountpoint"],
  btrfs: [...FILE_BASED, "is_mountpoint", "nocow"],
  nfs: [...MOUNTED, "server", "export"],
  cifs: [...MOUNTED, "server", "share", "subdir", "username", "password", "domain", "smbversion"],
  cephfs: [...MOUNTED, "monhost", "subdir", "username", "keyring", "fs-name", "fuse"],
  rbd: ["monhost", "pool", "data-pool", "namespace", "username", "keyring", "krbd"],
  iscsi: ["portal", "target"],
  iscsidirect: ["portal", "target"],
  lvm: ["vgname", "base", "saferemove", "saferemove_throughput", "saferemove-stepsize", "tagged_only"],
  lvmthin: ["vgname", "thinpool"],
  zfspool: ["pool", "blocksize", "sparse", "mountpoint"],
  zfs: ["portal", "target", "pool", "blocksize", "iscsiprovider", "comstar_tg", "comstar_hg", "lio_tpg", "nowritecache", "sparse", "zfs-base-path"],
  pbs: ["server", "port", "datastore", "namespace", "username", "password", "encryption-key", "master-pubkey", "fingerprint"],
  esxi: ["server", "port", "username", "password", "skip-cert-verification"],
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
    "encryption key and the Ceph keyring are secrets that PVE keeps out of storage.cfg and never returns: they " +
    "are kept in state as secrets. Removing the definition never deletes data on the storage.",
  lifecycle: "collection",
  identity: ["storage"],
  ...restCalls("/storage", "/storage/{storage}"),
  variants: {
    field: "type",
    accepts: ACCEPTS,
    requires: {
      dir: ["path"],
      btrfs: ["path"],
      nfs: ["server", "export"],
      cifs: ["server", "share"],
      iscsi: ["portal", "target"],
      iscsidirect: ["portal", "target"],
      lvm: ["vgname"],
      lvmthin: ["vgname", "thinpool"],
      zfspool: ["pool"],
      zfs: ["portal", "target", "pool", "iscsiprovider", "blocksize"],
      pbs: ["server", "datastore"],
      esxi: ["server", "username", "password"],
    },
  },
  fields: {
    storage: { sdkName: "storageId", doc: "The storage id, e.g. `backup-nfs`. Changing it replaces the storage." },
    type: { doc: "The storage type (plugin). Changing it replaces the storage." },
    content: { doc: "Content types the storage holds: `images`, `rootdir`, `iso`, `vztmpl`, `backup`, `snippets`, `import`." },
    nodes: { doc: "Nodes the storage is available on (all when unset)." },
    disable: { doc: "Disable the storage." },
    shared: { doc: "The same storage is reachable from every node (PVE sets it for network storages)." },
    "prune-backups": { sdkName: "retention", doc: "Backup retention on this storage, e.g. `{ keepLast: 3, keepWeekly: 4 }`." },
    password: { secret: true, writeOnly: true, doc: "CIFS, PBS or ESXi password. A secret; PVE stores it apart and never returns it." },
    "encryption-key": {
      secret: true,
      writeOnly: true,
      doc: "PBS client-side encryption key (the JSON key file's content). A secret; PVE never returns it.",
    },
    keyring: { secret: true, writeOnly: true, doc: "Ceph client keyring (external clusters). A secret; PVE never returns it." },
    "master-pubkey": { writeOnly: true, doc: "PBS: PEM public master key that encrypts each backup's key. PVE never returns it." },
    path: { doc: "The file system path (dir, btrfs; mount point of nfs, cifs, cephfs)." },
    server: { doc: "Server address (nfs, cifs, pbs, esxi)." },
    export: { doc: "NFS export path." },
    fingerprint: { doc: "PBS server certificate fingerprint (SHA-256)." },
  },
});
