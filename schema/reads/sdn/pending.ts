/** The read function of `/cluster/sdn/vnets?pending=1`: what the next SDN apply changes. */
import { defineRead } from "../define";

/** `sdn.getPending`: the SDN vnets with their pending changes. */
export const getPending = defineRead({
  namespace: "sdn",
  name: "getPending",
  description:
    "The SDN vnets with their pending changes (`GET /cluster/sdn/vnets?pending=1`): an entry with a `state` " +
    "has changes that the next apply makes. Use `getZones({ pending: true })` for zones.",
  path: "/cluster/sdn/vnets",
  args: [],
  query: { pending: 1 },
});
