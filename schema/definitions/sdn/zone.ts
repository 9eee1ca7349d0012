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
      evpn: ["fabric", "vxlan-port", "controller", "vrf-vxlan", "exitnodes", "exitnodes-local-routing", "exitnodes-primary", "advertise-subnets", "disable-arp-nd-suppression", "rt-import", "mac", "secondary-controllers"],
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
  },
});
