/**
 * The cloud-init drive (qemu-server `src/PVE/QemuServer.pm` `cloudinit_pending_properties`,
 * `vmconfig_hotplug_pending`'s `$cloudinit_record_changed`, `vmconfig_update_cloudinit_drive`;
 * `QemuServer/Cloudinit.pm` `has_changes`, `apply_cloudinit_config`, `commit_cloudinit_disk`):
 * while a running VM takes cloud-init changes into its config, `[special:cloudinit]` remembers
 * the values the drive was generated with (`added` lists new keys); regenerating the drive
 * drops the section. `GET .../cloudinit` (`API2/Qemu.pm` `cloudinit_pending`) reports it with
 * `cipassword` masked; `PUT .../cloudinit` regenerates.
 */
import type { ConfigSection, ConfigValue, GuestConf } from "../guests/config";
import { splitList } from "../config-text";
import { findVolume, parseVolumeId, vdiskAlloc, type StorageEnv } from "../guests/storage-ops";
import { DRIVE_NAMES } from "./confdesc";
import { driveIsCloudinit, parseDrive } from "./drive";

/** `$cloudinitoptions` of `API2/Qemu.pm` (the keys `GET .../cloudinit` walks). */
export const CLOUDINIT_OPTIONS = ["cicustom", "cipassword", "citype", "ciuser", "ciupgrade", "nameserver", "searchdomain", "sshkeys"] as const;

/** `$confdesc_cloudinit` keys: the options plus `ipconfig0..31`. */
export function isCloudinitKey(key: string): boolean {
  return (CLOUDINIT_OPTIONS as readonly string[]).includes(key) || /^ipconfig\d+$/.test(key);
}

/** `cloudinit_pending_properties`: cloud-init keys, `name` and `net0..31`. */
function isPendingProperty(key: string): boolean {
  return isCloudinitKey(key) || key === "name" || /^net\d+$/.test(key);
}

/** `$cloudinit_record_changed`: remembers what the generated drive still holds for `key`. */
export function recordCloudinitChange(conf: GuestConf, key: string, old: ConfigValue | undefined, next: ConfigValue | undefined): void {
  if (!isPendingProperty(key)) return;
  const ci: ConfigSection = conf.special.get("cloudinit") ?? {};
  conf.special.set("cloudinit", ci);
  const recorded = ci[key];
  const added = new Set(splitList(ci.added === undefined ? undefined : String(ci.added)));
  delete ci.added;
  if (next !== undefined) {
    if (recorded !== undefined) {
      if (String(next) === String(recorded)) {
        delete ci[key];
        added.delete(key);
      }
    } else if (!added.has(key)) {
      if (old !== undefined) ci[key] = old;
      else added.add(key);
    }
  } else if (old !== undefined && recorded === undefined) {
    if (added.has(key)) added.delete(key);
    else ci[key] = old;
  }
  const list = [...added].sort().join(",");
  if (list) ci.added = list;
}

/** `has_changes`. */
export function cloudinitHasChanges(conf: GuestConf): boolean {
  const ci = conf.special.get("cloudinit");
  return Boolean(ci && Object.keys(ci).length > 0);
}

/** The cloud-init drive of the main section, if any. */
export function cloudinitDrive(conf: GuestConf): { key: string; volid: string } | undefined {
  for (const key of DRIVE_NAMES) {
    const value = conf.main[key];
    if (value === undefined) continue;
    const drive = parseDrive(key, String(value));
    if (drive && driveIsCloudinit(drive)) return { key, volid: drive.file };
  }
  return undefined;
}

/**
 * `apply_cloudinit_config`: (re)generates the drive of `vm-<vmid>-cloudinit` (allocating it again
 * when its volume is gone, as `commit_cloudinit_disk` does) and drops `[special:cloudinit]`;
 * returns whether there had been changes.
 */
export async function applyCloudinitConfig(env: StorageEnv, vmid: number, conf: GuestConf, log: (line: string) => void): Promise<boolean> {
  const changed = cloudinitHasChanges(conf);
  const drive = cloudinitDrive(conf);
  if (drive && new RegExp(`vm-${vmid}-cloudinit`).test(drive.volid)) {
    if (!findVolume(env, drive.volid)) {
      const [storage, volname] = parseVolumeId(drive.volid);
      const name = volname.replace(/^\d+\//, "");
      await vdiskAlloc(env, { storage, vmid, name, sizeKiB: 4, ...(name.endsWith(".qcow2") ? { format: "qcow2" } : {}) });
    }
    log("generating cloud-init ISO");
  }
  if (changed) conf.special.delete("cloudinit");
  return changed;
}

/** One item of `GET .../cloudinit`. */
export interface CloudinitItem {
  key: string;
  value?: ConfigValue;
  pending?: ConfigValue;
  delete?: 1;
}

/** `cloudinit_pending`: added keys, the options with their generated value, then removed keys. */
export function cloudinitPending(conf: GuestConf): CloudinitItem[] {
  const main = { ...conf.main };
  const ci = { ...(conf.special.get("cloudinit") ?? {}) };
  if (main.cipassword !== undefined) main.cipassword = "**********";
  if (ci.cipassword !== undefined) ci.cipassword = "**********";
  const out: CloudinitItem[] = [];
  const added = String(ci.added ?? "");
  delete ci.added;
  for (const key of splitList(added)) out.push({ key, ...(main[key] !== undefined ? { pending: main[key] } : {}) });
  for (const key of CLOUDINIT_OPTIONS) {
    if (!main[key]) continue;
    if (new RegExp(key).test(added)) continue;
    const item: CloudinitItem = { key };
    if (ci[key]) {
      item.value = ci[key];
      item.pending = main[key];
    } else {
      item.value = main[key];
    }
    out.push(item);
  }
  for (const key of Object.keys(ci).sort()) if (!main[key]) out.push({ key, delete: 1 });
  return out;
}
