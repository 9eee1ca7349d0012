/**
 * Container volumes, NICs, devices and features as property strings (pve-container
 * `src/PVE/LXC/Config.pm` `parse_volume` with `$parse_ct_mountpoint_full`, `print_ct_mountpoint`,
 * `print_ct_unused`, `classify_mountpoint`, `valid_volume_keys`, `foreach_volume`,
 * `parse_device`, `print_device`, `parse_lxc_network`, `print_lxc_network`, `parse_features`;
 * `src/PVE/LXC.pm` `$NEW_DISK_RE`). A mount point is a `volume`, a `bind` mount of a host path,
 * or a `device`; `size` is kept in bytes and printed as `format_size` does.
 */
import type { SimContext } from "../../types";
import { pveDie } from "../config-text";
import type { ConfigSection } from "../guests/config";
import { randomDatacenterMac } from "../guests/params";
import { parsePropertyStringStrict, parseSize, printPropertyString, type PropertyValues } from "../property-string";
import { INDEXED, subKeys } from "./confdesc";

/** `storage:sizeGiB` (fractions allowed): a new volume. */
export const NEW_DISK_RE = /^([^:\s]+):(\d+(\.\d+)?)$/;

/** A parsed mount point: its sub-keys, `size` in bytes, `type`, and `mp` (`/` for the rootfs). */
export type MountPoint = PropertyValues & { volume: string; type: "volume" | "bind" | "device" };

/** `classify_mountpoint`. */
export function classifyMountpoint(volume: string): MountPoint["type"] {
  if (volume.startsWith("/")) return volume.startsWith("/dev/") ? "device" : "bind";
  return "volume";
}

/** `valid_volume_keys`: `rootfs`, then `mp0..mp255`. */
export const VOLUME_KEYS: readonly string[] = ["rootfs", ...Array.from({ length: INDEXED.mp ?? 256 }, (_, i) => `mp${i}`)];

/** Whether `key` is a volume key (`rootfs`, `mpN`). */
export function isVolumeKey(key: string): boolean {
  return key === "rootfs" || /^mp\d+$/.test(key);
}

/** `parse_volume` for `rootfs`, `mpN` and `unusedN`; undefined (with `noerr`) where PVE's parser gives up. */
export function parseVolume(key: string, value: string, noerr = false): MountPoint | undefined {
  const format = key === "rootfs" ? subKeys("rootfs") : /^mp\d+$/.test(key) ? subKeys("mp0") : /^unused\d+$/.test(key) ? subKeys("unused0") : undefined;
  if (!format) {
    if (noerr) return undefined;
    throw pveDie(`parse_volume - unknown type: ${key}`);
  }
  let res: PropertyValues;
  try {
    res = parsePropertyStringStrict(value, format);
  } catch (err) {
    if (noerr) return undefined;
    throw pveDie(err instanceof Error ? err.message.replace(/\n$/, "") : String(err));
  }
  if (res.size !== undefined) {
    const bytes = parseSize(String(res.size));
    if (bytes === undefined) {
      if (noerr) return undefined;
      throw pveDie(`invalid size: ${String(res.size)}`);
    }
    res.size = bytes;
  }
  const volume = String(res.volume ?? "");
  const mp: MountPoint = { ...res, volume, type: classifyMountpoint(volume) };
  if (key === "rootfs") mp.mp = "/";
  return mp;
}

/** `print_ct_mountpoint` (with `mp` left out for the rootfs); `unusedN` print their volume alone. */
export function printMountpoint(key: string, mp: Readonly<PropertyValues>): string {
  if (/^unused\d+$/.test(key)) return printPropertyString(mp, subKeys("unused0"), ["type"]);
  return printPropertyString(mp, subKeys("mp0"), key === "rootfs" ? ["type", "mp"] : ["type"]);
}

/** `foreach_volume`: the rootfs and mount points of a section, in key order, that parse. */
export function volumesOf(section: Readonly<ConfigSection>): { key: string; mp: MountPoint }[] {
  const out: { key: string; mp: MountPoint }[] = [];
  for (const key of VOLUME_KEYS) {
    const value = section[key];
    if (value === undefined) continue;
    const mp = parseVolume(key, String(value), true);
    if (mp) out.push({ key, mp });
  }
  return out;
}

/** `mountpoint_backup_enabled`: the rootfs, and volume mount points with `backup=1`. */
export function backupEnabled(key: string, mp: Readonly<MountPoint>): boolean {
  return key === "rootfs" || (mp.type === "volume" && Number(mp.backup ?? 0) === 1);
}

/** `parse_device`: a passthrough device; `Path has to be defined` without a path. */
export function parseDevice(value: string): PropertyValues & { path: string } {
  let res: PropertyValues;
  try {
    res = parsePropertyStringStrict(value, subKeys("dev0"));
  } catch (err) {
    throw pveDie(err instanceof Error ? err.message.replace(/\n$/, "") : String(err));
  }
  if (res.path === undefined) throw pveDie("Path has to be defined");
  return { ...res, path: String(res.path) };
}

/** `print_device`. */
export function printDevice(dev: Readonly<PropertyValues>): string {
  return printPropertyString(dev, subKeys("dev0"));
}

/** `parse_lxc_network`: always `type=veth`, a random MAC (datacenter `mac_prefix`) when none is set. */
export function parseNetwork(ctx: SimContext, value: string): PropertyValues {
  if (!value) return {};
  const net = parsePropertyStringStrict(value, subKeys("net0"));
  net.type = "veth";
  if (!net.hwaddr) net.hwaddr = randomDatacenterMac(ctx);
  return net;
}

/** `parse_property_string` of a NIC without `parse_lxc_network`'s additions. */
export function parseNetworkRaw(value: string): PropertyValues {
  return parsePropertyStringStrict(value, subKeys("net0"));
}

/** `print_lxc_network`: `name` first (it is required), then the rest sorted. */
export function printNetwork(net: Readonly<PropertyValues>): string {
  return printPropertyString(net, subKeys("net0"));
}

/** `parse_features`. */
export function parseFeatures(value: string | number | undefined): PropertyValues {
  if (value === undefined || value === "") return {};
  return parsePropertyStringStrict(String(value), subKeys("features"));
}
