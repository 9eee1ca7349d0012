/**
 * `/cluster/backup`: vzdump jobs in jobs.cfg. Real semantics: generated `backup-<hex>` ids,
 * the all/vmid/pool selection rules of `verify_vzdump_parameters`, and `starttime`/`dow`
 * folded into `schedule` like PVE 7+ does on create.
 */
import { randomBytes } from "node:crypto";
import type { SimContext, SimRequest } from "../types";
import type { ConfigRecord } from "./config-text";
import { registerCollection, type Register } from "./generic-store";
import { paramError } from "./param-error";
import { SectionStore } from "./section-store";
import { simService } from "./services";

const SELECTORS = ["vmid", "all", "pool"] as const;

/** Exactly one way of choosing guests; `exclude` implies `all` (unless a pool is used). */
function checkSelection(job: ConfigRecord): void {
  if (job.exclude !== undefined && !job.pool) job.all = 1;
  if (job.vmid !== undefined) {
    if (job.all) throw paramError({ all: "option conflicts with option 'vmid'" });
    if (job.pool !== undefined) throw paramError({ pool: "option conflicts with option 'vmid'" });
  }
  if (!job.all && job.vmid === undefined && job.pool === undefined) throw paramError({ vmid: "property is missing" });
}

/** The param that chose the selection in an update clears the other selectors. */
function switchSelection(job: ConfigRecord, req: SimRequest): void {
  const chosen = SELECTORS.find((key) => req.params[key] !== undefined && req.params[key] !== 0);
  if (!chosen) return;
  for (const other of SELECTORS) if (other !== chosen) delete job[other];
  if (chosen === "vmid") delete job.exclude;
}

/** Folds the legacy `starttime`/`dow` into a calendar-event `schedule`. */
function foldSchedule(job: ConfigRecord): void {
  if (job.schedule === undefined) {
    const dow = job.dow ?? "mon,tue,wed,thu,fri,sat,sun";
    job.schedule = job.starttime === undefined ? "00:00" : `${dow} ${job.starttime}`;
  }
  delete job.starttime;
  delete job.dow;
}

const noSuchJob = (id: string) => paramError({ id: `No such job '${id}'` });

/** jobs.cfg's vzdump jobs (guest models read and edit them: backup coverage, `purge`). */
export const backupJobsOf = simService<SectionStore>("jobs.cfg", () => new SectionStore(() => "vzdump"));

/** Registers the backup-job collection. */
export function installBackupJobs(register: Register, ctx: SimContext): void {
  const store = backupJobsOf(ctx);
  registerCollection(register, ctx, {
    store,
    collection: "/cluster/backup",
    item: "/cluster/backup/{id}",
    idParam: "id",
    lockId: "file-jobs_cfg",
    itemDigest: false,
    messages: { notFound: noSuchJob, exists: (id) => `Job '${id}' already exists` },
    hooks: {
      createId: (req) =>
        typeof req.params.id === "string" ? req.params.id : `backup-${randomBytes(4).toString("hex")}-${randomBytes(2).toString("hex")}`,
      create(_id, job) {
        job.type = "vzdump";
        job.enabled ??= 1;
        foldSchedule(job);
        checkSelection(job);
      },
      update(_id, job, _before, req) {
        switchSelection(job, req);
        if (req.params.starttime !== undefined || req.params.dow !== undefined) {
          delete job.schedule;
          foldSchedule(job);
        }
        checkSelection(job);
      },
    },
  });
}
