/** `firewall.IpSet`: a datacenter IP set, named in lower case as cluster.fw reads it back. */
import { defineKind } from "../../define";
import type { KindHooks } from "../../hooks";
import { lowercaseName } from "./checks";

const ipSetHooks: KindHooks = { check: (news) => lowercaseName(news, "name", "IP set") };

/** `firewall.IpSet`. */
export const ipSet = defineKind({
  namespace: "firewall",
  name: "IpSet",
  description:
    "A datacenter IP set (`/cluster/firewall/ipset`), used in rules as `+name`; its entries are " +
    "`firewall.IpSetEntry` resources. Its comment changes in place (the entries stay); a new name replaces it.",
  lifecycle: "collection",
  identity: ["name"],
  create: { method: "POST", path: "/cluster/firewall/ipset" },
  read: { path: "/cluster/firewall/ipset", select: (item, id) => item["name"] === id["name"] },
  // PVE's only update of an IP set: "rename" it to its own name with the new comment (IPSet.pm `create_ipset`).
  update: { method: "POST", path: "/cluster/firewall/ipset", sameAs: { rename: "name" } },
  remove: { method: "DELETE", path: "/cluster/firewall/ipset/{name}" },
  exclude: ["rename"],
  hooks: ipSetHooks,
  fields: {
    name: { doc: "The IP set name, in lower case (PVE reads IP set names back lowercased)." },
    comment: { doc: "A free-form comment." },
  },
});
