import { defineKind, restCalls } from "../../define";

/** `cluster.BackupJob`: a scheduled vzdump job (`/cluster/backup`, jobs.cfg). */
export const backupJob = defineKind({
  namespace: "cluster",
  name: "BackupJob",
  description:
    "A scheduled backup job (`/cluster/backup`). Guests are chosen by exactly one of `vmIds`, `pool` or `all` " +
    "(with `exclude`); `schedule` is a PVE calendar event (`daily`, `mon..fri 02:30`, `*/6:00`) checked in " +
    "preview; `retention` is typed (`{ keepLast: 3, keepDaily: 7 }`) rather than PVE's `prune-backups` string.",
  lifecycle: "collection",
  identity: ["id"],
  ...restCalls("/cluster/backup", "/cluster/backup/{id}"),
  // `starttime`/`dow` are the pre-7 form of `schedule`; `stop` and `quiet` steer a manual vzdump run.
  exclude: ["starttime", "dow", "stop", "quiet"],
  oneOf: [{ fields: ["vmid", "pool", "all"], required: true }],
  fields: {
    id: { sdkName: "jobId", required: true, doc: "The job id (PVE generates `backup-<hex>` when unset; this kind names it). Changing it replaces the job." },
    schedule: { required: true, doc: "When the job runs, as a PVE calendar event: `daily`, `sat 02:00`, `mon..fri 21:30`, `*/6:00`." },
    vmid: { sdkName: "vmIds", doc: "The guests to back up (their ids)." },
    pool: { doc: "Back up the guests of this pool." },
    all: { doc: "Back up all guests (minus `exclude`)." },
    exclude: { doc: "Guests to leave out when `all` is set." },
    storage: { doc: "The storage the backups go to." },
    node: { doc: "Run only on this node." },
    mode: { doc: "`snapshot` (default), `suspend` or `stop`." },
    compress: { doc: "Compression: `0`, `1`, `gzip`, `lzo` or `zstd`." },
    enabled: { doc: "Whether the job runs. PVE's default is true." },
    comment: { doc: "A free-form comment." },
    "prune-backups": { sdkName: "retention", doc: "Which backups to keep, e.g. `{ keepLast: 3, keepDaily: 7, keepWeekly: 4 }`." },
    mailto: { doc: "E-mail addresses or users notified about the job." },
    "exclude-path": { doc: "Paths (globs) to leave out of container backups." },
    fleecing: { doc: "Backup fleecing: `{ enabled: true, storage: \"local-lvm\" }`." },
    performance: { doc: "`{ maxWorkers, pbsEntriesMax }`." },
  },
});
