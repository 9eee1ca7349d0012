/**
 * The permission checks qemu-server makes in code (`src/PVE/API2/Qemu.pm`):
 * `$check_vm_modify_config_perm` (each key's privilege category; anything outside the categories
 * is root-only: `only root can set '<key>' config`), `$check_vm_create_serial_perm`,
 * `check_usb_perm`, `check_hostpci_perm`, `check_rng_perm`, `check_dir_perm`,
 * `$check_storage_access` (`Datastore.AllocateSpace` on each storage a new disk lands on, the
 * storage's `images` content, `check_volume_access` for existing volumes), and
 * `PVE::QemuServer::check_bridge_access` (pve-guest-common `check_vnet_access`).
 */
import type { SimAuth, SimContext } from "../../types";
import { pveDie } from "../config-text";
import { paramError } from "../param-error";
import { parsePropertyStringStrict, type SubKeys } from "../property-string";
import { checkPrivs, checkVmPerm, checkVnetAccess, isRoot } from "../guests/permissions";
import { checkVolumeAccess } from "../guests/volume-access";
import { contentOf, parseVolname, parseVolumeId, storageConfig } from "../guests/storage-ops";
import { isDriveName, subKeys } from "./confdesc";
import { driveIsCdrom, NEW_DISK_RE, parseDrive } from "./drive";
import { HOSTPCI_FORMAT, RNG_FORMAT, VIRTIOFS_FORMAT } from "./formats";
import { parseNet } from "./net";

const CPU = ["cores", "cpu", "runningcpu", "cpulimit", "cpuunits", "numa", "smp", "sockets", "vcpus"];
const MEMORY = ["memory", "balloon", "shares", "allow-ksm"];
const HWTYPE = ["acpi", "hotplug", "kvm", "machine", "runningmachine", "scsihw", "smbios1", "tablet", "vga", "watchdog", "audio0", "rng0"];
const GENERAL = [
  "agent",
  "autostart",
  "bios",
  "description",
  "keyboard",
  "localtime",
  "migrate_downtime",
  "migrate_speed",
  "name",
  "onboot",
  "ostype",
  "protection",
  "reboot",
  "startdate",
  "startup",
  "tdf",
  "template",
];
const POWER = ["freeze"];
const DISK = ["boot", "bootdisk", "vmstatestorage"];
const CLOUDINIT = ["cicustom", "cipassword", "citype", "ciuser", "ciupgrade", "nameserver", "searchdomain", "sshkeys"];

/** `$check_vm_modify_config_perm` for the keys a create or update sets or deletes. */
export function checkModifyConfigPerm(ctx: SimContext, auth: SimAuth, vmid: number, pool: string | undefined, keys: readonly string[]): void {
  if (isRoot(auth)) return;
  const vm = (privs: string[], any = false): void => checkVmPerm(ctx, auth, vmid, pool, privs, any);
  for (const key of keys) {
    if (isDriveName(key) || key === "cdrom" || /^(?:unused|serial|usb|hostpci|virtiofs)\d+$/.test(key) || key === "tags") continue;
    if (CPU.includes(key) || /^numa\d+$/.test(key)) vm(["VM.Config.CPU"]);
    else if (MEMORY.includes(key)) vm(["VM.Config.Memory"]);
    else if (HWTYPE.includes(key)) vm(["VM.Config.HWType"]);
    else if (GENERAL.includes(key)) {
      vm(["VM.Config.Options"]);
      if (key === "startup") checkPrivs(ctx, auth, "/", ["Sys.Modify"]);
    } else if (POWER.includes(key)) vm(["VM.PowerMgmt"]);
    else if (DISK.includes(key)) vm(["VM.Config.Disk"]);
    else if (/^net\d+$/.test(key) || key === "running-nets-host-mtu") vm(["VM.Config.Network"]);
    else if (CLOUDINIT.includes(key) || /^ipconfig\d+$/.test(key)) vm(["VM.Config.Cloudinit", "VM.Config.Network"], true);
    else if (key === "vmstate") vm(["VM.Config.Disk", "VM.PowerMgmt"]);
    else throw pveDie(`only root can set '${key}' config`);
  }
}

/** `$check_vm_create_serial_perm` for one key: a socket needs HWType, a real device root. */
export function checkSerialPerm(ctx: SimContext, auth: SimAuth, vmid: number, pool: string | undefined, key: string, value: string): void {
  if (isRoot(auth)) return;
  if (value === "socket") checkVmPerm(ctx, auth, vmid, pool, ["VM.Config.HWType"]);
  else throw pveDie(`only root can set '${key}' config for real devices`);
}

function parseFormat(format: SubKeys | undefined, value: string): Record<string, string | number> {
  return format ? parsePropertyStringStrict(value, format) : {};
}

/** `check_usb_perm`: SPICE redirection or a mapping; a host device is root-only. */
export function checkUsbPerm(ctx: SimContext, auth: SimAuth, vmid: number, pool: string | undefined, key: string, value: string): void {
  if (isRoot(auth)) return;
  checkVmPerm(ctx, auth, vmid, pool, ["VM.Config.HWType"]);
  const device = parseFormat(subKeys("usb0"), value);
  if (device.host !== undefined) {
    if (!/^spice$/i.test(String(device.host))) throw pveDie(`only root can set '${key}' config for real devices`);
  } else if (device.mapping !== undefined) {
    checkPrivs(ctx, auth, `/mapping/usb/${device.mapping}`, ["Mapping.Use"]);
  } else {
    throw pveDie("either 'host' or 'mapping' must be set.");
  }
}

/** `check_hostpci_perm`: only mapped devices for non-root users, never a `romfile`. */
export function checkHostpciPerm(ctx: SimContext, auth: SimAuth, vmid: number, pool: string | undefined, key: string, value: string): void {
  if (isRoot(auth)) return;
  const device = parseFormat(HOSTPCI_FORMAT, value);
  if (device.host !== undefined) throw pveDie(`only root can set '${key}' config for non-mapped devices`);
  if (device.mapping === undefined) throw pveDie("either 'host' or 'mapping' must be set.");
  checkPrivs(ctx, auth, `/mapping/pci/${device.mapping}`, ["Mapping.Use"]);
  checkVmPerm(ctx, auth, vmid, pool, ["VM.Config.HWType"]);
  if (device.romfile !== undefined) throw paramError({ [key]: "only root@pam can set 'romfile' option" });
}

/** `check_rng_perm`: `/dev/hwrng` needs `Mapping.Use` on `/mapping/hwrng`. */
export function checkRngPerm(ctx: SimContext, auth: SimAuth, vmid: number, pool: string | undefined, value: string): void {
  if (isRoot(auth)) return;
  checkVmPerm(ctx, auth, vmid, pool, ["VM.Config.HWType"]);
  if (parseFormat(RNG_FORMAT, value).source === "/dev/hwrng") checkPrivs(ctx, auth, "/mapping/hwrng", ["Mapping.Use"]);
}

/** `check_dir_perm` (virtiofs): `VM.Config.Disk` and `Mapping.Use` on the directory mapping. */
export function checkDirPerm(ctx: SimContext, auth: SimAuth, vmid: number, pool: string | undefined, value: string): void {
  if (isRoot(auth)) return;
  checkVmPerm(ctx, auth, vmid, pool, ["VM.Config.Disk"]);
  checkPrivs(ctx, auth, `/mapping/dir/${String(parseFormat(VIRTIOFS_FORMAT, value).dirid)}`, ["Mapping.Use"]);
}

/**
 * The device checks create runs, one family after the other as `create_vm` calls them
 * (`$check_vm_create_serial_perm`, `check_vm_create_usb_perm`, `check_vm_create_hostpci_perm`,
 * `check_rng_perm` for `rng0`, `check_vm_create_dir_perm`), so a request with several root-only
 * devices is refused for the first family's.
 */
export function checkCreateDevicePerms(
  ctx: SimContext,
  auth: SimAuth,
  vmid: number,
  pool: string | undefined,
  params: Readonly<Record<string, unknown>>,
): void {
  const keys = Object.keys(params).sort();
  const each = (pattern: RegExp, check: (key: string, value: string) => void): void => {
    for (const key of keys) if (pattern.test(key)) check(key, String(params[key]));
  };
  each(/^serial\d+$/, (key, value) => checkSerialPerm(ctx, auth, vmid, pool, key, value));
  each(/^usb\d+$/, (key, value) => checkUsbPerm(ctx, auth, vmid, pool, key, value));
  each(/^hostpci\d+$/, (key, value) => checkHostpciPerm(ctx, auth, vmid, pool, key, value));
  each(/^rng0$/, (_key, value) => checkRngPerm(ctx, auth, vmid, pool, value));
  each(/^virtiofs\d+$/, (_key, value) => checkDirPerm(ctx, auth, vmid, pool, value));
}

/** `check_bridge_access`: `check_vnet_access` for the bridge (and VLANs) of every NIC. */
export function checkBridgeAccess(ctx: SimContext, auth: SimAuth, settings: Readonly<Record<string, unknown>>): void {
  if (isRoot(auth)) return;
  for (const key of Object.keys(settings).sort()) {
    if (!/^net\d+$/.test(key)) continue;
    const net = parseNet(ctx, String(settings[key]), true);
    if (net?.bridge !== undefined) checkVnetAccess(ctx, auth, String(net.bridge), net.tag, net.trunks);
  }
}

/**
 * `$check_storage_access`: for each drive of `settings` (parsed with `import-from`), a new disk
 * needs `Datastore.AllocateSpace` and a storage with `images`; an existing volume needs read
 * access and content `images` or `iso`; an import source `VM.Clone` on its owner.
 */
export function checkStorageAccess(
  ctx: SimContext,
  auth: SimAuth,
  vmid: number,
  settings: Readonly<Record<string, unknown>>,
  defaultStorage: string | undefined,
): void {
  for (const key of Object.keys(settings).sort()) {
    if (!isDriveName(key)) continue;
    const drive = parseDrive(key, String(settings[key]), true);
    if (!drive) continue;
    const volid = drive.file;
    const parsed = parseVolumeId(volid, true);
    const isCdrom = driveIsCdrom(drive);
    if (!volid || volid === "none" || volid === "cloudinit" || parsed?.[1] === "cloudinit") {
      // nothing to check
    } else if (isCdrom && volid === "cdrom") {
      checkPrivs(ctx, auth, "/", ["Sys.Console"]);
    } else if (!isCdrom && NEW_DISK_RE.test(volid)) {
      const storage = NEW_DISK_RE.exec(volid)?.[2] ?? defaultStorage;
      if (!storage) throw pveDie("no storage ID specified (and no default storage)");
      checkPrivs(ctx, auth, `/storage/${storage}`, ["Datastore.AllocateSpace"]);
      if (!contentOf(storageConfig(ctx, storage)).has("images")) throw paramError({ storage: `storage '${storage}' does not support vm images` });
    } else {
      checkVolumeAccess(ctx, auth, vmid, volid);
      if (parsed) {
        const { vtype } = parseVolname(ctx, volid);
        if (vtype !== "images" && vtype !== "iso") throw paramError({ [key]: "content type needs to be 'images' or 'iso'" });
      }
    }
    const source = drive["import-from"];
    if (typeof source === "string") {
      const sourceId = parseVolumeId(source, true);
      if (sourceId) {
        const { vtype, vmid: owner } = parseVolname(ctx, source);
        if (vtype !== "images" && vtype !== "import") throw paramError({ [key]: `${source} has wrong type '${vtype}' - needs to be 'images' or 'import'` });
        if (owner !== undefined && vtype === "images") checkPrivs(ctx, auth, `/vms/${owner}`, ["VM.Clone"]);
        else checkVolumeAccess(ctx, auth, vmid, source);
      } else {
        checkVolumeAccess(ctx, auth, vmid, source);
      }
    }
  }
  for (const key of Object.keys(settings).sort()) {
    if (!/^unused\d+$/.test(key)) continue;
    const volid =
      String(settings[key])
        .replace(/^(file|volume)=/, "")
        .split(",")[0] ?? "";
    if (!parseVolumeId(volid, true)) throw paramError({ [key]: `not a valid volid: ${volid}` });
    checkVolumeAccess(ctx, auth, vmid, volid, "images");
  }
  if (settings.vmstatestorage !== undefined) checkPrivs(ctx, auth, `/storage/${String(settings.vmstatestorage)}`, ["Datastore.AllocateSpace"]);
}
