/** The read function of `/cluster/status`. */
import { defineRead } from "../define";

/** `cluster.getStatus`: the cluster entry and one entry per node. */
export const getStatus = defineRead({
  namespace: "cluster",
  name: "getStatus",
  description: "The cluster's status: the cluster entry and one entry per node (`GET /cluster/status`).",
  path: "/cluster/status",
  args: [],
});
