/**
 * `/access/roles` as pve-access-control `src/PVE/API2/Role.pm` serves it (`index`, `create_role`,
 * `update_role`, `read_role`, `delete_role`) with `PVE::AccessControl::add_role_privs` and
 * `role_is_special`: built-in roles cannot be changed; ACL entries naming a deleted role are
 * dropped when user.cfg is parsed again (`parse_user_config`: "ignore invalid acl role").
 */
import { splitList } from "../../../../schema/pve-formats";
import { BUILTIN_ROLES, isPrivilege } from "./privileges";
import type { AccessInstaller } from "./common";
import { die, lockUserConfig, paramError, str } from "./common";

/** `add_role_privs`: every privilege must be a PVE 9 privilege. */
function parsePrivs(privs: string | undefined): string[] {
  const list = splitList(privs ?? "");
  for (const p of list) if (!isPrivilege(p)) throw die(`invalid privilege '${p}'`);
  return list;
}

/** Registers the role endpoints. */
export const installRoles: AccessInstaller = (register, ctx, { store }) => {
  register("GET", "/access/roles", () =>
    [...store.roles].map(([roleid, privs]) => ({ roleid, privs: [...privs].sort().join(","), special: roleid in BUILTIN_ROLES ? 1 : 0 })),
  );

  register("POST", "/access/roles", (req) => {
    const roleid = String(req.params["roleid"]);
    if (/^PVE/i.test(roleid)) throw paramError({ roleid: "cannot use role ID starting with the (case-insensitive) 'PVE' namespace" });
    return lockUserConfig(ctx, "create role failed", () => {
      if (store.roles.has(roleid)) throw die(`role '${roleid}' already exists`);
      store.roles.set(roleid, new Set(parsePrivs(str(req.params, "privs"))));
      return null;
    });
  });

  register("GET", "/access/roles/{roleid}", (req) => {
    const roleid = String(req.params["roleid"]);
    const privs = store.roles.get(roleid);
    if (!privs) throw die(`role '${roleid}' does not exist`);
    // PVE returns the privileges as a hash of booleans.
    return Object.fromEntries([...privs].sort().map((p) => [p, 1]));
  });

  register("PUT", "/access/roles/{roleid}", (req) => {
    const roleid = String(req.params["roleid"]);
    if (roleid in BUILTIN_ROLES) throw die(`auto-generated role '${roleid}' cannot be modified`);
    return lockUserConfig(ctx, "update role failed", () => {
      const privs = store.roles.get(roleid);
      if (!privs) throw die(`role '${roleid}' does not exist`);
      const list = parsePrivs(str(req.params, "privs"));
      if (!req.params["append"]) privs.clear();
      for (const p of list) privs.add(p);
      return null;
    });
  });

  register("DELETE", "/access/roles/{roleid}", (req) => {
    const roleid = String(req.params["roleid"]);
    if (roleid in BUILTIN_ROLES) throw die(`auto-generated role '${roleid}' cannot be deleted`);
    return lockUserConfig(ctx, "delete role failed", () => {
      if (!store.roles.has(roleid)) throw die(`role '${roleid}' does not exist`);
      // PVE leaves the ACL tree alone ("fixme: delete role from acl?"), but the next parse of
      // user.cfg drops every entry naming a role that does not exist.
      store.roles.delete(roleid);
      store.settleAcl();
      return null;
    });
  });
};
