import { defineKind, restCalls } from "../../define";
import { SDN_COMMIT } from "./commit";

/** `sdn.Vnet`: a virtual network in a zone (`/cluster/sdn/vnets`). */
export const vnet = defineKind({
  namespace: "sdn",
  name: "Vnet",
  description:
    "A virtual network in an SDN zone (`/cluster/sdn/vnets`); guests attach to it like to a bridge. " +
    "Staged and applied like every SDN change (see `sdn.Zone`).",
  lifecycle: "collection",
  identity: ["vnet"],
  ...restCalls("/cluster/sdn/vnets", "/cluster/sdn/vnets/{vnet}"),
  exclude: ["type"],
  commit: SDN_COMMIT,
  fields: {
    vnet: { doc: "The vnet id (it is also the bridge name on the nodes)." },
    zone: { doc: "The zone (`sdn.Zone`) the vnet belongs to." },
    tag: { doc: "The VLAN or VXLAN id (required by vlan, qinq, vxlan and evpn zones)." },
    alias: { doc: "A description of the vnet." },
    vlanaware: { sdkName: "vlanAware", doc: "Allow guests to use VLANs inside the vnet (not with evpn)." },
    "isolate-ports": { doc: "Mark the guests' ports as isolated: they can only talk to the bridge's uplink, not to each other (guests need a restart)." },
  },
});
