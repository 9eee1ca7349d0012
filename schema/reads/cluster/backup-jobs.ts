/** Read functions of `/cluster/backup`: the job list and one job (the family of `cluster.BackupJob`). */
import { defineRead } from "../define";

/** `cluster.getBackupJobs`: every scheduled backup job. */
export const getBackupJobs = defineRead({
  namespace: "cluster",
  name: "getBackupJobs",
  description: "Lists the scheduled backup jobs (`GET /cluster/backup`).",
  path: "/cluster/backup",
  args: [],
});

/** `cluster.getBackupJob`: one backup job by id. */
export const getBackupJob = defineRead({
  namespace: "cluster",
  name: "getBackupJob",
  description: "Reads one backup job (`GET /cluster/backup/{id}`).",
  path: "/cluster/backup/{id}",
  args: [{ pveName: "id", sdkName: "jobId", doc: "The job id." }],
});
