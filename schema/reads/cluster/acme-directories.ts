/** The read function of `/cluster/acme/directories`. */
import { defineRead } from "../define";

/** `cluster.getAcmeDirectories`: the ACME directories PVE knows by name. */
export const getAcmeDirectories = defineRead({
  namespace: "cluster",
  name: "getAcmeDirectories",
  description: "The ACME directories PVE knows by name (`GET /cluster/acme/directories`): Let's Encrypt V2 and its staging.",
  path: "/cluster/acme/directories",
  args: [],
});
