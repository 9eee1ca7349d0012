/** The read function of `/cluster/firewall/options` (the family of `firewall.ClusterOptions`). */
import { defineRead } from "../define";

/** `firewall.getClusterOptions`: the datacenter firewall's options. */
export const getClusterOptions = defineRead({
  namespace: "firewall",
  name: "getClusterOptions",
  description: "Reads the datacenter firewall's options (`GET /cluster/firewall/options`).",
  path: "/cluster/firewall/options",
  args: [],
  objectOf: "firewall:ClusterOptions",
});
