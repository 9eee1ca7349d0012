/** Cluster-wide configs: datacenter options, backup jobs, replication jobs, metric servers. */
import type { SimModel } from "../../types";
import { installBackupJobs } from "./backup-jobs";
import { installClusterOptions } from "./options";
import { installMetricServers } from "./metric-servers";
import { installReplication, type ReplicationOptions } from "./replication";

/** The cluster model; `options` tune the replication runner's simulated delay. */
export function clusterModel(options: ReplicationOptions = {}): SimModel {
  return {
    name: "cluster",
    install(register, ctx) {
      installClusterOptions(register, ctx);
      installBackupJobs(register, ctx);
      installReplication(register, ctx, options);
      installMetricServers(register, ctx);
    },
  };
}
