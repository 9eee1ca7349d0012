/**
 * PVE 9's privileges and built-in roles, as pve-access-control 9.1 `src/PVE/AccessControl.pm`
 * (`$privgroups`, `$special_roles`, `create_roles`) defines them: PVE 9 dropped `VM.Monitor` and
 * added `VM.Replicate` and the `VM.GuestAgent.*` privileges.
 */

interface PrivGroup {
  readonly root: readonly string[];
  readonly admin: readonly string[];
  readonly user: readonly string[];
  readonly audit: readonly string[];
}

const PRIV_GROUPS: Readonly<Record<string, PrivGroup>> = {
  VM: {
    root: [],
    admin: [
      "VM.Config.Disk",
      "VM.Config.CPU",
      "VM.Config.Memory",
      "VM.Config.Network",
      "VM.Config.HWType",
      "VM.Config.Options",
      "VM.Allocate",
      "VM.Clone",
      "VM.GuestAgent.Unrestricted",
      "VM.Migrate",
      "VM.Replicate",
      "VM.Snapshot",
      "VM.Snapshot.Rollback",
    ],
    user: [
      "VM.Config.CDROM",
      "VM.Config.Cloudinit",
      "VM.Console",
      "VM.Backup",
      "VM.GuestAgent.FileRead",
      "VM.GuestAgent.FileSystemMgmt",
      "VM.GuestAgent.FileWrite",
      "VM.PowerMgmt",
    ],
    audit: ["VM.Audit", "VM.GuestAgent.Audit"],
  },
  Sys: { root: ["Sys.PowerMgmt", "Sys.Modify", "Sys.Incoming", "Sys.AccessNetwork"], admin: ["Sys.Console", "Sys.Syslog"], user: [], audit: ["Sys.Audit"] },
  Datastore: { root: [], admin: ["Datastore.Allocate", "Datastore.AllocateTemplate"], user: ["Datastore.AllocateSpace"], audit: ["Datastore.Audit"] },
  SDN: { root: [], admin: ["SDN.Allocate", "SDN.Audit"], user: ["SDN.Use"], audit: ["SDN.Audit"] },
  User: { root: ["Realm.Allocate"], admin: ["User.Modify", "Group.Allocate", "Realm.AllocateUser"], user: [], audit: [] },
  Pool: { root: [], admin: ["Pool.Allocate"], user: ["Pool.Audit"], audit: ["Pool.Audit"] },
  Mapping: { root: [], admin: ["Mapping.Modify"], user: ["Mapping.Use"], audit: ["Mapping.Audit"] },
};

function buildRoles(): { privileges: string[]; roles: Record<string, string[]> } {
  const valid = new Set<string>(["Permissions.Modify"]);
  const roles: Record<string, Set<string>> = {};
  const add = (role: string, privs: readonly string[]): void => {
    const set = (roles[role] ??= new Set());
    for (const p of privs) set.add(p);
  };
  for (const [cat, g] of Object.entries(PRIV_GROUPS)) {
    for (const p of [...g.root, ...g.admin, ...g.user, ...g.audit]) valid.add(p);
    add(`PVE${cat}Admin`, [...g.admin, ...g.user, ...g.audit]);
    add("PVEAdmin", [...g.admin, ...g.user, ...g.audit]);
    if (g.user.length) add(`PVE${cat}User`, [...g.user, ...g.audit]);
    add("PVEAuditor", g.audit);
  }
  // Only Administrator, root@pam and PVEMappingAdmin may modify mappings.
  roles["PVEAdmin"]?.delete("Mapping.Modify");
  const privileges = [...valid].sort();
  const out: Record<string, string[]> = { Administrator: privileges, NoAccess: [], PVETemplateUser: ["VM.Audit", "VM.Clone"] };
  for (const [name, set] of Object.entries(roles)) out[name] = [...set].sort();
  return { privileges, roles: out };
}

const built = buildRoles();

/** Every valid privilege name of PVE 9, sorted. */
export const PRIVILEGES: readonly string[] = built.privileges;

/** The built-in ("special") roles with their privileges; they cannot be modified or deleted. */
export const BUILTIN_ROLES: Readonly<Record<string, readonly string[]>> = built.roles;

const PRIV_SET = new Set(PRIVILEGES);

/** True when `priv` is a PVE 9 privilege. */
export function isPrivilege(priv: string): boolean {
  return PRIV_SET.has(priv);
}
