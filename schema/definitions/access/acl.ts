import { defineKind } from "../../define";
import type { CheckFailure, KindHooks } from "../../hooks";
import { aclPathProblem } from "../../facts/acl-paths";

/**
 * ACL entries: the path must be one PVE stores as written (it normalizes `/storage/local/` to
 * `/storage/local`, and the entry would never be found again), and PVE never stores an entry for
 * `root@pam` (it always has every privilege), so such an entry could never be read back.
 */
const aclEntryHooks: KindHooks = {
  check(news) {
    const failures: CheckFailure[] = [];
    const path = news["path"];
    const problem = typeof path === "string" ? aclPathProblem(path) : undefined;
    if (problem) failures.push({ property: "path", reason: problem });
    if (news["userId"] === "root@pam") {
      failures.push({ property: "userId", reason: "PVE stores no ACL entries for root@pam, which always has every privilege; grant the role to another user" });
    }
    return failures;
  },
};

const ACL_TYPES = { users: "user", groups: "group", tokens: "token" } as const;

/** `access.Acl`: one ACL entry (path, role, and one user, group or token). */
export const acl = defineKind({
  namespace: "access",
  name: "Acl",
  description:
    "One entry of the Proxmox VE access control list: a role granted on a path to exactly one user, group or " +
    "API token. Its identity is (path, role, subject), so removing one entry never touches the others. " +
    "The path is written as PVE stores it (no trailing '/'); `root@pam` needs no entries (PVE stores none for it).",
  lifecycle: "collection",
  identity: ["path", "roles", "users", "groups", "tokens"],
  idSeparator: "|",
  create: { method: "PUT", path: "/access/acl" },
  // PVE sets an entry that is there again without complaint.
  createTakesExisting: true,
  read: {
    path: "/access/acl",
    select: (item, id) => {
      const subject = (Object.keys(ACL_TYPES) as (keyof typeof ACL_TYPES)[]).find((key) => id[key]);
      return (
        subject !== undefined &&
        item["path"] === id["path"] &&
        item["roleid"] === id["roles"] &&
        item["type"] === ACL_TYPES[subject] &&
        item["ugid"] === id[subject]
      );
    },
  },
  update: { method: "PUT", path: "/access/acl" },
  remove: { method: "PUT", path: "/access/acl", extra: { delete: 1 } },
  oneOf: [{ fields: ["users", "groups", "tokens"], required: true }],
  hooks: aclEntryHooks,
  fields: {
    path: { doc: "The ACL path, e.g. `/`, `/vms/100`, `/pool/dev`, `/sdn/zones/zone1`." },
    roles: { sdkName: "roleId", single: true, doc: "The role granted." },
    users: { sdkName: "userId", single: true, replaceOnChange: true, doc: "The user granted the role (`name@realm`)." },
    groups: { sdkName: "groupId", single: true, replaceOnChange: true, doc: "The group granted the role." },
    tokens: {
      sdkName: "tokenId",
      single: true,
      replaceOnChange: true,
      doc: "The API token granted the role (`user@realm!token`).",
    },
    propagate: { doc: "Whether the grant propagates to sub-paths. PVE's default is true." },
  },
});
