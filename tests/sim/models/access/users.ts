/**
 * `/access/users`, `/access/users/{userid}`, `.../tfa` and `.../unlock-tfa`, as pve-access-control
 * `src/PVE/API2/User.pm` serves them (`index`, `create_user`, `read_user`, `update_user`,
 * `delete_user`, `read_user_tfa_type`, `unlock_tfa`, `$extract_user_data`), with user.cfg's
 * read-back (`settleUser`) and `PVE::AccessControl::domain_set_password` for passwords.
 */
import { splitList } from "../../../../schema/pve-formats";
import type { AccessInstaller } from "./common";
import { die, lockUserConfig, perlTrue, str, subjectOf } from "./common";
import { setPassword } from "./passwords";
import type { AccessStore, UserEntry } from "./store";
import { settleUser } from "./store";

const USER_FIELDS = ["firstname", "lastname", "email", "comment", "keys"] as const;

/** `$extract_user_data`: the defined fields; with `full`, groups (sorted) and tokens (`null` when none). */
function extractUserData(user: UserEntry, full: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { enable: user.enable, expire: user.expire };
  for (const f of USER_FIELDS) if (user[f] !== undefined) out[f] = user[f];
  if (!full) return out;
  out["groups"] = [...user.groups].sort();
  out["tokens"] = user.tokens.size ? Object.fromEntries([...user.tokens].map(([id, t]) => [id, tokenView(t)])) : null;
  return out;
}

/** A token as user.cfg gives it back: privsep, expire, and the comment when set. */
export function tokenView(t: { privsep: 0 | 1; expire: number; comment?: string }): Record<string, unknown> {
  return { privsep: t.privsep, expire: t.expire, ...(t.comment !== undefined ? { comment: t.comment } : {}) };
}

/** Adds `userid` to each group of the list; `no such group` when one is missing. */
function joinGroups(store: AccessStore, userid: string, groups: string | undefined): void {
  for (const g of splitList(groups ?? "")) {
    const group = store.groups.get(g);
    if (!group) throw die(`no such group '${g}'`);
    group.users.add(userid);
    store.users.get(userid)?.groups.add(g);
  }
}

/** `delete_user_group`: removes `userid` from all its groups. */
export function leaveGroups(store: AccessStore, userid: string): void {
  for (const g of store.users.get(userid)?.groups ?? []) store.groups.get(g)?.users.delete(userid);
  store.users.get(userid)?.groups.clear();
}

/** Registers the user endpoints. */
export const installUsers: AccessInstaller = (register, ctx, { store, perms }) => {
  register("GET", "/access/users", (req) => {
    const enabled = req.params["enabled"];
    const full = Boolean(req.params["full"]);
    const subject = subjectOf(req.auth);
    const privs = ["User.Modify", "Sys.Audit"];
    const canUserMod = perms.check(subject, "/access/groups", privs, true, true);
    const visibleGroups = [...store.groups.keys()].filter((g) => perms.check(subject, `/access/groups/${g}`, privs, true, true));
    const allowed = new Set(visibleGroups.flatMap((g) => [...(store.groups.get(g)?.users ?? [])]));
    return [...store.users.keys()]
      .sort()
      .filter((id) => canUserMod || id === subject || allowed.has(id))
      .flatMap((id) => {
        const user = store.users.get(id);
        if (!user || (enabled !== undefined && Boolean(user.enable) !== Boolean(enabled))) return [];
        const entry = extractUserData(user, full);
        if (full) {
          entry["groups"] = (entry["groups"] as string[]).join(",");
          const tokens = entry["tokens"] as Record<string, Record<string, unknown>> | null;
          if (tokens)
            entry["tokens"] = Object.keys(tokens)
              .sort()
              .map((tokenid) => ({ tokenid, ...tokens[tokenid] }));
        }
        const realmType = store.realms.get(id.slice(id.lastIndexOf("@") + 1))?.["type"];
        if (realmType !== undefined) entry["realm-type"] = realmType;
        return [{ ...entry, userid: id }];
      });
  });

  register("POST", "/access/users", (req) =>
    lockUserConfig(ctx, "create user failed", () => {
      const userid = store.lookupUsername(String(req.params["userid"]));
      if (store.users.has(userid)) throw die(`user '${userid}' already exists`);
      const password = str(req.params, "password");
      if (password !== undefined) setPassword(store, userid, password);
      const fields: Partial<UserEntry> = { enable: req.params["enable"] === 0 ? 0 : 1 };
      if (perlTrue(req.params["expire"])) fields.expire = Number(req.params["expire"]);
      // Only true values are stored on create (`... if $param->{firstname}`).
      for (const f of USER_FIELDS) if (perlTrue(req.params[f])) fields[f] = String(req.params[f]);
      const before = new Map(store.users);
      store.addUser(userid, fields);
      try {
        joinGroups(store, userid, str(req.params, "groups"));
      } catch (err) {
        // The handler dies before cfs_write_file: nothing of the user is kept.
        leaveGroups(store, userid);
        if (!before.has(userid)) store.users.delete(userid);
        throw err;
      }
      return null;
    }),
  );

  register("GET", "/access/users/{userid}", (req) => {
    const userid = String(req.params["userid"]);
    const user = store.users.get(userid);
    if (!user) throw die(`no such user ('${userid}')`);
    return extractUserData(user, true);
  });

  register("PUT", "/access/users/{userid}", (req) =>
    lockUserConfig(ctx, "update user failed", () => {
      const userid = String(req.params["userid"]);
      const user = store.users.get(userid);
      if (!user) throw die(`no such user ('${userid}')`);
      const groups = str(req.params, "groups");
      // A missing group dies before cfs_write_file, so nothing of this update is kept.
      for (const g of splitList(groups ?? "")) if (!store.groups.has(g)) throw die(`no such group '${g}'`);
      if (req.params["enable"] !== undefined) user.enable = req.params["enable"] === 1 ? 1 : 0;
      if (req.params["expire"] !== undefined) user.expire = Number(req.params["expire"]);
      if (!req.params["append"] && groups !== undefined) leaveGroups(store, userid);
      joinGroups(store, userid, groups);
      for (const f of USER_FIELDS) {
        const value = str(req.params, f);
        if (value !== undefined) user[f] = value;
      }
      settleUser(user);
      return null;
    }),
  );

  // `delete_user` does not look the user up: it disables the entry (creating it on the way), then
  // removes it, its TFA, group memberships and ACL entries. The permission check is what refuses a
  // missing user, and root@pam skips it: deleting a user that does not exist succeeds for root@pam.
  register("DELETE", "/access/users/{userid}", (req) =>
    lockUserConfig(ctx, "delete user failed", () => {
      const userid = String(req.params["userid"]);
      leaveGroups(store, userid);
      store.users.delete(userid);
      store.tfa.delete(userid);
      // Only the pve realm's plugin removes anything (its shadow.cfg entry); a PAM account stays.
      if (store.realms.get(userid.slice(userid.lastIndexOf("@") + 1))?.["type"] === "pve") store.passwords.delete(userid);
      for (const node of store.acl.values()) node.users.delete(userid);
      // Token ACL entries of the user's tokens are dropped when user.cfg is parsed again.
      for (const node of store.acl.values()) for (const tokenid of [...node.tokens.keys()]) if (tokenid.startsWith(`${userid}!`)) node.tokens.delete(tokenid);
      store.settleAcl();
      return null;
    }),
  );

  register("GET", "/access/users/{userid}/tfa", (req) => {
    const userid = String(req.params["userid"]);
    const realm = userid.slice(userid.lastIndexOf("@") + 1);
    const realmCfg = store.realms.get(realm);
    if (!realmCfg) throw die(`auth domain '${realm}' does not exist`);
    const res: Record<string, unknown> = {};
    const realmTfa = /(?:^|,)(?:type=)?(yubico|oath)(?:,|$)/.exec(String(realmCfg["tfa"] ?? ""))?.[1];
    if (realmTfa) res["realm"] = realmTfa;
    const entries = store.tfa.get(userid) ?? [];
    if (req.params["multiple"]) res["user"] = [...new Set(entries.map((e) => e.type))];
    // The single-type answer reads the legacy view of tfa.cfg: the first u2f, totp ('oath') or yubico entry.
    else {
      const legacy = entries.find((e) => e.type === "u2f") ?? entries.find((e) => e.type === "totp") ?? entries.find((e) => e.type === "yubico");
      if (legacy) res["user"] = legacy.type === "totp" ? "oath" : legacy.type;
    }
    return res;
  });

  // No lockout is modelled (PVE locks TOTP after repeated failures): there is never anything to unlock.
  register("PUT", "/access/users/{userid}/unlock-tfa", () => 0);
};
