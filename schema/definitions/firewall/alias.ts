/** `firewall.Alias`: a name for an address, with the check that keeps its address as PVE stores it. */
import { restCalls, defineKind } from "../../define";
import type { KindHooks } from "../../hooks";
import { storedDifferently, text } from "./checks";

/** Its address as PVE reads it back. */
const aliasHooks: KindHooks = {
  check(news) {
    const cidr = text(news["cidr"]);
    const why = cidr === undefined ? undefined : storedDifferently(cidr, false);
    return why ? [{ property: "cidr", reason: why }] : [];
  },
};

/** `firewall.Alias`. */
export const alias = defineKind({
  namespace: "firewall",
  name: "Alias",
  description: "A firewall alias (`/cluster/firewall/aliases`): a name for an IP or network, usable in rules and IP sets.",
  lifecycle: "collection",
  identity: ["name"],
  ...restCalls("/cluster/firewall/aliases", "/cluster/firewall/aliases/{name}"),
  // PVE rewrites the alias from the call's parameters: a comment left out would be dropped.
  update: { method: "PUT", path: "/cluster/firewall/aliases/{name}", whole: true },
  exclude: ["rename"],
  hooks: aliasHooks,
  fields: {
    name: { doc: "The alias name (PVE compares names case-insensitively; write it in lower case)." },
    cidr: { doc: "The IP address or network (CIDR) the alias stands for; a single address without `/32` (PVE drops it)." },
    comment: { doc: "A free-form comment." },
  },
});
