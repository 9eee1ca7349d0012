/**
 * qemu-server's `$confdesc` (`src/PVE/QemuServer.pm`), read from the vendored schema's
 * `GET /nodes/{node}/qemu/{vmid}/config` return properties, with the index ranges the compact
 * schema folds into `name[n]`: `$MAX_IDE_DISKS` 4, `$MAX_SCSI_DISKS` 31, `$MAX_VIRTIO_DISKS` 16,
 * `$MAX_SATA_DISKS` 6 (`QemuServer/Drive.pm`), `$MAX_NETS` 32, `$MAX_SERIAL_PORTS` 4,
 * `$MAX_PARALLEL_PORTS` 3, `$MAX_HOSTPCI_DEVICES` 16 (`PCI.pm`), `$MAX_USB_DEVICES` 14 (`USB.pm`),
 * `$MAX_NUMA` 8 (`Memory.pm`), `$MAX_UNUSED_DISKS` 256, `$MAX_VIRTIOFS` 10 (`Virtiofs.pm`).
 */
import { assertIndexRanges as assertRanges } from "../guests/params";
import type { SchemaParam } from "../../core/schema";
import { returnPropertiesOf } from "../../core/schema";
import type { SubKeys } from "../property-string";
import type { ConfigValue } from "../guests/config";

/** How many numbered keys each indexed option has. */
export const INDEXED: Readonly<Record<string, number>> = {
  ide: 4,
  scsi: 31,
  virtio: 16,
  sata: 6,
  net: 32,
  ipconfig: 32,
  serial: 4,
  parallel: 3,
  hostpci: 16,
  usb: 14,
  numa: 8,
  unused: 256,
  virtiofs: 10,
};

let confdesc: Readonly<Record<string, SchemaParam>> | undefined;

/** The option table: every config key of a VM (the `[n]` entries stand for their numbered keys). */
function table(): Readonly<Record<string, SchemaParam>> {
  if (!confdesc) {
    const { digest: _digest, ...options } = returnPropertiesOf("GET", "/nodes/{node}/qemu/{vmid}/config");
    confdesc = options;
  }
  return confdesc;
}

/** `name7` → `["name", 7]`; undefined for a key without an index. */
export function splitIndex(key: string): [string, number] | undefined {
  const m = /^([a-z_]+?)(\d+)$/.exec(key);
  return m?.[1] !== undefined && m[2] !== undefined && INDEXED[m[1]] !== undefined ? [m[1], Number(m[2])] : undefined;
}

/** The schema of one config key, honouring the index ranges; undefined when qemu-server has no such option. */
export function optionSchema(key: string): SchemaParam | undefined {
  const indexed = splitIndex(key);
  if (indexed) return indexed[1] < (INDEXED[indexed[0]] ?? 0) ? table()[`${indexed[0]}[n]`] : undefined;
  return table()[key];
}

/** `option_exists`. */
export function optionExists(key: string): boolean {
  return optionSchema(key) !== undefined;
}

/** The property-string sub-keys of an option, when its format is inline. */
export function subKeys(key: string): SubKeys | undefined {
  const format = optionSchema(key)?.format;
  return typeof format === "object" ? (format as SubKeys) : undefined;
}

/** What `parse_vm_config`'s `check_type` makes of a value: integers and booleans are numbers. */
export function typedValue(key: string, value: ConfigValue): ConfigValue {
  const type = optionSchema(key)?.type;
  if (type === "integer" || type === "boolean") return Number(value);
  return String(value);
}

/** The drive keys in `valid_drive_names` order (the order boot-disk autoselection uses). */
export const DRIVE_NAMES: readonly string[] = [
  ...Array.from({ length: 4 }, (_, i) => `ide${i}`),
  ...Array.from({ length: 31 }, (_, i) => `scsi${i}`),
  ...Array.from({ length: 16 }, (_, i) => `virtio${i}`),
  ...Array.from({ length: 6 }, (_, i) => `sata${i}`),
  "efidisk0",
  "tpmstate0",
];

const DRIVES = new Set(DRIVE_NAMES);

/** `is_valid_drivename` (unused disks are not drives). */
export function isDriveName(key: string): boolean {
  return DRIVES.has(key);
}

/** The numbered keys of a request beyond qemu-server's ranges (`net40`, `scsi31`). */
export function assertIndexRanges(params: Readonly<Record<string, unknown>>): void {
  assertRanges(params, INDEXED);
}
