/** `/access/users` and `/access/users/{userid}` (`PVE::API2::User`). */
import { splitList } from "../core/formats";
import type { AccessInstaller } from "./common";
import { assignStrings, die, lockUserConfig, str } from "./common";
import type { AccessStore, UserEntry } from "./store";

const USER_FIELDS = ["firstname", "lastname", "email", "comment", "keys"] as const;

/** A user as `GET /access/users` lists it. */
function listEntry(store: AccessStore, userid: string, user: UserEntry, full: boolean): Record<string, unknown> {
  const realm = userid.slice(userid.lastIndexOf("@") + 1);
  const out: Record<string, unknown> = { userid, enable: user.enable, expire: user.expire, "realm-type": store.realms.get(realm)?.["type"] ?? realm };
  for (const f of USER_FIELDS) if (user[f] !== undefined) out[f] = user[f];
  if (user.groups.size) out["groups"] = [...user.groups].sort().join(",");
  if (full) out["tokens"] = [...user.tokens].map(([tokenid, t]) => ({ tokenid, privsep: t.privsep, expire: t.expire, ...(t.comment !== undefined ? { comment: t.comment } : {}) }));
  return out;
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

/** Removes `userid` from all its groups. */
export function leaveGroups(store: AccessStore, userid: string): void {
  for (const g of store.users.get(userid)?.groups ?? []) store.groups.get(g)?.users.delete(userid);
  store.users.get(userid)?.groups.clear();
}

/** Registers the user endpoints. */
export const installUsers: AccessInstaller = (register, ctx, { store, perms }) => {
  register("GET", "/access/users", (req) => {
    const enabled = req.params["enabled"];
    const full = Boolean(req.params["full"]);
    const subject = req.auth.tokenid ? `${req.auth.userid}!${req.auth.tokenid}` : req.auth.userid;
    const canSeeAll = perms.check(subject, "/access/groups", ["User.Modify", "Sys.Audit"], true, true);
    return [...store.users]
      .filter(([, u]) => enabled === undefined || u.enable === enabled)
      .filter(([id]) => canSeeAll || id === req.auth.userid || [...(store.users.get(id)?.groups ?? [])].some((g) => perms.check(subject, `/access/groups/${g}`, ["User.Modify", "Sys.Audit"], true, true)))
      .map(([id, u]) => listEntry(store, id, u, full));
  });

  register("POST", "/access/users", (req) =>
    lockUserConfig(ctx, "create user failed", () => {
      const userid = String(req.params["userid"]);
      if (store.users.has(userid)) throw die(`user '${userid}' already exists`);
      const realm = userid.slice(userid.lastIndexOf("@") + 1);
      if (!store.realms.has(realm)) throw die(`auth domain '${realm}' does not exist`);
      const user = store.addUser(userid, { enable: req.params["enable"] === 0 ? 0 : 1, expire: Number(req.params["expire"] ?? 0) });
      joinGroups(store, userid, str(req.params, "groups"));
      assignStrings(user, req.params, USER_FIELDS);
      const password = str(req.params, "password");
      if (password !== undefined) store.passwords.set(userid, password);
      return null;
    }),
  );

  register("GET", "/access/users/{userid}", (req) => {
    const userid = String(req.params["userid"]);
    const user = store.users.get(userid);
    if (!user) throw die(`no such user ('${userid}')`);
    const { userid: _id, "realm-type": _rt, ...rest } = listEntry(store, userid, user, false);
    const tokens = Object.fromEntries([...user.tokens].map(([id, t]) => [id, { privsep: t.privsep, expire: t.expire, ...(t.comment !== undefined ? { comment: t.comment } : {}) }]));
    return { ...rest, groups: [...user.groups].sort(), tokens };
  });

  register("PUT", "/access/users/{userid}", (req) =>
    lockUserConfig(ctx, "update user failed", () => {
      const userid = String(req.params["userid"]);
      const user = store.users.get(userid);
      if (!user) throw die(`no such user ('${userid}')`);
      if (req.params["enable"] !== undefined) user.enable = req.params["enable"] === 1 ? 1 : 0;
      if (req.params["expire"] !== undefined) user.expire = Number(req.params["expire"]);
      const groups = str(req.params, "groups");
      if (!req.params["append"] && groups !== undefined) leaveGroups(store, userid);
      joinGroups(store, userid, groups);
      assignStrings(user, req.params, USER_FIELDS);
      return null;
    }),
  );

  register("DELETE", "/access/users/{userid}", (req) =>
    lockUserConfig(ctx, "delete user failed", () => {
      const userid = String(req.params["userid"]);
      if (!store.users.has(userid)) throw die(`no such user ('${userid}')`);
      leaveGroups(store, userid);
      store.users.delete(userid);
      store.tfa.delete(userid);
      store.passwords.delete(userid);
      for (const node of store.acl.values()) {
        node.users.delete(userid);
        for (const tokenid of [...node.tokens.keys()]) if (tokenid.startsWith(`${userid}!`)) node.tokens.delete(tokenid);
      }
      return null;
    }),
  );
};
