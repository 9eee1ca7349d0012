/**
 * The privileges each Proxmox VE major version knows (pve-access-control's `$privgroups` of
 * that release). PVE rejects a role with an unknown privilege only when it is written; these
 * facts let `check` reject it in preview, against the version of the PVE actually connected.
 */

/** Privileges common to PVE 7, 8 and 9. */
const COMMON = [
  "Datastore.Allocate",
  "Datastore.AllocateSpace",
  "Datastore.AllocateTemplate",
  "Datastore.Audit",
  "Group.Allocate",
  "Permissions.Modify",
  "Pool.Allocate",
  "Pool.Audit",
  "Realm.Allocate",
  "Realm.AllocateUser",
  "SDN.Allocate",
  "SDN.Audit",
  "Sys.Audit",
  "Sys.Console",
  "Sys.Incoming",
  "Sys.Modify",
  "Sys.PowerMgmt",
  "Sys.Syslog",
  "User.Modify",
  "VM.Allocate",
  "VM.Audit",
  "VM.Backup",
  "VM.Clone",
  "VM.Config.CDROM",
  "VM.Config.CPU",
  "VM.Config.Cloudinit",
  "VM.Config.Disk",
  "VM.Config.HWType",
  "VM.Config.Memory",
  "VM.Config.Network",
  "VM.Config.Options",
  "VM.Console",
  "VM.Migrate",
  "VM.PowerMgmt",
  "VM.Snapshot",
  "VM.Snapshot.Rollback",
] as const;

/** PVE 8 added resource mappings, `SDN.Use` and `Sys.AccessNetwork`. */
const PVE8_ADDED = ["Mapping.Audit", "Mapping.Modify", "Mapping.Use", "SDN.Use", "Sys.AccessNetwork"] as const;

/** PVE 9 replaced `VM.Monitor` with the `VM.GuestAgent.*` privileges and added `VM.Replicate`. */
const PVE9_ADDED = [
  "VM.GuestAgent.Audit",
  "VM.GuestAgent.FileRead",
  "VM.GuestAgent.FileSystemMgmt",
  "VM.GuestAgent.FileWrite",
  "VM.GuestAgent.Unrestricted",
  "VM.Replicate",
] as const;

/** Privileges by PVE major version. */
export const PRIVILEGES_BY_MAJOR: Readonly<Record<number, ReadonlySet<string>>> = {
  7: new Set([...COMMON, "VM.Monitor"]),
  8: new Set([...COMMON, ...PVE8_ADDED, "VM.Monitor"]),
  9: new Set([...COMMON, ...PVE8_ADDED, ...PVE9_ADDED]),
};

/** Privileges a later major version dropped, with what replaced them (for the error message). */
export const DROPPED_PRIVILEGES: Readonly<Record<string, { inMajor: number; replacedBy: string }>> = {
  "VM.Monitor": { inMajor: 9, replacedBy: "the VM.GuestAgent.* privileges (e.g. VM.GuestAgent.Audit)" },
};

/** The privileges of `privs` that PVE `major` does not know; undefined when the version has no facts. */
export function unknownPrivileges(major: number, privs: readonly string[]): string[] | undefined {
  const known = PRIVILEGES_BY_MAJOR[major];
  return known ? privs.filter((p) => !known.has(p)) : undefined;
}
