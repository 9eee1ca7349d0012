/**
 * What guests do with the vzdump jobs of jobs.cfg (pve-manager `PVE/VZDump.pm`
 * `get_included_guests`; pve-guest-common `PVE/VZDump/Plugin.pm` `remove_vmid_from_backup_jobs`,
 * `remove_vmid_from_job`, `remove_vmid_from_list`): which guests a job covers (its `vmid` list,
 * its pool's members, or all guests but `exclude`; `enabled` is not looked at), and dropping a
 * destroyed guest from every job under `file-jobs_cfg` (a job left without guests goes).
 */
import type { SimContext } from "../../types";
import { splitList, type ConfigRecord } from "../config-text";
import { backupJobsOf } from "../cluster/backup-jobs";
import { accessStoreOf } from "../guests/access";
import { vmlistOf } from "../guests/vmlist";

/** `get_included_guests` of one job: the ids it names that exist, per node (`''` for the missing ones). */
export function includedGuests(ctx: SimContext, job: Readonly<ConfigRecord>): Map<string, number[]> {
  const vmlist = vmlistOf(ctx);
  let vmids: number[] = [];
  if (job.pool !== undefined) vmids = [...(accessStoreOf(ctx).pools.get(String(job.pool))?.vms ?? [])];
  else if (job.vmid !== undefined) vmids = splitList(String(job.vmid)).map(Number);
  else if (job.all) {
    const excluded = new Set(splitList(String(job.exclude ?? "")).map(Number));
    vmids = vmlist.vmids().filter((vmid) => !excluded.has(vmid));
  } else return new Map();
  const out = new Map<string, number[]>();
  for (const vmid of [...new Set(vmids)].sort((a, b) => a - b)) {
    const node = vmlist.get(vmid)?.node ?? "";
    if (job.node !== undefined && node !== "" && job.node !== node) continue;
    out.set(node, [...(out.get(node) ?? []), vmid]);
  }
  return out;
}

/** `remove_vmid_from_backup_jobs`. */
export async function removeVmidFromBackupJobs(ctx: SimContext, vmid: number): Promise<void> {
  const store = backupJobsOf(ctx);
  await ctx.withLock("file-jobs_cfg", () => {
    for (const [id, job] of store.entries()) {
      if (job.type !== "vzdump") continue;
      const without = (list: unknown): string =>
        splitList(String(list))
          .filter((v) => v !== String(vmid))
          .join(",");
      if (job.vmid !== undefined) {
        const rest = without(job.vmid);
        if (rest) store.set(id, { ...job, vmid: rest });
        else store.delete(id);
      } else if (job.exclude !== undefined) {
        const rest = without(job.exclude);
        const next = { ...job, exclude: rest };
        if (!rest) delete (next as ConfigRecord).exclude;
        store.set(id, next);
      }
    }
  });
}
