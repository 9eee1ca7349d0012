/**
 * Boot order and memory values (qemu-server `src/PVE/QemuServer.pm` `print_bootorder`,
 * `get_default_bootdevices`, `device_bootorder`, `bootorder_from_legacy`;
 * `QemuServer/Drive.pm` `get_bootdisks`, `resolve_first_disk`;
 * `QemuServer/Memory.pm` `get_current_memory`).
 */
import { splitList } from "../config-text";
import type { ConfigSection } from "../guests/config";
import { parsePropertyStringStrict, printPropertyString } from "../property-string";
import { DRIVE_NAMES, isDriveName, subKeys } from "./confdesc";
import { driveIsCdrom, parseDrive } from "./drive";
import { BOOT_FORMAT } from "./formats";

/** `print_bootorder`: `order=scsi0;ide2;net0`, or empty. */
export function printBootorder(devices: readonly string[]): string {
  return devices.length ? printPropertyString({ order: devices.join(";") }, BOOT_FORMAT) : "";
}

/** The devices of `boot: order=...` (none for a legacy or missing boot). */
export function bootorder(section: Readonly<ConfigSection>): string[] {
  if (section.boot === undefined) return [];
  const parsed = parsePropertyStringStrict(String(section.boot), BOOT_FORMAT);
  return splitList(parsed.order === undefined ? undefined : String(parsed.order));
}

/** `get_bootdisks`: the drives of the boot order, or the legacy `bootdisk`. */
export function bootDisks(section: Readonly<ConfigSection>): string[] {
  const boot = section.boot === undefined ? undefined : parsePropertyStringStrict(String(section.boot), BOOT_FORMAT);
  if (!boot || boot.legacy !== undefined) return section.bootdisk !== undefined ? [String(section.bootdisk)] : [];
  return bootorder(section).filter(isDriveName);
}

/**
 * `bootorder_from_legacy`: the boot index of each device under a legacy `boot: <cdn>` (default
 * `cdn`): CD-ROMs for `d`, only `bootdisk` for `c`, every NIC for `n`.
 */
function bootorderFromLegacy(section: Readonly<ConfigSection>, legacy: string | undefined): Map<string, number> {
  const index = new Map<string, number>();
  [...(legacy || "cdn")].forEach((letter, i) => index.set(letter, (i + 1) * 100));
  const out = new Map<string, number>();
  const next = (letter: string): number => {
    const at = index.get(letter) ?? 0;
    index.set(letter, at + 1);
    return at;
  };
  for (const key of DRIVE_NAMES) {
    if (section[key] === undefined) continue;
    const drive = parseDrive(key, String(section[key]));
    if (!drive) continue;
    if (driveIsCdrom(drive, true)) {
      if (index.get("d")) out.set(key, next("d"));
    } else if (index.get("c")) {
      const at = next("c");
      if (section.bootdisk !== undefined && String(section.bootdisk) === key) out.set(key, at);
    }
  }
  if (index.get("n")) for (let i = 0; i < 32; i++) if (section[`net${i}`] !== undefined) out.set(`net${i}`, next("n"));
  return out;
}

/** `device_bootorder`: each boot device with its boot index (from `order=`, or the legacy settings). */
export function deviceBootorder(section: Readonly<ConfigSection>): Map<string, number> {
  const boot = section.boot === undefined ? undefined : parsePropertyStringStrict(String(section.boot), BOOT_FORMAT);
  if (!boot || boot.legacy !== undefined) return bootorderFromLegacy(section, boot?.legacy === undefined ? undefined : String(boot.legacy));
  const out = new Map<string, number>();
  splitList(boot.order === undefined ? undefined : String(boot.order)).forEach((device, i) => out.set(device, 100 + i));
  return out;
}

/** `get_default_bootdevices`: the first disk, the first CD-ROM, the first NIC. */
export function defaultBootDevices(section: Readonly<ConfigSection>): string[] {
  const out: string[] = [];
  const first = (cdrom: boolean): string | undefined =>
    DRIVE_NAMES.filter((k) => k !== "efidisk0" && k !== "tpmstate0").find((key) => {
      if (section[key] === undefined) return false;
      const drive = parseDrive(key, String(section[key]));
      return drive !== undefined && driveIsCdrom(drive) === cdrom;
    });
  for (const device of [first(false), first(true)]) if (device) out.push(device);
  for (let i = 0; i < 32; i++) {
    if (section[`net${i}`] !== undefined) {
      out.push(`net${i}`);
      break;
    }
  }
  return out;
}

/** `get_current_memory`: MiB of `memory` (`[current=]<MiB>`, default 512). */
export function currentMemoryMiB(value: ConfigSection[string] | undefined): number {
  if (value === undefined) return 512;
  const parsed = parsePropertyStringStrict(String(value), subKeys("memory") ?? {});
  return Number(parsed.current ?? 512);
}
