/**
 * `GET /cluster/backup-info` and `.../not-backed-up` (pve-manager
 * `PVE/API2/Cluster/BackupInfo.pm` `index`, `get_guests_not_in_backup`, `get_included_vmids`):
 * `Sys.Audit` on `/`, then the guests the caller may audit (`VM.Audit`) that no vzdump job of
 * jobs.cfg covers (disabled jobs count as covering), with their name (a VM's `name`, a
 * container's `hostname`) when set.
 */
import type { SimContext } from "../../types";
import type { Register } from "../generic-store";
import { backupJobsOf } from "../cluster/backup-jobs";
import { checkPrivs, hasPriv } from "../guests/permissions";
import { vmlistOf } from "../guests/vmlist";
import { vmConfigsOf } from "../qemu/store";
import { ctConfigsOf } from "../lxc/store";
import { includedGuests } from "./jobs";

/** Registers the backup-info endpoints. */
export function installBackupInfo(register: Register, ctx: SimContext): void {
  register("GET", "/cluster/backup-info", () => [{ subdir: "not-backed-up" }]);
  register("GET", "/cluster/backup-info/not-backed-up", (req) => {
    checkPrivs(ctx, req.auth, "/", ["Sys.Audit"]);
    const included = new Set<number>();
    for (const [, job] of backupJobsOf(ctx).entries()) {
      if (job.type !== "vzdump") continue;
      for (const ids of includedGuests(ctx, job).values()) for (const vmid of ids) included.add(vmid);
    }
    const vmlist = vmlistOf(ctx);
    const out: Record<string, unknown>[] = [];
    for (const vmid of vmlist.vmids()) {
      if (included.has(vmid) || !hasPriv(ctx, req.auth, `/vms/${vmid}`, "VM.Audit")) continue;
      const entry = vmlist.get(vmid);
      if (!entry) continue;
      const conf = (entry.type === "qemu" ? vmConfigsOf(ctx) : ctConfigsOf(ctx)).peek(vmid);
      const name = entry.type === "qemu" ? conf?.main.name : conf?.main.hostname;
      out.push({ vmid, type: entry.type, ...(name !== undefined ? { name: String(name) } : {}) });
    }
    return out;
  });
}
