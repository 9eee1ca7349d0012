/** `/access/acl` (`PVE::API2::ACL`): list and modify ACL entries. */
import { splitList } from "../core/formats";
import { normalizeAclPath } from "../core/permissions";
import type { AccessInstaller } from "./common";
import { die, lockUserConfig, paramError, subjectOf } from "./common";
import type { RoleGrants } from "./store";

/** `check_path`: the ACL paths PVE accepts for new entries. */
const VALID_PATH = new RegExp(
  "^(/|/access|/access/groups|/access/groups/[\\w.-]+|/access/realm|/access/realm/[\\w.-]+|/nodes|/nodes/[\\w.-]+|/pool|/pool/[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+){0,2}" +
    "|/sdn|/sdn/(controllers|dns|fabrics|ipams|prefix-lists|route-maps|zones)(/[\\w.-]+)?|/sdn/zones/[\\w.-]+/[\\w.-]+(/[1-9][0-9]{0,3})?" +
    "|/storage|/storage/[\\w.-]+|/vms|/vms/[1-9][0-9]{2,}|/mapping|/mapping/[\\w.-]+|/mapping/[\\w.-]+/[\\w.-]+)$",
);

/** Registers the ACL endpoints. */
export const installAcl: AccessInstaller = (register, ctx, { store, perms }) => {
  register("GET", "/access/acl", (req) => {
    const subject = subjectOf(req.auth);
    const out: Record<string, unknown>[] = [];
    for (const [path, node] of [...store.acl].sort(([a], [b]) => a.localeCompare(b))) {
      // Entries are listed only where the caller may audit or modify permissions.
      if (!perms.check(subject, path, ["Sys.Audit", "Permissions.Modify"], true, true)) continue;
      const emit = (type: string, entries: Map<string, RoleGrants>): void => {
        for (const [ugid, grants] of entries) for (const [roleid, propagate] of grants) out.push({ path, type, ugid, roleid, propagate });
      };
      emit("user", node.users);
      emit("group", node.groups);
      emit("token", node.tokens);
    }
    return out;
  });

  register("PUT", "/access/acl", (req) => {
    const p = req.params;
    if (!(p["users"] || p["groups"] || p["tokens"])) {
      const msg = "either 'users', 'groups' or 'tokens' is required.";
      throw paramError({ users: msg, groups: msg, tokens: msg });
    }
    const raw = String(p["path"]);
    const path = normalizeAclPath(raw);
    if (!path || (!p["delete"] && !VALID_PATH.test(path))) throw paramError({ path: `invalid ACL path '${raw}'` });
    return lockUserConfig(ctx, "ACL update failed", () => {
      const subject = subjectOf(req.auth);
      const mine = perms.permissions(subject, path);
      const propagate: 0 | 1 = p["propagate"] === 0 ? 0 : 1;
      const verb = p["delete"] ? "remove" : "add";
      const node = store.aclNode(path);
      for (const role of splitList(String(p["roles"]))) {
        const privs = store.roles.get(role);
        if (!privs) throw die(`role '${role}' does not exist`);
        if (!mine.has("Permissions.Modify")) {
          for (const priv of privs) {
            if (!mine.has(priv)) throw paramError({ role: `Cannot ${verb} role '${role}' - requires 'Permissions.Modify' or superset of privileges.` });
            if (propagate && mine.get(priv) !== propagate && !p["delete"]) {
              throw paramError({ role: `Cannot ${verb} role '${role}' with propagation - requires 'Permissions.Modify' or propagated superset of privileges.` });
            }
          }
          if (role === "NoAccess") throw paramError({ role: `Cannot ${verb} role '${role}' - requires 'Permissions.Modify'` });
        }
        const apply = (entries: Map<string, RoleGrants>, id: string): void => {
          if (p["delete"]) entries.get(id)?.delete(role);
          else entries.set(id, (entries.get(id) ?? new Map()).set(role, propagate));
          if (entries.get(id)?.size === 0) entries.delete(id);
        };
        for (const g of splitList(String(p["groups"] ?? ""))) {
          if (!store.groups.has(g)) throw die(`group '${g}' does not exist`);
          apply(node.groups, g);
        }
        for (const u of splitList(String(p["users"] ?? ""))) {
          if (!store.users.has(u)) throw die(`user '${u}' does not exist`);
          apply(node.users, u);
        }
        for (const t of splitList(String(p["tokens"] ?? ""))) {
          const bang = t.lastIndexOf("!");
          const userid = t.slice(0, bang);
          const tokenid = t.slice(bang + 1);
          if (!store.users.has(userid)) throw die(`no such user ('${userid}')`);
          if (!store.users.get(userid)?.tokens.has(tokenid)) throw die(`no such token '${tokenid}' for user '${userid}'`);
          apply(node.tokens, t);
        }
      }
      if (!node.users.size && !node.groups.size && !node.tokens.size) store.acl.delete(path);
      return null;
    });
  });
};
