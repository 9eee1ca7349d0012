/**
 * Pruning backups (pve-storage `src/PVE/Storage.pm` `prune_backups`, `prune_mark_backup_group`,
 * `$prune_mark`; `Plugin.pm` `prune_backups`; `API2/Storage/PruneBackups.pm` `dryrun`, `delete`):
 * the backups of a storage grouped by guest (standard names only; others are `renamed`),
 * protected ones kept as `protected`, each group marked newest first by `keep-last`, `-hourly`,
 * `-daily`, `-weekly`, `-monthly`, `-yearly` (times in the node's local time, UTC here); the rest
 * `remove`. `GET` lists the marks (`Datastore.Audit` or `Datastore.AllocateSpace`); `DELETE` removes
 * in a `prunebackups` task (`Datastore.Allocate`, or with `vmid` `Datastore.AllocateSpace` and `VM.Backup`).
 */
import type { SimContext, SimRequest } from "../../types";
import { pveDie } from "../config-text";
import type { Register } from "../generic-store";
import { checkPrivs } from "../guests/permissions";
import { contentOf, locationOf, storageConfig, vdiskFree, type StorageEnv } from "../guests/storage-ops";
import { volidOf, volumesOf } from "../guests/volumes";
import { forkWorker } from "../guests/worker";
import { archiveInfo } from "./archives";

/** Retention options (`prune-backups`). */
export type Retention = Readonly<Record<string, number>>;

/** One backup as `prune_backups` reports it. */
export interface PruneEntry {
  volid: string;
  ctime: number;
  type: string;
  vmid?: number;
  mark?: "keep" | "remove" | "protected" | "renamed";
}

/** Parses a `prune-backups` property string (`keep-last=3,keep-daily=7`; the core validated its format). */
export function parseRetention(value: string): Retention {
  const out: Record<string, number> = {};
  for (const part of value.split(",")) {
    const [key, v] = part.split("=");
    if (key) out[key] = Number(v);
  }
  return out;
}

/** ISO week and its year of a UTC time (`strftime("%V")`, `"%G"`). */
function isoWeek(d: Date): string {
  const day = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const dow = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - dow);
  const yearStart = new Date(Date.UTC(day.getUTCFullYear(), 0, 1));
  const week = Math.ceil(((day.getTime() - yearStart.getTime()) / 86400000 + 1) / 7);
  return `${week}/${day.getUTCFullYear()}`;
}

const PERIODS: readonly [string, (d: Date) => string][] = [
  ["keep-last", (d) => String(d.getTime())],
  ["keep-hourly", (d) => `${d.getUTCHours()}/${d.getUTCDate()}/${d.getUTCMonth()}/${d.getUTCFullYear()}`],
  ["keep-daily", (d) => `${d.getUTCDate()}/${d.getUTCMonth()}/${d.getUTCFullYear()}`],
  ["keep-weekly", isoWeek],
  ["keep-monthly", (d) => `${d.getUTCMonth()}/${d.getUTCFullYear()}`],
  ["keep-yearly", (d) => String(d.getUTCFullYear())],
];

/** `prune_mark_backup_group`. */
export function pruneMarkBackupGroup(group: PruneEntry[], keep: Retention): void {
  const positive = Object.keys(keep).filter((k) => k !== "keep-all" && Number(keep[k]) > 0);
  if (keep["keep-all"] || positive.length === 0) {
    for (const entry of group) if (!entry.mark || entry.mark === "remove") entry.mark = "keep";
    return;
  }
  const list = [...group].sort((a, b) => b.ctime - a.ctime);
  for (const [option, id] of PERIODS) {
    const count = keep[option];
    if (!count) continue;
    const already = new Set(list.filter((e) => e.mark === "keep").map((e) => id(new Date(e.ctime * 1000))));
    const added = new Set<string>();
    for (const entry of list) {
      const key = id(new Date(entry.ctime * 1000));
      if (entry.mark !== undefined || already.has(key)) continue;
      if (!added.has(key)) {
        if (added.size >= count) break;
        added.add(key);
        entry.mark = "keep";
      } else {
        entry.mark = "remove";
      }
    }
  }
  for (const entry of list) entry.mark ??= "remove";
}

/**
 * `prune_backups($cfg, $storeid, $keep, $vmid, $type, $dryrun, $logfunc)`: the storage's
 * `prune-backups` when `keep` is not given; removes the `remove`-marked ones unless `dryrun`.
 */
export async function pruneBackups(
  env: StorageEnv,
  storage: string,
  keep: Retention | undefined,
  vmid: number | undefined,
  type: string | undefined,
  dryrun: boolean,
  log: (line: string) => void,
): Promise<PruneEntry[]> {
  const scfg = storageConfig(env.ctx, storage);
  if (!contentOf(scfg).has("backup")) throw pveDie(`storage '${storage}' does not support backups`);
  let retention = keep;
  if (!retention) {
    if (scfg["prune-backups"] === undefined) throw pveDie(`no prune-backups options configured for storage '${storage}'`);
    retention = parseRetention(String(scfg["prune-backups"]));
  }
  const groups = new Map<string, PruneEntry[]>();
  const list: PruneEntry[] = [];
  for (const volume of volumesOf(env.ctx).list(locationOf(env.ctx, storage, env.node))) {
    if (volume.vtype !== "backup") continue;
    if (vmid !== undefined && volume.vmid !== vmid) continue;
    const volid = volidOf(volume);
    let info: ReturnType<typeof archiveInfo> | undefined;
    try {
      info = archiveInfo(volid);
    } catch {
      info = undefined;
    }
    const backupType = info?.type ?? "unknown";
    if (type !== undefined && type !== backupType) continue;
    const entry: PruneEntry = { ctime: volume.ctime, type: backupType, volid };
    const owner = info?.vmid ?? volume.vmid;
    if (owner !== undefined) entry.vmid = owner;
    if (info?.isStdName && info.ctime !== undefined) {
      entry.ctime = info.ctime;
      const group = `${backupType}/${owner ?? ""}`;
      groups.set(group, [...(groups.get(group) ?? []), entry]);
    } else {
      entry.mark = "renamed";
    }
    if (volume.protected) entry.mark = "protected";
    list.push(entry);
  }
  for (const group of groups.values()) pruneMarkBackupGroup(group, retention);
  if (!dryrun) {
    let failed = false;
    for (const entry of list) {
      if (entry.mark !== "remove") continue;
      log(`removing backup '${entry.volid}'`);
      try {
        await vdiskFree(env, entry.volid);
      } catch (err) {
        log(`error when removing backup '${entry.volid}' - ${err instanceof Error ? err.message : String(err)}`);
        failed = true;
      }
    }
    if (failed) throw pveDie("error pruning backups - check log");
  }
  return list;
}

/** Registers `GET/DELETE /nodes/{node}/storage/{storage}/prunebackups`. */
export function installPruneBackups(register: Register, ctx: SimContext): void {
  const args = (req: SimRequest): { env: StorageEnv; storage: string; keep?: Retention; vmid?: number; type?: string } => ({
    env: { ctx, node: String(req.params.node) },
    storage: String(req.params.storage),
    ...(typeof req.params["prune-backups"] === "string" ? { keep: parseRetention(req.params["prune-backups"]) } : {}),
    ...(req.params.vmid !== undefined ? { vmid: Number(req.params.vmid) } : {}),
    ...(req.params.type !== undefined ? { type: String(req.params.type) } : {}),
  });
  register("GET", "/nodes/{node}/storage/{storage}/prunebackups", (req) => {
    const a = args(req);
    checkPrivs(ctx, req.auth, `/storage/${a.storage}`, ["Datastore.Audit", "Datastore.AllocateSpace"], true);
    return pruneBackups(a.env, a.storage, a.keep, a.vmid, a.type, true, () => undefined);
  });
  register("DELETE", "/nodes/{node}/storage/{storage}/prunebackups", (req) => {
    const a = args(req);
    if (a.vmid !== undefined) {
      checkPrivs(ctx, req.auth, `/storage/${a.storage}`, ["Datastore.AllocateSpace"]);
      checkPrivs(ctx, req.auth, `/vms/${a.vmid}`, ["VM.Backup"]);
    } else {
      checkPrivs(ctx, req.auth, `/storage/${a.storage}`, ["Datastore.Allocate"]);
    }
    const id = `${a.vmid !== undefined ? `${a.vmid}@` : ""}${a.storage}`;
    return forkWorker(ctx, req.auth, { node: a.env.node, type: "prunebackups", id }, async (worker) => {
      await pruneBackups(a.env, a.storage, a.keep, a.vmid, a.type, false, worker.log);
    });
  });
}
