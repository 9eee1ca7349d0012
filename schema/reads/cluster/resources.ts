/** The read function of `/cluster/resources`. */
import { defineRead } from "../define";

/** `cluster.getResources`: the cluster's resources with their usage, optionally one type of them. */
export const getResources = defineRead({
  namespace: "cluster",
  name: "getResources",
  description:
    "The cluster's resources with their status and usage: guests (VMs and containers), nodes, storages (one entry per node that has them), SDN zones and pools (`GET /cluster/resources`). Each entry's `type` says which it is; PVE lists only what the caller may audit.",
  path: "/cluster/resources",
  args: [
    {
      pveName: "type",
      sdkName: "type",
      doc: "Only resources of one type: `vm` (VMs and containers), `storage`, `node` or `sdn`. Left out, every type, pools included.",
      optional: true,
    },
  ],
});
