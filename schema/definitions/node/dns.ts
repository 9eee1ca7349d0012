import { configCalls, defineKind } from "../../define";
import { KEEP } from "./common";
import type { CheckFailure, KindHooks } from "../../hooks";

const SERVERS = ["dns1", "dns2", "dns3"] as const;

/**
 * A node's name servers as PVE keeps them (pve-common `update_etc_resolv_conf`,
 * `read_etc_resolv_conf`): written in order, repeats and `0.0.0.0` skipped, and numbered again on
 * read. A gap or a repeat would read back under other names, a change on every refresh: preview
 * refuses them.
 */
const nodeDnsHooks: KindHooks = {
  check(news) {
    const failures: CheckFailure[] = [];
    const seen = new Map<string, string>();
    SERVERS.forEach((field, i) => {
      const server = news[field];
      if (typeof server !== "string") return;
      const before = SERVERS[i - 1];
      if (before && typeof news[before] !== "string")
        failures.push({ property: field, reason: `needs ${before}: PVE numbers the name servers in order, so it would read back as ${before}` });
      if (server === "0.0.0.0") failures.push({ property: field, reason: "0.0.0.0 is not written by PVE (it means no name server)" });
      const twin = seen.get(server);
      if (twin) failures.push({ property: field, reason: `repeats ${twin}: PVE writes a name server once` });
      seen.set(server, field);
    });
    return failures;
  },
};

/** `node.Dns`. */
export const dns = defineKind({
  namespace: "node",
  name: "Dns",
  description:
    "A node's DNS resolver settings (`/nodes/{node}/dns`, /etc/resolv.conf). PVE rewrites the name servers from " +
    "each write alone, so every write sends the whole set: the name servers this resource lists are the node's " +
    `name servers, in order (\`dns2\` needs \`dns1\`, \`dns3\` needs \`dns2\`, no repeats). ${KEEP}`,
  lifecycle: "singleton",
  identity: ["node"],
  ...configCalls("/nodes/{node}/dns"),
  // `update_etc_resolv_conf` writes only the dnsN of the call: one left out is removed.
  update: { method: "PUT", path: "/nodes/{node}/dns", whole: true },
  hooks: nodeDnsHooks,
  fields: {
    node: { doc: "The node." },
    search: { doc: "The search domain." },
    dns1: { doc: "The first name server." },
    dns2: { doc: "The second name server (needs `dns1`)." },
    dns3: { doc: "The third name server (needs `dns2`)." },
  },
});
