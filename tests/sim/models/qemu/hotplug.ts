/**
 * Applying `[PENDING]` (qemu-server `src/PVE/QemuServer.pm`): `vmconfig_hotplug_pending` for a
 * running VM (what goes live per the `hotplug` setting; the rest stays pending until the QEMU
 * process restarts; failures come back as `hotplug problem - <msg>`), with
 * `vmconfig_update_net`, `vmconfig_update_disk`, `vmconfig_update_agent`,
 * `qemu_cpu_hotplug`/`qemu_memory_hotplug` (`Memory.pm`) limits and `vm_deviceunplug`'s boot-disk
 * refusal; and `vmconfig_apply_pending` for a stopped VM (everything at once, replaced disks
 * parked as `unusedN`).
 */
import type { SimAuth } from "../../types";
import { splitList } from "../config-text";
import { cleanupPending, parsePendingDelete, removeFromPendingDelete, type ConfigValue, type GuestConf } from "../guests/config";
import { parsePropertyStringStrict } from "../property-string";
import type { StorageEnv } from "../guests/storage-ops";
import { isDriveName, subKeys } from "./confdesc";
import { applyCloudinitConfig, cloudinitHasChanges, isCloudinitKey, recordCloudinitChange } from "./cloudinit";
import { registerUnusedDrive, tryDeallocateDrive } from "./disks";
import { driveIsCdrom, driveIsCloudinit, parseDrive } from "./drive";
import { bootDisks, currentMemoryMiB } from "./boot";
import { windowsVersion } from "./machine";
import { parseNet } from "./net";

/** `$fast_plug_option`: applied at once on a running VM (cloud-init keys included). */
function isFastPlug(key: string): boolean {
  return (
    [
      "description",
      "hookscript",
      "lock",
      "migrate_downtime",
      "migrate_speed",
      "name",
      "onboot",
      "protection",
      "shares",
      "startup",
      "tags",
      "vmstatestorage",
    ].includes(key) || isCloudinitKey(key)
  );
}

/** `parse_hotplug_features` (`1` is the default `network,disk,usb`, `0` nothing). */
export function hotplugFeatures(value: ConfigValue | undefined): Set<string> {
  const text = value === undefined ? "1" : String(value);
  if (text === "0") return new Set();
  return new Set(splitList(text === "1" ? "network,disk,usb" : text));
}

/** A step that cannot go live: it stays pending (`die "skip\n"`). */
class Skip extends Error {}

/**
 * `vm_deviceunplug` of a device the running VM has: a boot disk is refused, and QEMU can only
 * unplug USB devices, the tablet, VirtIO and SCSI disks and NICs (an IDE or SATA disk cannot go).
 */
function unplug(conf: GuestConf, key: string): void {
  if (bootDisks(conf.main).includes(key)) throw new Error(`can't unplug bootdisk '${key}'\n`);
  if (!/^(?:tablet|keyboard|xhci|usbredirdev\d+|usb\d+|virtio\d+|scsi\d+|net\d+)$/.test(key)) throw new Error(`can't unplug device '${key}'\n`);
}

/** Hot-plugs or hot-unplugs what can go live; returns the per-key errors (`hotplug problem - ...`). */
export async function hotplugPending(
  env: StorageEnv,
  auth: SimAuth,
  vmid: number,
  conf: GuestConf,
  selection: ReadonlySet<string> | undefined,
  write: () => void,
): Promise<Record<string, string>> {
  const errors: Record<string, string> = {};
  let changes = false;
  for (const key of Object.keys(conf.pending)) {
    if (!isFastPlug(key)) continue;
    const value = conf.pending[key] as ConfigValue;
    delete conf.pending[key];
    recordCloudinitChange(conf, key, conf.main[key], value);
    conf.main[key] = value;
    changes = true;
  }
  if (changes) write();

  const features = hotplugFeatures(conf.main.hotplug);
  const usbSupported = features.has("usb") && conf.main.ostype !== undefined && (conf.main.ostype === "l26" || windowsVersion(conf.main.ostype) > 7);
  /** The tablet and USB devices need `usb` hot-plug (USB also a guest that supports it), vCPUs `cpu`. */
  const deviceSkip = (key: string): void => {
    if (key === "tablet" && !features.has("usb")) throw new Skip();
    if (/^usb\d+$/.test(key) && !usbSupported) throw new Skip();
    if (key === "vcpus" && !features.has("cpu")) throw new Skip();
  };
  const attempt = async (key: string, step: () => Promise<void> | void): Promise<boolean> => {
    try {
      await step();
      return true;
    } catch (err) {
      if (!(err instanceof Skip)) errors[key] = `hotplug problem - ${err instanceof Error ? err.message : String(err)}`;
      return false;
    }
  };

  const deletes = parsePendingDelete(conf.pending.delete);
  for (const key of [...deletes.keys()].sort()) {
    if (selection && !selection.has(key)) continue;
    const force = deletes.get(key) ?? false;
    const ok = await attempt(key, async () => {
      deviceSkip(key);
      if (key === "hotplug") {
        if (/(cpu|memory)/.test(String(conf.main.hotplug ?? ""))) throw new Skip();
      } else if (key === "tablet" || /^usb\d+$/.test(key) || key === "vcpus") {
        // device-dependent: handled by deviceSkip
      } else if (key === "balloon") {
        if (conf.main.balloon !== undefined && Number(conf.main.balloon) === 0) throw new Skip();
      } else if (isFastPlug(key)) {
        // nothing to do
      } else if (/^net\d+$/.test(key)) {
        if (!features.has("network")) throw new Skip();
      } else if (isDriveName(key)) {
        if (!features.has("disk") || /(efidisk|ide|sata|tpmstate)(\d+)/.test(key)) throw new Skip();
        unplug(conf, key);
        const drive = parseDrive(key, String(conf.main[key]));
        if (drive) {
          if (force) await tryDeallocateDrive(env, auth, vmid, conf, key, drive, true);
          else await registerUnusedDrive(env, vmid, conf, drive);
        }
      } else if (key === "memory") {
        if (!features.has("memory")) throw new Skip();
      } else if (key !== "cpuunits" && key !== "cpulimit") {
        throw new Skip();
      }
    });
    if (ok) {
      const old = conf.main[key];
      delete conf.main[key];
      recordCloudinitChange(conf, key, old, undefined);
      removeFromPendingDelete(conf, key);
    }
  }

  let cloudinitKey: string | undefined;
  for (const key of Object.keys(conf.pending)) {
    if (key === "delete" || (selection && !selection.has(key))) continue;
    const value = conf.pending[key] as ConfigValue;
    const ok = await attempt(key, async () => {
      deviceSkip(key);
      if (key === "hotplug") {
        if (/memory|cpu/.test(String(value)) || /memory|cpu/.test(String(conf.main.hotplug ?? ""))) throw new Skip();
      } else if (key === "tablet" || /^usb\d+$/.test(key)) {
        // device-dependent: handled by deviceSkip
      } else if (key === "vcpus") {
        const maxcpus = Number(conf.main.sockets ?? 1) * Number(conf.main.cores ?? 1);
        if (Number(value) > maxcpus) throw new Error("you can't add more vcpus than maxcpus\n");
      } else if (key === "balloon") {
        const before = conf.main.balloon === undefined || Number(conf.main.balloon) !== 0;
        const after = Number(value) !== 0;
        if (before !== after) throw new Skip();
      } else if (/^net\d+$/.test(key)) {
        updateNet(env, conf, features.has("network"), key, String(value));
      } else if (isDriveName(key)) {
        if (key === "efidisk0" || key === "tpmstate0") throw new Skip();
        const drive = parseDrive(key, String(value));
        if (drive && driveIsCloudinit(drive)) {
          cloudinitKey = key;
          throw new Skip();
        }
        await updateDisk(env, vmid, conf, features.has("disk"), key, String(value));
      } else if (key === "memory") {
        if (!features.has("memory")) throw new Skip();
        const next = currentMemoryMiB(value);
        if (next !== currentMemoryMiB(conf.main.memory) && next < 1024) {
          throw new Error("memory can't be lower than 1024 MB at /usr/share/perl5/PVE/QemuServer/Memory.pm line 219.\n");
        }
      } else if (key === "agent") {
        updateAgent(conf, String(value));
      } else if (key !== "cpuunits" && key !== "cpulimit") {
        throw new Skip();
      }
    });
    if (ok) {
      recordCloudinitChange(conf, key, conf.main[key], value);
      conf.main[key] = value;
      delete conf.pending[key];
    }
  }

  if (cloudinitKey !== undefined) {
    const key = cloudinitKey;
    const value = conf.pending[key] as ConfigValue;
    const ok = await attempt(key, async () => {
      const next: GuestConf = { ...conf, main: { ...conf.main, [key]: value } };
      await applyCloudinitConfig(env, vmid, next, () => undefined);
      await updateDisk(env, vmid, conf, features.has("disk"), key, String(value));
    });
    if (ok) {
      conf.main[key] = value;
      delete conf.pending[key];
    }
  }
  write();
  if (features.has("cloudinit") && cloudinitHasChanges(conf)) {
    await applyCloudinitConfig(env, vmid, conf, () => undefined);
    write();
  }
  return errors;
}

/** `vmconfig_update_net`: bridge, VLAN, firewall, rate and link changes go live; a model or MAC change needs network hot-plug. */
function updateNet(env: StorageEnv, conf: GuestConf, hotplug: boolean, key: string, value: string): void {
  const next = parseNet(env.ctx, value, true) ?? {};
  const current = conf.main[key];
  if (current !== undefined) {
    const old = parseNet(env.ctx, String(current), true) ?? {};
    const differs = (k: string): boolean => String(old[k] ?? "") !== String(next[k] ?? "");
    if (differs("model") || differs("macaddr") || differs("queues") || differs("mtu") || !(next.bridge && old.bridge)) {
      if (!hotplug) throw new Skip();
      return; // unplugged, then plugged again below by QEMU
    }
    return;
  }
  if (!hotplug) throw new Skip();
}

/** `vmconfig_update_disk`: a new medium, throttling, or (with disk hot-plug) a new disk go live. */
async function updateDisk(env: StorageEnv, vmid: number, conf: GuestConf, hotplug: boolean, key: string, value: string): Promise<void> {
  const drive = parseDrive(key, value);
  if (!drive) throw new Skip();
  const current = conf.main[key];
  const old = current === undefined ? undefined : parseDrive(key, String(current));
  if (old) {
    if ((drive.media ?? "disk") !== (old.media ?? "disk")) throw new Error("unable to change media type\n");
    if (!driveIsCdrom(old)) {
      if (drive.file !== old.file) {
        if (!hotplug) throw new Skip();
        unplug(conf, key);
        await registerUnusedDrive(env, vmid, conf, old);
      } else {
        for (const k of ["aio", "discard", "iothread", "queues", "product", "cache", "ssd", "vendor", "ro"]) {
          if (String(drive[k] ?? "") !== String(old[k] ?? "")) throw new Skip();
        }
        return;
      }
    } else {
      if (drive.file === "none" && driveIsCloudinit(old)) await registerUnusedDrive(env, vmid, conf, old);
      return;
    }
  }
  if (!hotplug || /(ide|sata)(\d+)/.test(key)) throw new Skip();
}

/** `vmconfig_update_agent`: only `fstrim_cloned_disks` changes live, and only while an agent is configured. */
function updateAgent(conf: GuestConf, value: string): void {
  if (!conf.main.agent) throw new Skip();
  const format = subKeys("agent") ?? {};
  const parse = (v: string): Record<string, string | number> => {
    const parsed = parsePropertyStringStrict(v, format);
    return parsed.enabled ? parsed : {};
  };
  const before = parse(String(conf.main.agent));
  const after = parse(value);
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (k === "fstrim_cloned_disks") continue;
    if (String(before[k] ?? "") !== String(after[k] ?? "")) throw new Skip();
  }
}

/**
 * `vmconfig_apply_pending`: deletions (a deleted disk parked as `unusedN`, or freed with `force`),
 * then every pending value; a replaced disk becomes `unusedN`. Regenerates the cloud-init drive
 * when one was added, unless `skipCloudInit`. Returns the per-key errors.
 */
export async function applyPending(
  env: StorageEnv,
  auth: SimAuth,
  vmid: number,
  conf: GuestConf,
  log: (line: string) => void,
  skipCloudInit = false,
): Promise<Record<string, string>> {
  const errors: Record<string, string> = {};
  if (Object.keys(conf.pending).length === 0) return errors;
  const deletes = parsePendingDelete(conf.pending.delete);
  for (const key of [...deletes.keys()].sort()) {
    try {
      if (isDriveName(key) && conf.main[key] !== undefined) {
        const drive = parseDrive(key, String(conf.main[key]));
        if (drive) {
          if (deletes.get(key)) await tryDeallocateDrive(env, auth, vmid, conf, key, drive, true);
          else await registerUnusedDrive(env, vmid, conf, drive);
        }
      }
      removeFromPendingDelete(conf, key);
      delete conf.main[key];
    } catch (err) {
      const message = `unable to apply pending change ${key} : ${err instanceof Error ? err.message : String(err)}`;
      errors[key] = message;
      log(message.replace(/\n$/, ""));
    }
  }
  cleanupPending(conf);
  let generateCloudinit = !skipCloudInit ? undefined : false;
  for (const key of Object.keys(conf.pending)) {
    if (key === "delete") continue;
    if (isDriveName(key) && conf.main[key] !== undefined) {
      const old = parseDrive(key, String(conf.main[key]));
      if (old) await registerUnusedDrive(env, vmid, conf, old);
    }
    if (isDriveName(key)) {
      const drive = parseDrive(key, String(conf.pending[key]));
      if (drive && driveIsCloudinit(drive)) generateCloudinit ??= true;
    }
    conf.main[key] = conf.pending[key] as ConfigValue;
    delete conf.pending[key];
  }
  if (generateCloudinit) await applyCloudinitConfig(env, vmid, conf, log);
  return errors;
}
