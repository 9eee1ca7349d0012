import { defineKind, restCalls } from "../../define";
import { SDN_COMMIT } from "./commit";

/** `sdn.Controller`: an SDN controller (`/cluster/sdn/controllers`). */
export const controller = defineKind({
  namespace: "sdn",
  name: "Controller",
  description:
    "An SDN controller (`/cluster/sdn/controllers`): `evpn` (needs `asn` and exactly one of `peers` or `fabric`; " +
    "EVPN zones need one, and PVE allows only one per cluster, so a replacement removes the old controller first), " +
    "`bgp` (needs `asn`, `node`, `peers`), `isis` (needs `isisDomain`, `isisIfaces`, `isisNet`, `node`) or " +
    "`faucet`. Staged and applied like every SDN change (see `sdn.Zone`).",
  lifecycle: "collection",
  identity: ["controller"],
  ...restCalls("/cluster/sdn/controllers", "/cluster/sdn/controllers/{controller}"),
  // Which options each type takes and needs (pve-network's *Plugin.pm `options()`; the schema lists them flat).
  variants: {
    field: "type",
    accepts: {
      isis: ["isis-domain", "isis-ifaces", "isis-net"],
      bgp: ["ebgp", "ebgp-multihop", "bgp-multipath-as-path-relax", "loopback"],
    },
    requires: {
      evpn: ["asn", "peers|fabric"],
      bgp: ["asn", "node", "peers"],
      isis: ["isis-domain", "isis-ifaces", "isis-net", "node"],
    },
  },
  commit: SDN_COMMIT,
  replaceDeletesFirst: true,
  fields: {
    controller: { doc: "The controller id." },
    type: { doc: "The controller type; changing it replaces the controller." },
    asn: { doc: "The autonomous system number." },
    peers: { doc: "BGP peers' IPs." },
  },
});
