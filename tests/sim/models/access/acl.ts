/**
 * `/access/acl` as pve-access-control `src/PVE/API2/ACL.pm` serves it (`read_acl`, `update_acl`),
 * with `PVE::AccessControl::normalize_path`, `check_path`, `iterate_acl_tree` (the listing order)
 * and user.cfg's read-back of the ACL tree (`AccessStore.settleAcl`: root@pam's entries are never
 * written).
 */
import { splitList } from "../../../../schema/pve-formats";
import { normalizeAclPath } from "../../core/permissions";
import type { AccessInstaller } from "./common";
import { die, lockUserConfig, paramError, subjectOf } from "./common";
import type { AclNode, RoleGrants } from "./store";

const NAME = "[A-Za-z0-9._-]+";
const ALNUM = "[A-Za-z0-9]+";
/** `check_path`: the ACL paths PVE accepts for new entries. */
const VALID_PATH = new RegExp(
  "^(?:" +
    [
      "/",
      "/access",
      "/access/groups",
      `/access/groups/${NAME}`,
      "/access/realm",
      `/access/realm/${NAME}`,
      "/nodes",
      `/nodes/${NAME}`,
      "/pool",
      `/pool/${NAME}(?:/${NAME}){0,2}`,
      "/sdn",
      "/sdn/controllers",
      "/sdn/controllers/[A-Za-z0-9_-]+",
      "/sdn/dns",
      `/sdn/dns/${ALNUM}`,
      "/sdn/fabrics",
      `/sdn/fabrics/${ALNUM}`,
      "/sdn/ipams",
      `/sdn/ipams/${ALNUM}`,
      "/sdn/prefix-lists",
      `/sdn/prefix-lists/${ALNUM}`,
      "/sdn/route-maps",
      `/sdn/route-maps/${ALNUM}`,
      "/sdn/zones",
      `/sdn/zones/${NAME}`,
      `/sdn/zones/${NAME}/${NAME}`,
      `/sdn/zones/${NAME}/${NAME}/[1-9][0-9]{0,3}`,
      "/storage",
      `/storage/${NAME}`,
      "/vms",
      "/vms/[1-9][0-9]{2,}",
      "/mapping",
      `/mapping/${NAME}`,
      `/mapping/${NAME}/${NAME}`,
    ].join("|") +
    ")$",
);

/** The ACL paths in `iterate_acl_tree` order: a node, then its children sorted by name. */
export function aclTreeOrder(paths: Iterable<string>): string[] {
  const key = (path: string): string[] => (path === "/" ? [] : path.slice(1).split("/"));
  return [...paths].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
      const [p, q] = [x[i] ?? "", y[i] ?? ""];
      if (p !== q) return p < q ? -1 : 1;
    }
    return x.length - y.length;
  });
}

/** Registers the ACL endpoints. */
export const installAcl: AccessInstaller = (register, ctx, { store, perms }) => {
  register("GET", "/access/acl", (req) => {
    const subject = subjectOf(req.auth);
    // Everything with Sys.Audit on /access; otherwise the paths whose permissions the caller may modify.
    const audit = perms.check(subject, "/access", ["Sys.Audit"], false, true);
    const out: Record<string, unknown>[] = [];
    for (const path of aclTreeOrder(store.acl.keys())) {
      const node = store.acl.get(path) as AclNode;
      const emit = (type: string, entries: Map<string, RoleGrants>): void => {
        if (!entries.size || !(audit || perms.checkPermModify(subject, path, true))) return;
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
      // Changes are made on a copy of the tree and kept only if nothing dies (cfs_write_file comes last).
      const node = store.aclNode(path);
      const saved = { users: clone(node.users), groups: clone(node.groups), tokens: clone(node.tokens) };
      try {
        for (const role of splitList(String(p["roles"]))) {
          const privs = store.roles.get(role);
          if (!privs) throw die(`role '${role}' does not exist`);
          if (!mine.has("Permissions.Modify")) {
            for (const priv of privs) {
              if (!mine.has(priv)) throw paramError({ role: `Cannot ${verb} role '${role}' - requires 'Permissions.Modify' or superset of privileges.` });
              if (propagate && mine.get(priv) !== propagate && !p["delete"]) {
                throw paramError({
                  role: `Cannot ${verb} role '${role}' with propagation - requires 'Permissions.Modify' or propagated superset of privileges.`,
                });
              }
            }
            if (role === "NoAccess") throw paramError({ role: `Cannot ${verb} role '${role}' - requires 'Permissions.Modify'` });
          }
          const apply = (entries: Map<string, RoleGrants>, id: string): void => {
            if (p["delete"]) entries.get(id)?.delete(role);
            else entries.set(id, (entries.get(id) ?? new Map()).set(role, propagate));
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
      } catch (err) {
        restore(node, saved);
        store.settleAcl();
        throw err;
      }
      store.settleAcl();
      return null;
    });
  });
};

function clone(entries: Map<string, RoleGrants>): Map<string, RoleGrants> {
  return new Map([...entries].map(([id, grants]) => [id, new Map(grants)]));
}

function restore(node: AclNode, saved: Record<"users" | "groups" | "tokens", Map<string, RoleGrants>>): void {
  for (const key of ["users", "groups", "tokens"] as const) {
    node[key].clear();
    for (const [id, grants] of saved[key]) node[key].set(id, grants);
  }
}
