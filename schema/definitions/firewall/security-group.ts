/** `firewall.SecurityGroup`: a named list of rules, named in lower case as cluster.fw reads it back. */
import { defineKind } from "../../define";
import type { KindHooks } from "../../hooks";
import { lowercaseName } from "./checks";

const securityGroupHooks: KindHooks = { check: (news) => lowercaseName(news, "group", "security group") };

/** `firewall.SecurityGroup`. */
export const securityGroup = defineKind({
  namespace: "firewall",
  name: "SecurityGroup",
  description:
    "A security group (`/cluster/firewall/groups`): a named list of rules (`firewall.SecurityGroupRule`) that " +
    "other rules include with `type: group`. Its comment changes in place (the rules stay); a new name replaces it.",
  lifecycle: "collection",
  identity: ["group"],
  create: { method: "POST", path: "/cluster/firewall/groups" },
  read: { path: "/cluster/firewall/groups", select: (item, id) => item["group"] === id["group"] },
  // PVE's only update of a group: "rename" it to its own name with the new comment (Groups.pm `create_security_group`).
  update: { method: "POST", path: "/cluster/firewall/groups", sameAs: { rename: "group" } },
  remove: { method: "DELETE", path: "/cluster/firewall/groups/{group}" },
  exclude: ["rename"],
  hooks: securityGroupHooks,
  fields: {
    group: { doc: "The security group name, in lower case (PVE reads group names back lowercased)." },
    comment: { doc: "A free-form comment." },
  },
});
