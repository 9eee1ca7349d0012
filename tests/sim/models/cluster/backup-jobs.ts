/**
 * `/cluster/backup`: vzdump jobs in jobs.cfg, as pve-manager `PVE/API2/Backup.pm` serves them
 * (`index`, `create_job`, `read_job`, `update_job`, `delete_job`, `$schedule_param_check`,
 * `$convert_to_schedule`, `assert_param_permission_*`), with `PVE::VZDump::verify_vzdump_parameters`
 * (pve-manager `PVE/VZDump.pm`), `PVE::VZDump::JobBase` (pve-guest-common, property strings read
 * back as objects) and `PVE::Job::Registry::parse_config` (pve-common: `enabled` defaults to 1).
 *
 * The handlers re-raise what failed under `cfs_lock_file('jobs.cfg' / 'vzdump.cron')` with
 * `die "$@"`, so a parameter error found there (a selection conflict, an unknown option to
 * delete, a job that is gone) reaches the client as a 500 whose text is the stringified 400;
 * the schedule check runs before the lock and stays a real 400.
 */
import { randomUUID } from "node:crypto";
import type { SimContext, SimRequest } from "../../types";
import { configParams, pveDie, splitList, type ConfigRecord } from "../config-text";
import { publicView, type Register, lockedWrite } from "../generic-store";
import { paramError } from "../param-error";
import { parsePropertyString } from "../property-string";
import { parametersOf } from "../../core/schema";
import { SectionStore } from "../section-store";
import { simService } from "../services";

const ALL_DAYS = "mon,tue,wed,thu,fri,sat,sun";
const int = { type: "integer" } as const;
/**
 * `$PVE::VZDump::Common::PROPERTY_STRINGS`: stored as strings, returned parsed (`JobBase::decode_value`).
 * The schema names their formats only; the keys are pve-common's `prune-backups` and
 * pve-guest-common's `backup-fleecing` / `backup-performance`.
 */
const PROPERTY_STRINGS: Readonly<Record<string, Parameters<typeof parsePropertyString>[1]>> = {
  "prune-backups": {
    "keep-all": { type: "boolean" },
    "keep-last": int,
    "keep-hourly": int,
    "keep-daily": int,
    "keep-weekly": int,
    "keep-monthly": int,
    "keep-yearly": int,
  },
  fleecing: { enabled: { type: "boolean", default_key: 1 }, storage: { type: "string" } },
  performance: { "max-workers": int, "pbs-entries-max": int },
};
/** Options only root@pam may set (`assert_param_permission_common`). */
const ROOT_ONLY = ["tmpdir", "dumpdir", "script", "job-id"];
/** Options `update_job` may delete besides the vzdump options themselves. */
const DELETABLE = ["comment", "repeat-missed"];
/** Keys of jobs.cfg that are not vzdump options (`PVE::VZDump::option_exists` is false for them). */
const JOB_KEYS = ["id", "type", "schedule", "enabled", "comment", "repeat-missed", "delete", "starttime", "dow"];

/** `$convert_to_schedule`: `starttime` alone is the time (every day); with `dow`, `<dow> <time>`. */
function convertToSchedule(starttime: string, dow: unknown): string {
  if (dow === undefined || dow === "") return starttime;
  const days = splitList(dow).join(",");
  return days === ALL_DAYS ? starttime : `${days} ${starttime}`;
}

/** `$schedule_param_check`: runs before any lock, so its refusals are real 400s. */
function scheduleParamCheck(params: ConfigRecord, required: boolean): void {
  if (params.schedule !== undefined) {
    if (params.starttime !== undefined) throw paramError({ starttime: "'starttime' and 'schedule' cannot both be set" });
  } else if (params.starttime === undefined) {
    if (required) throw paramError({ schedule: "neither 'starttime' nor 'schedule' were set" });
  } else {
    params.schedule = convertToSchedule(String(params.starttime), params.dow);
  }
  delete params.starttime;
  delete params.dow;
}

/** `verify_vzdump_parameters`: selection conflicts, `exclude` implies `all`, and (with `checkMissing`) a selection is needed. */
function verifyVzdumpParameters(job: ConfigRecord, checkMissing: boolean): void {
  const set = (key: string): boolean => job[key] !== undefined && job[key] !== 0 && job[key] !== "";
  if (set("all") && set("vmid")) throw paramError({ all: "option conflicts with option 'vmid'" });
  if (set("exclude") && set("vmid")) throw paramError({ exclude: "option conflicts with option 'vmid'" });
  if (set("pool") && set("vmid")) throw paramError({ pool: "option conflicts with option 'vmid'" });
  if (job.exclude !== undefined && !set("pool")) job.all = 1;
  if (!checkMissing) return;
  if (!(set("all") || set("stop") || set("pool")) && !set("vmid")) throw paramError({ vmid: "property is missing" });
}

/**
 * `assert_param_permission_common` and the storage check of `_create`/`_update`: root@pam (the
 * user, not one of its tokens: PVE compares the authenticated id) may set anything.
 */
function assertParamPermission(ctx: SimContext, req: SimRequest, params: Readonly<ConfigRecord>, storage: unknown): void {
  if (req.auth.userid === "root@pam" && !req.auth.tokenid) return;
  for (const key of ROOT_ONLY) if (key in params) throw paramError({ [key]: "Only root may set this option." });
  if (storage !== undefined) ctx.checkPermission(req.auth, `/storage/${String(storage)}`, "Datastore.Allocate");
}

/** A stored job as GET returns it: property strings parsed, `id` injected, `enabled` defaulted. */
function view(id: string, job: ConfigRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { ...publicView({ idParam: "id" }, id, job), enabled: job.enabled ?? 1 };
  for (const [key, keys] of Object.entries(PROPERTY_STRINGS)) {
    if (typeof job[key] === "string") out[key] = parsePropertyString(job[key], keys);
  }
  return out;
}

/** jobs.cfg's vzdump jobs (guest models read and edit them: backup coverage, `purge`). */
export const backupJobsOf = simService<SectionStore>("jobs.cfg", () => new SectionStore(() => "vzdump"));

/** Registers the backup-job collection. */
export function installBackupJobs(register: Register, ctx: SimContext): void {
  const jobs = backupJobsOf(ctx);
  const createSchema = parametersOf("POST", "/cluster/backup");
  const updateSchema = parametersOf("PUT", "/cluster/backup/{id}");
  // Both locks are jobs.cfg's here (the simulator has no legacy vzdump.cron); errors go out as `die "$@"`.
  const underLock = <T>(fn: () => T): Promise<T> => lockedWrite(ctx, "file-jobs_cfg", {}, fn);
  const noSuchJob = (id: string) => paramError({ id: `No such job '${id}'` });

  // `index`: in file order (`$order`), each with its id.
  register("GET", "/cluster/backup", () => jobs.inFileOrder().map(([id, job]) => view(id, job)));

  register("POST", "/cluster/backup", (req) => {
    const params = configParams(req.params, createSchema);
    assertParamPermission(ctx, req, params, params.storage);
    scheduleParamCheck(params, true);
    params.enabled ??= 1;
    // `extract_param($param, 'id') // UUID::uuid()`.
    const id = typeof params.id === "string" ? params.id : randomUUID();
    delete params.id;
    return underLock(() => {
      if (jobs.has(id)) throw pveDie(`Job '${id}' already exists`);
      verifyVzdumpParameters(params, true);
      jobs.set(id, { type: "vzdump", ...params });
      return null;
    });
  });

  register("GET", "/cluster/backup/{id}", (req) => {
    const id = String(req.params.id);
    const job = jobs.get(id);
    if (!job) throw noSuchJob(id);
    return view(id, job);
  });

  register("PUT", "/cluster/backup/{id}", (req) => {
    const id = String(req.params.id);
    const params = configParams(req.params, updateSchema, ["id"]);
    const deleted = splitList(req.params.delete);
    assertParamPermission(ctx, req, params, params.storage);
    scheduleParamCheck(params, false);
    return underLock(() => {
      if (Object.keys(params).length === 0 && deleted.length === 0) throw pveDie("no options specified");
      verifyVzdumpParameters({ ...params }, false);
      const job = jobs.get(id);
      if (!job || job.type !== "vzdump") throw pveDie("no such vzdump job");
      assertParamPermission(ctx, req, params, job.storage);
      for (const key of deleted) {
        const isOption = key in createSchema && !JOB_KEYS.includes(key);
        if (!isOption && !DELETABLE.includes(key)) throw paramError({ delete: `unknown option '${key}'` });
        delete job[key];
      }
      Object.assign(job, params);
      if (job.exclude !== undefined && job.pool === undefined) job.all = 1;
      // The selection this update names wins over the stored one.
      if (params.vmid !== undefined) {
        delete job.all;
        delete job.exclude;
        delete job.pool;
      } else if (params.all) {
        delete job.vmid;
        delete job.pool;
      } else if (job.pool !== undefined) {
        delete job.vmid;
        delete job.all;
        delete job.exclude;
      }
      verifyVzdumpParameters(job, true);
      jobs.set(id, job);
      return null;
    });
  });

  register("DELETE", "/cluster/backup/{id}", (req) => {
    const id = String(req.params.id);
    return underLock(() => {
      if (!jobs.has(id)) throw noSuchJob(id);
      jobs.delete(id);
      return null;
    });
  });
}
