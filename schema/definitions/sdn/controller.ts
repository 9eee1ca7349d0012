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
    "bgp-mode": {
      doc: "`evpn`: `internal` (iBGP), `external` (eBGP) or `auto`, which follows the node's BGP controller or falls back to iBGP (default `auto`).",
    },
    "bgp-multipath-as-path-relax": { doc: "`bgp`: treat different AS paths of equal length as equal for multipath routing." },
    ebgp: { doc: "`bgp`: peer over eBGP (the peers are in another AS) instead of iBGP." },
    "ebgp-multihop": { doc: "`bgp`/`evpn`: the maximum number of hops to eBGP peers." },
    fabric: { doc: "`evpn`: the SDN fabric used as underlay, instead of `peers`." },
    "isis-domain": { doc: "`isis`: the name of the IS-IS domain." },
    "isis-ifaces": { doc: "`isis`: the interfaces IS-IS runs on (comma list)." },
    "isis-net": { doc: "`isis`: the node's IS-IS network entity title, e.g. `49.0001.1921.6800.1001.00`." },
    loopback: { doc: "`bgp`: the loopback or dummy interface whose address is used as the router IP." },
    node: { doc: "`bgp`/`isis`: the node the controller configures." },
    nodes: { doc: "`evpn`: the nodes the controller is set up on (all when unset)." },
    "peer-group-name": { doc: "`evpn`: the name of the BGP peer group (`VTEP` when unset)." },
    "route-map-in": { doc: "`bgp`/`evpn`: the route map applied to routes received from the peers." },
    "route-map-out": { doc: "`bgp`/`evpn`: the route map applied to routes announced to the peers." },
  },
});
