/**
 * What preview refuses of a VM before PVE would, with PVE's reasons (the shared guest checks of
 * `schema/guest-checks.ts`):
 * - keys only `root@pam` may set (qemu-server `API2/Qemu.pm` `$check_vm_modify_config_perm`,
 *   `$check_vm_create_serial_perm`, `check_usb_perm`, `check_hostpci_perm`);
 * - disks on a storage the node does not have, or one without `images` content (`$check_storage_access`);
 * - a clone source that does not exist, and `storage`/`format` for a linked clone (`clone_vm`);
 * - a template that should run.
 */
import type { SdkObject } from "../../codecs";
import {
  type GuestKindFacts,
  type RootOnlyKey,
  callsAsRoot,
  cloneFailures,
  currentConfig,
  entriesOf,
  guestSourceFailures,
  objectSlots,
  rootOnlyFailures,
  storageFailures,
} from "../../guest-checks";
import { isDiskImage, storageOf } from "../../guest-volumes";
import type { KindHooks } from "../../hooks";
import { toCamel } from "../../naming";
import { type Props, containsUnknown, isSet } from "../../props";

const VM: GuestKindFacts = { type: "qemu", label: "VM", content: "images" };

/** Plain keys only root@pam may set (`$check_vm_modify_config_perm`'s refusals). */
const ROOT_ONLY = [
  "affinity",
  "amd-sev",
  "arch",
  "args",
  "hookscript",
  "hugepages",
  "intel-tdx",
  "ivshmem",
  "keephugepages",
  "spice_enhancements",
  "vmgenid",
] as const;

/** The settings of this VM's inputs that only root@pam may make. */
function rootOnlyKeys(news: Props): RootOnlyKey[] {
  const found: RootOnlyKey[] = [];
  for (const key of ROOT_ONLY) if (isSet(news[toCamel(key)])) found.push({ property: toCamel(key), key, why: `only root can set '${key}' config` });
  for (const [slot, device] of objectSlots(news, "hostpci")) {
    if (!isSet(device["mapping"]))
      found.push({ property: `hostpci.${slot}`, key: `hostpci${slot}`, why: `only root can set 'hostpci${slot}' config for non-mapped devices` });
  }
  for (const [slot, device] of objectSlots(news, "usb")) {
    const host = device["host"];
    if (!isSet(device["mapping"]) && isSet(host) && host !== "spice")
      found.push({ property: `usb.${slot}`, key: `usb${slot}`, why: `only root can set 'usb${slot}' config for real devices` });
  }
  for (const [slot, port] of entriesOf(news, "serial")) {
    if (port !== "socket") found.push({ property: `serial.${slot}`, key: `serial${slot}`, why: `only root can set 'serial${slot}' config for real devices` });
  }
  for (const [slot] of entriesOf(news, "parallel"))
    found.push({ property: `parallel.${slot}`, key: `parallel${slot}`, why: `only root can set 'parallel${slot}' config` });
  return found;
}

/** The disks (property path, storage) this VM's inputs allocate or import. */
function allocations(news: Props): Array<{ property: string; storage: string }> {
  const found: Array<{ property: string; storage: string }> = [];
  for (const bus of ["scsi", "virtio", "sata", "ide"]) {
    for (const [slot, disk] of objectSlots(news, bus)) {
      const file = disk["file"];
      if (typeof file === "string" && isDiskImage(file) && /:\d+(?:\.\d+)?$/.test(file))
        found.push({ property: `${bus}.${slot}.file`, storage: storageOf(file) });
    }
  }
  for (const single of ["efidisk0", "tpmstate0"]) {
    const file = (news[toCamel(single)] as SdkObject | undefined)?.["file"];
    if (typeof file === "string" && isDiskImage(file)) found.push({ property: `${toCamel(single)}.file`, storage: storageOf(file) });
  }
  const clone = news["clone"] as SdkObject | undefined;
  if (typeof clone?.["storage"] === "string") found.push({ property: "clone.storage", storage: clone["storage"] });
  return found;
}

/** The VM kind's checks. */
export const virtualMachineHooks: KindHooks = {
  check: (news) => guestSourceFailures(news, "archive"),
  async checkRemote(api, news) {
    if (containsUnknown(news["node"])) return [];
    const keys = rootOnlyKeys(news);
    const config = keys.length > 0 && !callsAsRoot(api) ? await currentConfig(api, VM, news) : undefined;
    const results = await Promise.all([
      rootOnlyFailures(api, keys, config),
      storageFailures(api, VM, news["node"], allocations(news)),
      cloneFailures(api, VM, news),
    ]);
    return results.flat();
  },
};
