/** A node's system settings: DNS, /etc/hosts, node options, time zone. Each is a singleton per node. */
import { configCalls, defineKind } from "../../define";

const KEEP =
  "Deleting the resource leaves the node's values as they are (PVE has no default to return to).";

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
  hooks: "node-dns",
  fields: {
    node: { doc: "The node." },
    search: { doc: "The search domain." },
    dns1: { doc: "The first name server." },
    dns2: { doc: "The second name server (needs `dns1`)." },
    dns3: { doc: "The third name server (needs `dns2`)." },
  },
});

/** `node.Hosts`. */
export const hosts = defineKind({
  namespace: "node",
  name: "Hosts",
  description:
    "A node's whole /etc/hosts (`/nodes/{node}/hosts`). Every write carries the digest of the file as just " +
    `read, so PVE refuses it if the file changed in between instead of losing that change. ${KEEP}`,
  lifecycle: "singleton",
  identity: ["node"],
  create: { method: "POST", path: "/nodes/{node}/hosts" },
  read: { path: "/nodes/{node}/hosts", address: { digest: "digest" } },
  update: { method: "POST", path: "/nodes/{node}/hosts" },
  fields: {
    node: { doc: "The node." },
    data: { doc: "The full content of /etc/hosts." },
  },
  outputs: { digest: { pveName: "digest", type: "string", doc: "SHA-1 of the file as last read." } },
});

/** `node.Options`. */
export const nodeOptions = defineKind({
  namespace: "node",
  name: "Options",
  description:
    "A node's options (`/nodes/{node}/config`): description, start-on-boot delay, wake-on-LAN, ballooning " +
    "target, the ACME account and the ACME domains. Deleting the resource resets the options it managed.",
  lifecycle: "singleton",
  identity: ["node"],
  ...configCalls("/nodes/{node}/config"),
  fields: {
    node: { doc: "The node." },
    acme: { doc: "The ACME account (`account`) this node orders its certificate with, and the legacy `domains` list (`;`-separated)." },
    "acmedomain[n]": {
      sdkName: "acmeDomains",
      doc:
        "The domains of this node's ACME certificate, each with the plugin that validates it (`standalone` " +
        "when not given) and an optional DNS alias. Entry `i` is PVE's `acmedomain<i>`; removing trailing " +
        "entries deletes their keys.",
    },
    description: { encoding: "comment-lines", doc: "The node's description (shown in the GUI's notes; kept as comment lines of the node's config)." },
    "startall-onboot-delay": { doc: "Seconds to wait before starting the guests marked start-on-boot." },
    "ballooning-target": { doc: "The host RAM usage, in percent (0-100), that auto-ballooning aims for (PVE's default is 80)." },
    location: { doc: "The node's geographic location: `latitude` (-90..90) and `longitude` (-180..180) in degrees, and an optional `name`." },
    wakeonlan: { doc: "Wake-on-LAN: the node's `mac` address, the `bindInterface` to send from (default: the one with the default route) and the `broadcastAddress` (default 255.255.255.255)." },
  },
});

/** `node.Time`. */
export const time = defineKind({
  namespace: "node",
  name: "Time",
  description: `A node's time zone (\`/nodes/{node}/time\`). ${KEEP}`,
  lifecycle: "singleton",
  identity: ["node"],
  ...configCalls("/nodes/{node}/time"),
  fields: {
    node: { doc: "The node." },
    timezone: { doc: "The time zone, e.g. `Europe/Vienna` (see /usr/share/zoneinfo/zone.tab)." },
  },
});
