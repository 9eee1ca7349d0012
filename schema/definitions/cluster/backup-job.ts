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
    vmid: { sdkName: "vmIds", doc: "The guests to back up, by VMID: `[100, 101]`." },
    pool: { doc: "Back up the guests of this pool." },
    all: { doc: "Back up all guests (minus `exclude`)." },
    exclude: { doc: "Guests to leave out when `all` is set, by VMID: `[100, 101]`." },
    storage: { doc: "The storage the backups go to." },
    node: { doc: "Run only on this node." },
    mode: { doc: "`snapshot` (default), `suspend` or `stop`." },
    compress: { doc: "Compression: `0`, `1`, `gzip`, `lzo` or `zstd`." },
    enabled: { doc: "Whether the job runs. PVE's default is true." },
    comment: { doc: "A free-form comment." },
    "prune-backups": { sdkName: "retention", doc: "Which backups to keep, e.g. `{ keepLast: 3, keepDaily: 7, keepWeekly: 4 }`." },
    mailto: { doc: "E-mail addresses or users notified about the job." },
    "exclude-path": { doc: "Paths (globs) to leave out of container backups." },
    fleecing: { doc: 'Backup fleecing: `{ enabled: true, storage: "local-lvm" }`.' },
    performance: { doc: "`{ maxWorkers, pbsEntriesMax }`." },
    bwlimit: { doc: "I/O bandwidth limit for the backup, in KiB/s. `0` (PVE's default) means no limit." },
    dumpdir: { doc: "Write the backup files to this directory on the node instead of to a storage." },
    ionice: { doc: "I/O priority of the backup process: `0` (highest) to `7` (lowest, PVE's default); `8` runs it in the idle class." },
    lockwait: { doc: "Minutes to wait for the node's global backup lock before giving up. PVE's default is 180." },
    mailnotification: { doc: "Legacy e-mail mode: send the mail `always` (PVE's default) or only on `failure`. Superseded by the notification system." },
    "notes-template": {
      doc: "Template for the notes attached to each backup; `{{cluster}}`, `{{guestname}}`, `{{node}}` and `{{vmid}}` are replaced. One line only.",
    },
    "notification-mode": {
      doc:
        "`notification-system` uses PVE's notification targets and matchers; `legacy-sendmail` mails `mailto` with `sendmail`; " +
        "`auto` (PVE's default) mails when `mailto` is set and uses the notification system otherwise.",
    },
    "pbs-change-detection-mode": {
      doc:
        "Container backups to a PBS storage: `legacy` reads everything into one archive; `data` and `metadata` write split " +
        "archives, `metadata` reusing unchanged files from the previous snapshot by comparing their metadata.",
    },
    pigz: { doc: "Use `pigz` instead of `gzip` for gzip compression: `0` (PVE's default) off, `1` half the cores, more than 1 that many threads." },
    protected: { doc: "Mark the backups the job creates as protected, so pruning and removal leave them alone." },
    remove: { doc: "Prune older backups by the retention settings after a run. PVE's default is true." },
    "repeat-missed": { doc: "Run the job as soon as possible when a scheduled run was missed while the scheduler was down. PVE's default is false." },
    script: { doc: "Path of a hook script on the node that vzdump calls at each phase of the backup." },
    stdexcludes: { doc: "Container backups: leave out temporary files and logs. PVE's default is true." },
    stopwait: { doc: "Minutes to wait for a guest to stop (`stop` mode) before giving up. PVE's default is 10." },
    tmpdir: { doc: "Directory on the node for temporary files of container backups (e.g. when the target storage is slow or remote)." },
    zstd: { doc: "Number of zstd threads: `0` uses half the cores, more than 0 that many threads. PVE's default is 1." },
  },
});
