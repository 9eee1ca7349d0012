/**
 * Drive property strings (qemu-server `src/PVE/QemuServer/Drive.pm`): `parse_drive` (aliases,
 * dropped geometry keys, `bps*` turned into `mbps*`, the throttling `requires`, `media=cdrom`
 * limits, `size` through `parse_size`), `print_drive` (the canonical order of
 * `print_property_string`, `size` through `format_size`), `$NEW_DISK_RE` (`storage:sizeGiB`),
 * `drive_is_cdrom` and `drive_is_cloudinit`.
 */
import { parametersOf, returnPropertiesOf } from "../../core/schema";
import { parsePropertyStringStrict, parseSize, printPropertyString, type PropertyValues, type SubKeys } from "../property-string";

/** A parsed drive: its sub-keys (`file`, `size` in bytes, `media`, ...). */
export type Drive = PropertyValues & { file: string };

/** `storage:size` (GiB, fractions allowed) or a bare size for the default storage. */
export const NEW_DISK_RE = /^(([^/:\s]+):)?(\d+(\.\d+)?)$/;

const DROPPED = ["cyls", "heads", "secs", "trans"];
const QEMU_FORMAT_RE = "raw|qcow|qcow2|qed|vmdk|cloop";

/** The sub-key table of a drive key: with `import-from` (create and config writes) or as stored. */
function driveFormat(key: string, withAlloc: boolean): SubKeys | undefined {
  const slot = /^(ide|scsi|virtio|sata)\d+$/.exec(key) ? `${key.replace(/\d+$/, "")}[n]` : key;
  const props = withAlloc ? parametersOf("POST", "/nodes/{node}/qemu/{vmid}/config") : returnPropertiesOf("GET", "/nodes/{node}/qemu/{vmid}/config");
  const format = props[slot]?.format;
  return typeof format === "object" ? (format as SubKeys) : undefined;
}

const THROTTLE_REQUIRES: readonly [string, string][] = [
  ["mbps_max", "mbps"],
  ["mbps_rd_max", "mbps_rd"],
  ["mbps_wr_max", "mbps_wr"],
  ["miops_max", "miops"],
  ["miops_rd_max", "miops_rd"],
  ["miops_wr_max", "miops_wr"],
  ["bps_max_length", "mbps_max"],
  ["bps_rd_max_length", "mbps_rd_max"],
  ["bps_wr_max_length", "mbps_wr_max"],
  ["iops_max_length", "iops_max"],
  ["iops_rd_max_length", "iops_rd_max"],
  ["iops_wr_max_length", "iops_wr_max"],
];

/** `parse_drive`: the drive, or undefined where qemu-server's parser gives up. */
export function parseDrive(key: string, value: string, withAlloc = false): Drive | undefined {
  const format = driveFormat(key, withAlloc);
  if (!format) return undefined;
  let res: PropertyValues;
  try {
    res = parsePropertyStringStrict(value, format, DROPPED);
  } catch {
    return undefined;
  }
  if (typeof res.file !== "string") return undefined;
  for (const opt of ["bps", "bps_rd", "bps_wr"]) {
    const bps = res[opt];
    if (bps === undefined) continue;
    delete res[opt];
    if (res[`m${opt}`] !== undefined) return undefined;
    res[`m${opt}`] = (Number(bps) / (1024 * 1024)).toFixed(3);
  }
  for (const [option, requires] of THROTTLE_REQUIRES) if (res[option] && !res[requires]) return undefined;
  if ((res.mbps_rd || res.mbps_wr) && res.mbps) return undefined;
  if ((res.iops_rd || res.iops_wr) && res.iops) return undefined;
  if (res.media === "cdrom" && (res.snapshot || res.format || key.startsWith("virtio"))) return undefined;
  if (res.size !== undefined) {
    const bytes = parseSize(String(res.size));
    if (bytes === undefined) return undefined;
    res.size = bytes;
  }
  return res as Drive;
}

/** `print_drive`. */
export function printDrive(key: string, drive: Readonly<PropertyValues>, withAlloc = false): string {
  const format = driveFormat(key, withAlloc) ?? {};
  return printPropertyString(drive, format, ["index", "interface"]);
}

/** `drive_is_cloudinit`: `storage:vm-100-cloudinit` (with a QEMU format suffix on file storage). */
export function driveIsCloudinit(drive: Pick<Drive, "file">): boolean {
  return new RegExp(`[:/](?:vm-\\d+-)?cloudinit(?:\\.(?:${QEMU_FORMAT_RE}))?$`).test(drive.file);
}

/** `drive_is_cdrom` (optionally not counting the cloud-init drive). */
export function driveIsCdrom(drive: Readonly<PropertyValues> | undefined, excludeCloudinit = false): boolean {
  if (!drive) return false;
  if (excludeCloudinit && typeof drive.file === "string" && driveIsCloudinit(drive as Drive)) return false;
  return drive.media === "cdrom";
}
