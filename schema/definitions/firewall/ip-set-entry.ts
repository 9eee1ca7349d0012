/** `firewall.IpSetEntry`: an entry of an IP set, whose CIDR (its identity) must be written as PVE stores it. */
import { defineKind } from "../../define";
import type { KindHooks } from "../../hooks";
import { lowercaseName, storedDifferently, text } from "./checks";

const ipSetEntryHooks: KindHooks = {
  check(news) {
    const failures = lowercaseName(news, "ipSet", "IP set");
    const cidr = text(news["cidr"]);
    const why = cidr === undefined ? undefined : storedDifferently(cidr, true);
    return why ? [...failures, { property: "cidr", reason: why }] : failures;
  },
};

/** `firewall.IpSetEntry`. */
export const ipSetEntry = defineKind({
  namespace: "firewall",
  name: "IpSetEntry",
  description:
    "An entry of a datacenter IP set (`/cluster/firewall/ipset/{name}/{cidr}`): an address, network or alias. " +
    "The id is `<ipSet>/<cidr>` (the CIDR keeps its '/': PVE routes the rest of an IP set path as the entry). " +
    "Changing the CIDR replaces the entry; its comment and `nomatch` change in place.",
  lifecycle: "collection",
  identity: ["name", "cidr"],
  create: { method: "POST", path: "/cluster/firewall/ipset/{name}" },
  read: { path: "/cluster/firewall/ipset/{name}/{cidr}" },
  // PVE rewrites the entry's comment and nomatch from the call: one left out would be dropped.
  update: { method: "PUT", path: "/cluster/firewall/ipset/{name}/{cidr}", whole: true },
  remove: { method: "DELETE", path: "/cluster/firewall/ipset/{name}/{cidr}" },
  hooks: ipSetEntryHooks,
  fields: {
    name: { sdkName: "ipSet", doc: "The IP set the entry belongs to." },
    cidr: { doc: "The IP address, network (CIDR) or alias name of the entry, as PVE stores it: no `/32`, no host bits in a network (checked in preview)." },
    nomatch: { doc: "Exclude this address or network from the set instead of including it." },
    comment: { doc: "A free-form comment." },
  },
});
