import { defineKind, restCalls } from "../../define";
import { SDN_COMMIT } from "./commit";

/** `sdn.Zone`: an SDN zone (`/cluster/sdn/zones`). */
export const zone = defineKind({
  namespace: "sdn",
  name: "Zone",
  description:
    "An SDN zone (`/cluster/sdn/zones`): `simple`, `vlan` (needs `bridge`), `qinq` (needs `bridge` and `tag`), " +
    "`vxlan` (needs exactly one of `peers` or `fabric`), `evpn` (needs an EVPN `controller` and `vrfVxlan`) or `faucet`. " +
    "Options that belong to another type are rejected at preview. SDN edits are staged by PVE: the provider " +
    "applies them (`PUT /cluster/sdn`) once per batch of changes in a deployment, so after `pulumi up` " +
    "nothing of yours is left pending; with PVE 9 the batch holds the SDN lock from its first write to the apply.",
  lifecycle: "collection",
  identity: ["zone"],
  ...restCalls("/cluster/sdn/zones", "/cluster/sdn/zones/{zone}"),
  // Which options each type takes and needs (pve-network's *Plugin.pm `options()`; the schema lists them flat).
  variants: {
    field: "type",
    accepts: {
      vlan: ["bridge"],
      qinq: ["bridge", "tag", "vlan-protocol"],
      vxlan: ["peers", "fabric", "vxlan-port"],
      evpn: [
        "fabric",
        "vxlan-port",
        "controller",
        "vrf-vxlan",
        "exitnodes",
        "exitnodes-local-routing",
        "exitnodes-primary",
        "advertise-subnets",
        "disable-arp-nd-suppression",
        "rt-import",
        "mac",
        "secondary-controllers",
      ],
      faucet: ["dp-id", "controller"],
    },
    requires: {
      vlan: ["bridge"],
      qinq: ["bridge", "tag"],
      vxlan: ["peers|fabric"],
      evpn: ["controller", "vrf-vxlan"],
      faucet: ["dp-id", "controller"],
    },
  },
  commit: SDN_COMMIT,
  fields: {
    zone: { doc: "The zone id (letters and digits, at most 8 characters)." },
    type: { doc: "The zone type; changing it replaces the zone." },
    bridge: { doc: "`vlan`/`qinq`: the Linux or OVS bridge the zone's VLANs ride on." },
    tag: { doc: "`qinq`: the service VLAN tag (outer tag)." },
    peers: { doc: "`vxlan`: IPs of the other nodes' VXLAN endpoints." },
    controller: { doc: "`evpn`: the EVPN controller (`sdn.Controller` of type `evpn`)." },
    "vrf-vxlan": { doc: "`evpn`: the L3 VNI of the zone's VRF." },
    nodes: { doc: "The nodes the zone is deployed on (all when unset)." },
    mtu: { doc: "The MTU of the zone's vnets." },
    ipam: { doc: "The IPAM (`sdn.Ipam`) that allocates the zone's addresses; `pve` is PVE's built-in one." },
    "advertise-subnets": { doc: "`evpn`: announce the subnets as prefixes (type-5 routes), so silent hosts stay reachable." },
    "bridge-disable-mac-learning": { doc: "Turn off MAC address learning on the zone's bridge ports." },
    dhcp: { doc: "`simple`: run a DHCP server for the zone's subnets; the only backend is `dnsmasq`." },
    "disable-arp-nd-suppression": { doc: "`evpn`: turn off the suppression of IPv4 ARP and IPv6 neighbour discovery messages." },
    dns: { doc: "The DNS plugin (`/cluster/sdn/dns`) that registers the guests' host names." },
    dnszone: { doc: "The DNS domain the guests' names are registered under, e.g. `example.com`." },
    "dp-id": { doc: "`faucet`: the datapath id of the switch." },
    exitnodes: { doc: "`evpn`: the nodes that route the zone's traffic to the outside network (comma list)." },
    "exitnodes-local-routing": { doc: "`evpn`: add routes on the exit nodes so they can reach the zone's guests themselves." },
    "exitnodes-primary": { doc: "`evpn`: the exit node that outgoing traffic goes through first." },
    fabric: { doc: "`vxlan`/`evpn`: the SDN fabric used as underlay (`vxlan`: instead of `peers`)." },
    mac: { doc: "`evpn`: the MAC address of the zone's anycast gateway; PVE picks a random one when unset." },
    reversedns: { doc: "The DNS plugin (`/cluster/sdn/dns`) that registers the reverse (PTR) records." },
    "rt-import": { doc: "`evpn`: route targets (`ASN:number`, comma list) imported into the zone's VRF via BGP." },
    "secondary-controllers": { doc: "`evpn`: additional EVPN controllers for the zone, besides `controller`." },
    "vlan-protocol": { doc: "`qinq`: the protocol of the outer tag, `802.1q` or `802.1ad` (PVE's default: `802.1q`)." },
    "vxlan-port": { doc: "`vxlan`/`evpn`: the UDP port of the VXLAN tunnels (1..65536; 4789 when unset)." },
  },
});
