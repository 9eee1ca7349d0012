/**
 * Machine and display checks of create and update (qemu-server `src/PVE/QemuServer/Machine.pm`
 * `check_and_pin_machine_string`, `windows_get_pinned_machine_version`,
 * `latest_installed_machine_version`, `assert_valid_machine_property`; `QemuServer.pm`
 * `assert_clipboard_config`; `QemuServer/Helpers.pm` `windows_version`). A Windows guest without
 * a versioned machine type gets one pinned to the newest the node's QEMU runs, so that a QEMU
 * upgrade does not change its hardware.
 */
import { pveDie } from "../config-text";
import type { ConfigValue } from "../guests/config";
import { parsePropertyStringStrict, printPropertyString } from "../property-string";
import { subKeys } from "./confdesc";

/** The node's QEMU (`kvm_user_version`); the simulator reports it in `meta` and status too. */
export const QEMU_VERSION = "10.0.2";

/** `latest_installed_machine_version` for {@link QEMU_VERSION}: `$PVE_MACHINE_VERSION` has `10.0` at `+pve1`. */
const LATEST_MACHINE_VERSION = "10.0+pve1";

/** `windows_version`: 5 for XP/2003/2000, 6 for Vista/2008, N for winN, else 0. */
export function windowsVersion(ostype: ConfigValue | undefined): number {
  const os = String(ostype ?? "");
  if (["wxp", "w2k3", "w2k"].includes(os)) return 5;
  if (["w2k8", "wvista"].includes(os)) return 6;
  return Number(/^win(\d+)$/.exec(os)?.[1] ?? 0);
}

/** `assert_valid_machine_property`: Intel vIOMMU needs q35 and 39 or 48 address bits; `aw-bits` needs a vIOMMU. */
function assertValidMachineProperty(machine: Readonly<Record<string, string | number>>): void {
  if (machine.viommu === "intel") {
    if (!/q35/.test(String(machine.type ?? ""))) throw pveDie("to use Intel vIOMMU please set the machine type to q35");
    const bits = machine["aw-bits"];
    if (bits && Number(bits) !== 39 && Number(bits) !== 48) throw pveDie("Intel vIOMMU supports only 39 or 48 bits as address width");
  }
  if (machine["aw-bits"] && !machine.viommu) throw pveDie("cannot set aw-bits if no vIOMMU is configured");
}

/** `parse_machine`, then `assert_valid_machine_property` (the update path's `machine` check). */
export function assertMachine(value: ConfigValue): void {
  assertValidMachineProperty(parsePropertyStringStrict(String(value), subKeys("machine") ?? {}));
}

/**
 * `check_and_pin_machine_string`: for a Windows `ostype` with no machine type or an unversioned
 * `pc`/`q35`/`virt`, the type is pinned (`pc-i440fx-10.0+pve1`) and `log` says so; the result is
 * the machine string reprinted, or undefined when there is none.
 */
export function checkAndPinMachine(
  machine: ConfigValue | undefined,
  ostype: ConfigValue | undefined,
  arch: ConfigValue | undefined,
  log: (line: string) => void,
): string | undefined {
  const format = subKeys("machine") ?? {};
  const conf = machine === undefined || machine === "" ? {} : parsePropertyStringStrict(String(machine), format);
  const type = conf.type === undefined ? undefined : String(conf.type);
  if ((!type || /^(?:pc|q35|virt)$/.test(type)) && windowsVersion(ostype)) {
    const base = type ?? (String(arch ?? "x86_64") === "aarch64" ? "virt" : "pc");
    conf.type = base === "pc" ? `pc-i440fx-${LATEST_MACHINE_VERSION}` : base === "q35" ? `pc-q35-${LATEST_MACHINE_VERSION}` : `virt-${LATEST_MACHINE_VERSION}`;
    log(`pinning machine type to '${String(conf.type)}' for Windows guest OS`);
  }
  assertValidMachineProperty(conf);
  const printed = printPropertyString(conf, format);
  return printed || undefined;
}

/** `assert_clipboard_config`: the VNC clipboard needs a display type that has one. */
export function assertClipboardConfig(vga: ConfigValue | undefined): void {
  if (vga === undefined) return;
  const parsed = parsePropertyStringStrict(String(vga), subKeys("vga") ?? {});
  if (parsed.clipboard === "vnc" && parsed.type !== undefined && !/^(std|cirrus|vmware|virtio|qxl)/.test(String(parsed.type))) {
    throw pveDie(`vga type ${String(parsed.type)} is not compatible with VNC clipboard`);
  }
}
