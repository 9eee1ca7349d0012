/**
 * The VM side of vzdump (qemu-server `src/PVE/VZDump/QemuServer.pm` `prepare`, `vm_status`,
 * `lock_vm`, `unlock_vm`, `stop_vm`, `start_vm`, `assemble`; `QemuConfig.pm`
 * `get_backup_volumes`): every disk but CD-ROMs is included unless `backup=0` (an EFI disk only
 * with OVMF); the archive's `qemu-server.conf` is the config without pending changes, snapshots,
 * special sections, unused disks, `lock` and `parent`, plus a `#qmdump#map:` line per disk.
 * Stop mode shuts the VM down and starts it again (`--skiplock`).
 */
import type { SimContext } from "../../types";
import { pveDie } from "../config-text";
import { registerVzdumpPlugin } from "../backup/plugins";
import { parseVolname, parseVolumeId } from "../guests/storage-ops";
import { formatSize } from "../property-string";
import { vmConfigText } from "./config-file";
import { DRIVE_NAMES } from "./confdesc";
import { checkLock, type QemuDeps } from "./deps";
import { driveIsCdrom, parseDrive } from "./drive";
import { startVm, stopVm } from "./power";
import { lockConfig } from "./worker";

const ROOT = { userid: "root@pam", via: "ticket" } as const;

/** `get_backup_volumes`: each disk with whether the backup includes it and why. */
function backupVolumes(main: Readonly<Record<string, string | number>>): { key: string; volid: string; size: number; included: boolean; reason: string }[] {
  const out: { key: string; volid: string; size: number; included: boolean; reason: string }[] = [];
  for (const key of DRIVE_NAMES) {
    if (main[key] === undefined) continue;
    const drive = parseDrive(key, String(main[key]));
    if (!drive || driveIsCdrom(drive)) continue;
    let included = drive.backup === undefined ? true : Boolean(Number(drive.backup));
    let reason = `backup=${drive.backup === undefined ? "yes" : "no"}`;
    if (key.startsWith("efidisk") && main.bios !== "ovmf") {
      included = false;
      reason = "efidisk but no OVMF BIOS";
    }
    out.push({ key, volid: drive.file, size: Number(drive.size ?? 0), included, reason });
  }
  return out;
}

/** Registers the VM vzdump plugin. */
export function registerQemuVzdump(ctx: SimContext, deps: QemuDeps): void {
  const { configs, runtime } = deps;
  const setLock = (node: string, vmid: number, lock: string | undefined): Promise<void> =>
    lockConfig(ctx, node, vmid, () => {
      const conf = configs.load(vmid, node);
      if (lock !== undefined) {
        checkLock(conf);
        conf.main.lock = lock;
      } else {
        if (conf.main.lock === undefined) throw pveDie("no lock found trying to remove 'backup'  lock");
        if (conf.main.lock !== "backup") throw pveDie(`found lock '${String(conf.main.lock)}' trying to remove 'backup' lock`);
        delete conf.main.lock;
      }
      configs.write(vmid, conf);
    });
  registerVzdumpPlugin(ctx, {
    type: "qemu",
    isRunning: (node, vmid) => configs.existsOn(vmid, node) && runtime.isRunning(vmid),
    prepare(node, vmid, _mode, log) {
      const conf = configs.load(vmid, node);
      if (conf.main.name !== undefined) log(`VM Name: ${String(conf.main.name)}`);
      let data = 0;
      for (const v of backupVolumes(conf.main)) {
        if (!v.included) {
          log(`exclude disk '${v.key}' '${v.volid}' (${v.reason})`);
          continue;
        }
        log(`include disk '${v.key}' '${v.volid}'${v.size ? ` ${formatSize(v.size)}` : ""}`);
        data += v.size;
      }
      return { ...(conf.main.name !== undefined ? { hostname: String(conf.main.name) } : {}), dataBytes: data / 4 };
    },
    lock: (node, vmid) => setLock(node, vmid, "backup"),
    unlock: (node, vmid) => setLock(node, vmid, undefined),
    stop: (node, vmid, worker) => stopVm(deps, ROOT, node, vmid, worker, { skiplock: true, shutdown: true }),
    start: (node, vmid, worker) => startVm(deps, ROOT, node, vmid, worker, { skiplock: true }),
    snapshot: () => Promise.resolve(),
    cleanupSnapshot: () => Promise.resolve(),
    assemble(node, vmid, log) {
      const conf = configs.load(vmid, node);
      const main = { ...conf.main };
      for (const key of Object.keys(main)) {
        if (/^unused\d+$/.test(key)) {
          log(`skip unused drive '${String(main[key])}' (not included into backup)`);
          delete main[key];
        }
      }
      delete main.lock;
      delete main.parent;
      const devices: Record<string, number> = {};
      let text = vmConfigText({ main, pending: {}, snapshots: new Map(), special: new Map() });
      for (const v of backupVolumes(conf.main)) {
        if (!v.included) continue;
        const storeid = parseVolumeId(v.volid, true)?.[0] ?? "";
        const format = storeid ? parseVolname(ctx, v.volid).format : "";
        text += `#qmdump#map:${v.key}:drive-${v.key}:${storeid}:${format}:\n`;
        devices[`drive-${v.key}`] = v.size;
      }
      if (conf.special.size && [...conf.special.keys()].length) log("special config section found (not included into backup)");
      if (conf.snapshots.size) log("snapshots found (not included into backup)");
      if (Object.keys(conf.pending).length) log("pending configuration changes found (not included into backup)");
      return { guestType: "qemu", config: text, devices };
    },
  });
}
