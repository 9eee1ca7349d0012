/**
 * `PVE::Storage::check_volume_access` (pve-storage `src/PVE/Storage.pm`): who may use a volume.
 * `Datastore.Allocate` on the storage opens everything; ISOs, templates and import files need
 * `Datastore.AllocateSpace` or `Datastore.Audit`; a guest's own images are free to it; other
 * guests' images need `Datastore.Audit` and `VM.Config.Disk` on the owner; backups
 * `Datastore.AllocateSpace` and `VM.Backup`. An absolute path is root@pam's alone.
 */
import type { SimAuth, SimContext } from "../../types";
import { pveDie } from "../config-text";
import { checkPrivs, hasPriv } from "./permissions";
import { parseVolname, parseVolumeId } from "./storage-ops";

/** Throws unless `auth` may use `volid` for guest `vmid` (with `type`, the content type it must have). */
export function checkVolumeAccess(ctx: SimContext, auth: SimAuth, vmid: number | undefined, volid: string, type?: string): void {
  const parsed = parseVolumeId(volid, true);
  if (!parsed) {
    // a plain `die` without "\n": Perl appends where it died
    if (!(auth.userid === "root@pam" && auth.tokenid === undefined))
      throw pveDie("Only root can pass arbitrary filesystem paths. at /usr/share/perl5/PVE/Storage.pm line 651.");
    return;
  }
  const [storage] = parsed;
  const { vtype, vmid: owner } = parseVolname(ctx, volid);
  if (type !== undefined && vtype !== type && (type !== "rootdir" || vtype !== "images")) {
    throw pveDie(`unable to use volume ${volid} - content type needs to be '${type}'`);
  }
  if (hasPriv(ctx, auth, `/storage/${storage}`, "Datastore.Allocate")) return;
  if (vtype === "iso" || vtype === "vztmpl" || vtype === "import") {
    checkPrivs(ctx, auth, `/storage/${storage}`, ["Datastore.AllocateSpace", "Datastore.Audit"], true);
  } else if (owner !== undefined && vmid !== undefined && owner === vmid) {
    // the owner may use its own volumes
  } else if (vtype === "backup" && owner !== undefined) {
    checkPrivs(ctx, auth, `/storage/${storage}`, ["Datastore.AllocateSpace"]);
    checkPrivs(ctx, auth, `/vms/${owner}`, ["VM.Backup"]);
  } else if ((vtype === "images" || vtype === "rootdir") && owner !== undefined) {
    checkPrivs(ctx, auth, `/storage/${storage}`, ["Datastore.Audit"]);
    checkPrivs(ctx, auth, `/vms/${owner}`, ["VM.Config.Disk"]);
  } else {
    throw pveDie(`missing privileges to access ${volid}`);
  }
}
