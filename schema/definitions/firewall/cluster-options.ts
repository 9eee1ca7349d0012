import { configCalls, defineKind } from "../../define";

/** `firewall.ClusterOptions`: the datacenter firewall's options (`/cluster/firewall/options`). */
export const clusterOptions = defineKind({
  namespace: "firewall",
  name: "ClusterOptions",
  description:
    "The datacenter firewall's options (`/cluster/firewall/options`, cluster.fw): enable it, set the default " +
    "policies and the log rate limit. A singleton: deleting the resource resets exactly the options it managed " +
    "to PVE's defaults. Enable it only with rules that keep your own access open (port 8006 and SSH).",
  lifecycle: "singleton",
  singletonId: "cluster-firewall",
  identity: [],
  ...configCalls("/cluster/firewall/options"),
  fields: {
    enable: {
      // PVE's schema says integer (minimum 0): a value above 1 is the anti-lockout enable, stored as a
      // timestamp that reads back as off after 60 s unless confirmed (pve-firewall `API2/Firewall/Cluster.pm`,
      // `parse_clusterfw_option`); otherwise PVE only tests it for truth.
      flag: true,
      doc: "Enable the firewall cluster-wide. It is off until enabled, and with it off no node, guest or vnet firewall applies.",
    },
    ebtables: { doc: "Enable ebtables rules cluster-wide. PVE's default is true." },
    policy_in: { sdkName: "policyIn", doc: "Default policy for incoming traffic: `ACCEPT`, `REJECT` or `DROP` (PVE's default)." },
    policy_out: { sdkName: "policyOut", doc: "Default policy for outgoing traffic: `ACCEPT` (PVE's default), `REJECT` or `DROP`." },
    policy_forward: { sdkName: "policyForward", doc: "Default policy for forwarded traffic (nftables firewall): `ACCEPT` or `DROP`." },
    log_ratelimit: { sdkName: "logRateLimit", doc: 'Log rate limit: `{ enable: true, rate: "1/second", burst: 5 }`.' },
  },
});
