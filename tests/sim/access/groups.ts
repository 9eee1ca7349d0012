/** `/access/groups` (`PVE::API2::Group`). */
import type { AccessInstaller } from "./common";
import { die, lockUserConfig, str, subjectOf } from "./common";

/** Registers the group endpoints. */
export const installGroups: AccessInstaller = (register, ctx, { store, perms }) => {
  register("GET", "/access/groups", (req) => {
    const subject = subjectOf(req.auth);
    return [...store.groups]
      .filter(([g]) => perms.check(subject, `/access/groups/${g}`, ["Sys.Audit", "Group.Allocate"], true, true))
      .map(([groupid, g]) => ({ groupid, ...(g.comment !== undefined ? { comment: g.comment } : {}), users: [...g.users].sort().join(",") }));
  });

  register("POST", "/access/groups", (req) =>
    lockUserConfig(ctx, "create group failed", () => {
      const groupid = String(req.params["groupid"]);
      if (store.groups.has(groupid)) throw die(`group '${groupid}' already exists`);
      const comment = str(req.params, "comment");
      store.groups.set(groupid, { users: new Set(), ...(comment !== undefined ? { comment } : {}) });
      return null;
    }),
  );

  register("GET", "/access/groups/{groupid}", (req) => {
    const groupid = String(req.params["groupid"]);
    const group = store.groups.get(groupid);
    if (!group) throw die(`group '${groupid}' does not exist`);
    return { ...(group.comment !== undefined ? { comment: group.comment } : {}), members: [...group.users].sort() };
  });

  register("PUT", "/access/groups/{groupid}", (req) =>
    lockUserConfig(ctx, "update group failed", () => {
      const groupid = String(req.params["groupid"]);
      const group = store.groups.get(groupid);
      if (!group) throw die(`group '${groupid}' does not exist`);
      const comment = str(req.params, "comment");
      if (comment !== undefined) group.comment = comment;
      return null;
    }),
  );

  register("DELETE", "/access/groups/{groupid}", (req) =>
    lockUserConfig(ctx, "delete group failed", () => {
      const groupid = String(req.params["groupid"]);
      const group = store.groups.get(groupid);
      if (!group) throw die(`group '${groupid}' does not exist`);
      for (const userid of group.users) store.users.get(userid)?.groups.delete(groupid);
      store.groups.delete(groupid);
      for (const node of store.acl.values()) node.groups.delete(groupid);
      return null;
    }),
  );
};
