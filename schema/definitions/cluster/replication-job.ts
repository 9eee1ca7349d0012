import { defineKind, restCalls } from "../../define";

/** `cluster.ReplicationJob`: storage replication of a guest (`/cluster/replication`). */
export const replicationJob = defineKind({
  namespace: "cluster",
  name: "ReplicationJob",
  description:
    "A storage replication job (`/cluster/replication`), id `<vmid>-<n>`, replicating a guest's disks to " +
    "`target` on `schedule` (a PVE calendar event, default `*/15`) at most at `rate` MB/s. PVE cannot move a job " +
    "to another target: changing it replaces the job. PVE deletes a job lazily (the replication runner removes " +
    "it and its replicated volumes on its next run); deleting the resource waits until the job is really gone.",
  lifecycle: "collection",
  identity: ["id"],
  ...restCalls("/cluster/replication", "/cluster/replication/{id}"),
  remove: { method: "DELETE", path: "/cluster/replication/{id}", awaitGone: true },
  // `remove_job` is the runner's removal marker, not a setting.
  exclude: ["remove_job"],
  fields: {
    id: { sdkName: "jobId", doc: "The job id `<vmid>-<n>`, e.g. `100-0`. Changing it replaces the job." },
    type: { doc: "The replication type; PVE knows only `local`." },
    target: { doc: "The node the guest's disks are replicated to." },
    schedule: { doc: "When the job runs, as a PVE calendar event. PVE's default is `*/15` (every 15 minutes)." },
    rate: { doc: "Bandwidth limit in MB/s." },
    comment: { doc: "A free-form comment." },
    disable: { doc: "Pause the job." },
    source: { doc: "The node the guest is on (PVE fills it in; set it only to override)." },
  },
});
