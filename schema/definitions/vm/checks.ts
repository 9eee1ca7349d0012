/**
 * What preview refuses of a VM before PVE would, with PVE's reasons:
 * - keys only `root@pam` may set (qemu-server `API2/Qemu.pm` `$check_vm_modify_config_perm`,
 *   `$check_vm_create_serial_perm`, `check_usb_perm`, `check_hostpci_perm`): an API token is never
 *   root, not even one of `root@pam`. Only values the write would change are refused, so a VM root
 *   set up keeps working under a deploy token;
 * - disks on a storage the node does not have, or one without `images` content
 *   (`$check_storage_access`);
 * - a clone source that does not exist, and `storage`/`format` for a linked clone (`clone_vm`);
 * - a template that should run.
 */
import type { SdkObject } from "../../codecs";
import type { CheckFailure, HookApi, KindHooks } from "../../hooks";
import { type Props, containsUnknown, isSet } from "../../props";
import { isDiskImage, storageOf } from "../../guest-volumes";
import { toCamel } from "../../naming";

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

/** The slots of a family as the program gives them. */
function slots(news: Props, family: string): Array<[string, SdkObject]> {
  const value = news[family];
  return typeof value === "object" && value !== null && !Array.isArray(value) ? Object.entries(value as Record<string, SdkObject>) : [];
}

/** The slots of a family of plain values (serial and parallel ports). */
function plainSlots(news: Props, family: string): Array<[string, unknown]> {
  const value = news[family];
  return typeof value === "object" && value !== null && !Array.isArray(value) ? Object.entries(value) : [];
}

/** The keys (PVE names, `hostpci0`) of this VM's inputs that only root@pam may set, with why. */
function rootOnlyKeys(news: Props): Array<{ property: string; key: string; why: string }> {
  const found: Array<{ property: string; key: string; why: string }> = [];
  for (const key of ROOT_ONLY) if (isSet(news[toCamel(key)])) found.push({ property: toCamel(key), key, why: `only root can set '${key}' config` });
  for (const [slot, device] of slots(news, "hostpci")) {
    if (!isSet(device["mapping"]))
      found.push({ property: `hostpci.${slot}`, key: `hostpci${slot}`, why: `only root can set 'hostpci${slot}' config for non-mapped devices` });
  }
  for (const [slot, device] of slots(news, "usb")) {
    const host = device["host"];
    if (!isSet(device["mapping"]) && isSet(host) && host !== "spice")
      found.push({ property: `usb.${slot}`, key: `usb${slot}`, why: `only root can set 'usb${slot}' config for real devices` });
  }
  for (const [slot, port] of plainSlots(news, "serial")) {
    if (port !== "socket") found.push({ property: `serial.${slot}`, key: `serial${slot}`, why: `only root can set 'serial${slot}' config for real devices` });
  }
  for (const [slot] of plainSlots(news, "parallel"))
    found.push({ property: `parallel.${slot}`, key: `parallel${slot}`, why: `only root can set 'parallel${slot}' config` });
  return found;
}

/** The VM's config as PVE has it, when it exists (a new VM has none). */
async function currentConfig(api: HookApi, news: Props): Promise<Readonly<Record<string, unknown>> | undefined> {
  const { node, vmid } = news;
  if (typeof node !== "string" || typeof vmid !== "number") return undefined;
  try {
    return await api.request<Record<string, unknown>>("GET", `/nodes/${node}/qemu/${vmid}/config`);
  } catch {
    return undefined;
  }
}

/** Root-only keys a non-root caller would write (a value PVE already has is not written). */
async function rootOnlyFailures(api: HookApi, news: Props): Promise<CheckFailure[]> {
  const caller = api.caller();
  if (!caller || (caller.userid === "root@pam" && !caller.token)) return [];
  const keys = rootOnlyKeys(news);
  if (keys.length === 0) return [];
  const config = await currentConfig(api, news);
  const who = caller.token ? `an API token (${caller.userid}'s)` : caller.userid;
  return keys
    .filter(({ key }) => config?.[key] === undefined)
    .map(({ property, why }) => ({
      property,
      reason: `PVE refuses it: ${why}, and these requests are made as ${who}; set it as root@pam with a password login, or leave it out`,
    }));
}

/** One storage of `GET /nodes/{node}/storage`. */
interface NodeStorage {
  readonly storage: string;
  readonly content?: string;
  readonly enabled?: number;
  readonly active?: number;
}

/** The disks (property path, storage) this VM's inputs allocate or import, where a storage must hold images. */
function allocations(news: Props): Array<{ property: string; storage: string }> {
  const found: Array<{ property: string; storage: string }> = [];
  for (const bus of ["scsi", "virtio", "sata", "ide"]) {
    for (const [slot, disk] of slots(news, bus)) {
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

/** Disks on a storage the node lacks, or one without `images` content. */
async function storageFailures(api: HookApi, news: Props): Promise<CheckFailure[]> {
  const node = news["node"];
  const wanted = allocations(news);
  if (typeof node !== "string" || wanted.length === 0) return [];
  const storages = await api.request<NodeStorage[]>("GET", `/nodes/${node}/storage`);
  const failures: CheckFailure[] = [];
  for (const { property, storage } of wanted) {
    const found = storages.find((entry) => entry.storage === storage);
    if (!found) failures.push({ property, reason: `storage '${storage}' does not exist on node '${node}'` });
    else if (found.enabled === 0) failures.push({ property, reason: `storage '${storage}' is disabled` });
    else if (!(found.content ?? "").split(",").includes("images"))
      failures.push({ property, reason: `storage '${storage}' does not hold VM disks (its content is '${found.content ?? ""}', without 'images')` });
  }
  return failures;
}

/** One guest of `/cluster/resources?type=vm`. */
interface GuestEntry {
  readonly vmid: number;
  readonly node: string;
  readonly type: string;
  readonly template?: number;
}

/** A clone source that does not exist, and what a linked clone of a template cannot take. */
async function cloneFailures(api: HookApi, news: Props): Promise<CheckFailure[]> {
  const clone = news["clone"] as SdkObject | undefined;
  if (!clone || typeof clone["vmid"] !== "number") return [];
  const guests = await api.request<GuestEntry[]>("GET", "/cluster/resources", { type: "vm" });
  const source = guests.find((entry) => entry.vmid === clone["vmid"] && entry.type === "qemu");
  if (!source) return [{ property: "clone.vmid", reason: `there is no VM ${String(clone["vmid"])} in the cluster to clone` }];
  if (typeof clone["node"] === "string" && clone["node"] !== source.node)
    return [{ property: "clone.node", reason: `VM ${source.vmid} is on node '${source.node}', not '${clone["node"]}'` }];
  // PVE's default: a template is cloned linked, anything else in full (`clone_vm`).
  const full = typeof clone["full"] === "boolean" ? clone["full"] : source.template !== 1;
  if (full) return [];
  return ["storage", "format"]
    .filter((key) => isSet(clone[key]))
    .map((key) => ({
      property: `clone.${key}`,
      reason: `a linked clone stays on its template's storage: '${key}' needs \`full: true\` (PVE refuses it otherwise)`,
    }));
}

/** The VM kind's checks. */
export const virtualMachineHooks: KindHooks = {
  check(news) {
    const failures: CheckFailure[] = [];
    if (isSet(news["clone"]) && isSet(news["archive"])) failures.push({ property: "clone", reason: "a VM is cloned or restored from an archive, not both" });
    if (news["template"] === true && news["started"] === true)
      failures.push({ property: "started", reason: "a template cannot run: leave `started` out or false" });
    const clone = news["clone"] as SdkObject | undefined;
    if (clone?.["full"] === false) {
      for (const key of ["storage", "format"]) {
        if (isSet(clone[key]))
          failures.push({ property: `clone.${key}`, reason: `a linked clone stays on its template's storage: '${key}' needs \`full: true\`` });
      }
    }
    return failures;
  },
  async checkRemote(api, news) {
    if (containsUnknown(news["node"])) return [];
    const checks = [rootOnlyFailures, storageFailures, cloneFailures];
    const results = await Promise.all(checks.map((run) => run(api, news)));
    return results.flat();
  },
};
