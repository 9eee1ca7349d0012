/** Read functions of `/cluster/replication`: the job list and one job (the family of `cluster.ReplicationJob`). */
import { defineRead } from "../define";

/** `cluster.getReplicationJobs`: every replication job. */
export const getReplicationJobs = defineRead({
  namespace: "cluster",
  name: "getReplicationJobs",
  description: "Lists the replication jobs (`GET /cluster/replication`).",
  path: "/cluster/replication",
  args: [],
});

/** `cluster.getReplicationJob`: one replication job by id. */
export const getReplicationJob = defineRead({
  namespace: "cluster",
  name: "getReplicationJob",
  description: "Reads one replication job (`GET /cluster/replication/{id}`).",
  path: "/cluster/replication/{id}",
  args: [{ pveName: "id", sdkName: "jobId", doc: "The job id `<vmid>-<n>`." }],
});
