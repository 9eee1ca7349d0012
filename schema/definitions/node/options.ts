import { configCalls, defineKind } from "../../define";

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
    wakeonlan: {
      doc: "Wake-on-LAN: the node's `mac` address, the `bindInterface` to send from (default: the one with the default route) and the `broadcastAddress` (default 255.255.255.255).",
    },
  },
});
