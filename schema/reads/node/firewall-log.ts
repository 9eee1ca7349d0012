/** The read function of `/nodes/{node}/firewall/log`. */
import { defineRead } from "../define";

/** `node.getFirewallLog`: a node's firewall log lines. */
export const getFirewallLog = defineRead({
  namespace: "node",
  name: "getFirewallLog",
  description: "Reads a node's firewall log (`GET /nodes/{node}/firewall/log`): numbered lines `{n, t}`.",
  path: "/nodes/{node}/firewall/log",
  args: [
    { pveName: "node", sdkName: "node", doc: "The node." },
    { pveName: "limit", sdkName: "limit", doc: "At most this many lines.", optional: true },
    { pveName: "start", sdkName: "start", doc: "Skip this many lines.", optional: true },
  ],
});
