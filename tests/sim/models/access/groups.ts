/**
 * `/access/groups` as pve-access-control `src/PVE/API2/Group.pm` serves it (`index`,
 * `create_group`, `update_group`, `read_group`, `delete_group`), with user.cfg's read-back of the
 * comment (`storedText`) and `PVE::AccessControl::delete_group_acl`.
 */
import type { AccessInstaller } from "./common";
import { die, lockUserConfig, str, storedText, subjectOf } from "./common";
import type { GroupEntry } from "./store";

function setComment(group: GroupEntry, comment: string | undefined): void {
  const stored = storedText(comment);
  if (stored === undefined) delete group.comment;
  else group.comment = stored;
}

/** Registers the group endpoints. */
export const installGroups: AccessInstaller = (register, ctx, { store, perms }) => {
  register("GET", "/access/groups", (req) => {
    const subject = subjectOf(req.auth);
    return [...store.groups]
      .filter(([g]) => perms.check(subject, `/access/groups/${g}`, ["User.Modify", "Sys.Audit", "Group.Allocate"], true, true))
      .map(([groupid, g]) => ({ groupid, ...(g.comment !== undefined ? { comment: g.comment } : {}), users: [...g.users].sort().join(",") }));
  });

  register("POST", "/access/groups", (req) =>
    lockUserConfig(ctx, "create group failed", () => {
      const groupid = String(req.params["groupid"]);
      if (store.groups.has(groupid)) throw die(`group '${groupid}' already exists`);
      const group: GroupEntry = { users: new Set() };
      setComment(group, str(req.params, "comment"));
      store.groups.set(groupid, group);
      return null;
    }),
  );

  register("GET", "/access/groups/{groupid}", (req) => {
    const groupid = String(req.params["groupid"]);
    const group = store.groups.get(groupid);
    if (!group) throw die(`group '${groupid}' does not exist`);
    // PVE lists the members in hash order; any order is PVE's, the simulator sorts.
    return { members: [...group.users].sort(), ...(group.comment !== undefined ? { comment: group.comment } : {}) };
  });

  register("PUT", "/access/groups/{groupid}", (req) =>
    lockUserConfig(ctx, "update group failed", () => {
      const groupid = String(req.params["groupid"]);
      const group = store.groups.get(groupid);
      if (!group) throw die(`group '${groupid}' does not exist`);
      const comment = str(req.params, "comment");
      if (comment !== undefined) setComment(group, comment);
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
      store.settleAcl();
      return null;
    }),
  );
};
