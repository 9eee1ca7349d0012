/**
 * Writing a container config (pve-container `src/PVE/LXC/Config.pm` `update_pct_config`,
 * `vmconfig_hotplug_pending`, `vmconfig_apply_pending`, `apply_pending_mountpoint`,
 * `$LXC_FASTPLUG_OPTIONS`): reverts and deletions first (`memory`, `rootfs`, `ostype` cannot be
 * deleted, `unprivileged` is read-only, a protected container keeps its mount points), then each
 * value goes to `[pve:pending]` with its own checks, and the modified keys are applied at once:
 * on a running container the fast-plug options, CPU limits, NICs, memory/swap and new mount
 * points and devices go live (a new `storage:size` volume is allocated inside the request) and
 * the rest waits for a restart; on a stopped one everything modified applies.
 */
import { pveDie, splitList } from "../config-text";
import {
  addToPendingDelete,
  checkProtection,
  cleanupPending,
  parsePendingDelete,
  removeFromPendingDelete,
  type ConfigValue,
  type GuestConf,
} from "../guests/config";
import { checkHookscript } from "../guests/params";
import { parseVolumeId, storageConfig, contentOf, volumeSize, type StorageEnv } from "../guests/storage-ops";
import { uniqueTags } from "../guests/tags";
import { typedValue } from "./confdesc";
import { addUnused, createDisks, deleteMountpointVolume, isVolumeInUse } from "./disks";
import { NEW_DISK_RE, parseDevice, parseNetwork, parseNetworkRaw, parseVolume, printMountpoint, printNetwork } from "./mountpoint";

/** `$LXC_FASTPLUG_OPTIONS`: applied to a running container as they are. */
const FASTPLUG = new Set(["description", "onboot", "startup", "protection", "hostname", "hookscript", "cores", "tags", "lock"]);

/** Bridges' MTU as the simulator's hosts report it (`read_bridge_mtu`). */
const BRIDGE_MTU = 1500;

/** A step that cannot go live (`die "skip\n"`). */
class Skip extends Error {}

/** What one config write changes. */
export interface PctUpdate {
  readonly env: StorageEnv;
  readonly vmid: number;
  readonly conf: GuestConf;
  readonly running: boolean;
  readonly set: Readonly<Record<string, string | number>>;
  readonly deletes?: readonly string[];
  readonly revert?: readonly string[];
  /** The host's device nodes (`get_device_mode_and_rdev`). */
  readonly devices: ReadonlySet<string>;
  /** Where `warn` lines go (a task log, or nowhere in a synchronous call). */
  readonly log: (line: string) => void;
}

/** `get_device_mode_and_rdev`: the path must be a device node of the host. */
export function checkDevicePath(devices: ReadonlySet<string>, path: string): void {
  if (devices.has(path)) return;
  if ([...devices].some((dev) => dev.startsWith(`${path}/`))) throw pveDie(`${path} is not a device`);
  throw pveDie(`Device ${path} does not exist`);
}

/** `verify_ip_with_ll_iface` over `split_list`: the servers joined by spaces. */
function nameserverList(value: string): string {
  return splitList(value).join(" ");
}

/** `update_pct_config`: returns the per-key errors of applying (`unable to hotplug ...`, `unable to apply pending change ...`). */
export async function updatePctConfig(u: PctUpdate): Promise<Record<string, string>> {
  const { conf, vmid, env } = u;
  for (const opt of u.revert ?? []) {
    delete conf.pending[opt];
    removeFromPendingDelete(conf, opt);
  }
  const modified = new Set<string>();
  for (const opt of u.deletes ?? []) {
    if (conf.main[opt] === undefined && conf.pending[opt] === undefined) {
      u.log(`cannot delete '${opt}' - not set in current configuration!`);
      continue;
    }
    modified.add(opt);
    if (opt === "memory" || opt === "rootfs" || opt === "ostype") throw pveDie(`unable to delete required option '${opt}'`);
    if (/^(unused|mp)\d+$/.test(opt)) checkProtection(conf, `can't remove CT ${vmid} drive '${opt}'`);
    else if (opt === "unprivileged") throw pveDie(`unable to delete read-only option: '${opt}'`);
    addToPendingDelete(conf, opt, false);
  }
  for (const opt of Object.keys(u.set).sort()) {
    modified.add(opt);
    let value: ConfigValue = u.set[opt] as ConfigValue;
    if (opt === "rootfs" || /^mp\d+$/.test(opt)) {
      checkProtection(conf, `can't update CT ${vmid} drive '${opt}'`);
      const mp = parseVolume(opt, String(value));
      if (mp?.type === "volume") {
        const [sid] = parseVolumeId(mp.volume);
        if (!contentOf(storageConfig(env.ctx, sid)).has("rootdir")) throw pveDie(`storage '${sid}' does not allow content type 'rootdir' (Container)`);
      }
    } else if (opt === "hookscript") {
      checkHookscript(env.ctx, String(value));
    } else if (opt === "nameserver" || opt === "searchdomain") {
      value = nameserverList(String(value));
    } else if (opt === "unprivileged") {
      throw pveDie(`unable to modify read-only option: '${opt}'`);
    } else if (opt === "tags") {
      value = uniqueTags(env.ctx, String(value));
    } else if (/^net\d+$/.test(opt)) {
      const net = parseNetworkRaw(String(value));
      if (net.mtu !== undefined && Number(net.mtu) > BRIDGE_MTU)
        throw pveDie(`${opt}: MTU size '${String(net.mtu)}' is bigger than bridge MTU '${BRIDGE_MTU}'`);
      if (Number(net.link_down ?? 0) !== 1 && Number(net["host-managed"] ?? 0) && net.ip6 === "auto")
        throw pveDie(`${opt}: SLAAC is not supported for host-managed network configuration.`);
    } else if (/^dev\d+$/.test(opt)) {
      const dev = parseDevice(String(value));
      checkDevicePath(u.devices, dev.path);
    }
    conf.pending[opt] = typedValue(opt, value);
    removeFromPendingDelete(conf, opt);
  }
  cleanupPending(conf);
  return u.running ? hotplugPending(u, modified) : applyPending(u, modified);
}

/** `vmconfig_hotplug_pending`: what goes live on a running container. */
export async function hotplugPending(u: PctUpdate, selection?: ReadonlySet<string>): Promise<Record<string, string>> {
  const { conf } = u;
  const errors: Record<string, string> = {};
  const selected = (opt: string): boolean => !selection || selection.has(opt);
  for (const opt of Object.keys(conf.pending).sort()) {
    if (!selected(opt) || !FASTPLUG.has(opt)) continue;
    conf.main[opt] = conf.pending[opt] as ConfigValue;
    delete conf.pending[opt];
  }
  const attempt = async (opt: string, step: () => Promise<void> | void): Promise<boolean> => {
    try {
      await step();
      return true;
    } catch (err) {
      if (!(err instanceof Skip)) errors[opt] = `unable to hotplug ${opt}: ${err instanceof Error ? err.message : String(err)}`;
      return false;
    }
  };
  const deletes = parsePendingDelete(conf.pending.delete);
  for (const opt of [...deletes.keys()].sort()) {
    if (!selected(opt)) continue;
    const ok = await attempt(opt, async () => {
      if (FASTPLUG.has(opt) || opt === "swap" || opt === "cpulimit" || opt === "cpuunits" || /^net\d$/.test(opt)) return;
      if (/^unused\d+$/.test(opt)) {
        const volid = String(conf.main[opt]);
        if (!isVolumeInUse(conf, volid, true, true)) await deleteMountpointVolume(u.env, u.vmid, volid, u.log);
        return;
      }
      throw new Skip();
    });
    if (ok) {
      delete conf.main[opt];
      removeFromPendingDelete(conf, opt);
    }
  }
  for (const opt of Object.keys(conf.pending).sort()) {
    if (opt === "delete" || !selected(opt)) continue;
    let value = conf.pending[opt] as ConfigValue;
    const ok = await attempt(opt, async () => {
      if (opt === "cpulimit" || opt === "cpuunits" || opt === "memory" || opt === "swap") return;
      if (/^net\d+$/.test(opt)) {
        value = printNetwork(parseNetwork(u.env.ctx, String(value)));
        return;
      }
      if (/^mp\d+$/.test(opt)) {
        if (conf.main[opt] !== undefined) throw new Skip();
        await applyPendingMountpoint(u, opt, true);
        value = conf.pending[opt] as ConfigValue;
        return;
      }
      if (/^dev\d+$/.test(opt)) {
        if (conf.main[opt] !== undefined) throw new Skip();
        parseDevice(String(value));
        return;
      }
      throw new Skip();
    });
    if (ok) {
      conf.main[opt] = value;
      delete conf.pending[opt];
    }
  }
  return errors;
}

/** `vmconfig_apply_pending`: everything selected, on a stopped container (or at start). */
export async function applyPending(u: PctUpdate, selection?: ReadonlySet<string>): Promise<Record<string, string>> {
  const { conf } = u;
  const errors: Record<string, string> = {};
  const selected = (opt: string): boolean => !selection || selection.has(opt);
  const fail = (opt: string, err: unknown): void => {
    const message = `unable to apply pending change ${opt} : ${err instanceof Error ? err.message : String(err)}`;
    errors[opt] = message;
    u.log(message.replace(/\n$/, ""));
  };
  const deletes = parsePendingDelete(conf.pending.delete);
  for (const opt of [...deletes.keys()].sort()) {
    if (!selected(opt)) continue;
    try {
      const current = conf.main[opt];
      if (/^mp\d+$/.test(opt) && current !== undefined) {
        const mp = parseVolume(opt, String(current));
        // PVE passes the whole mount point string as the volume id here, so it never counts as in use.
        if (mp?.type === "volume" && !isVolumeInUse(conf, String(current), true, true)) addUnused(conf.main, mp.volume);
      } else if (/^unused\d+$/.test(opt) && current !== undefined) {
        if (!isVolumeInUse(conf, String(current), true, true)) await deleteMountpointVolume(u.env, u.vmid, String(current), u.log);
      }
      delete conf.main[opt];
      removeFromPendingDelete(conf, opt);
    } catch (err) {
      fail(opt, err);
    }
  }
  cleanupPending(conf);
  for (const opt of Object.keys(conf.pending).sort()) {
    if (opt === "delete" || !selected(opt)) continue;
    try {
      if (/^mp\d+$/.test(opt)) await applyPendingMountpoint(u, opt, false);
      else if (/^net\d+$/.test(opt)) conf.pending[opt] = printNetwork(parseNetwork(u.env.ctx, String(conf.pending[opt])));
      conf.main[opt] = conf.pending[opt] as ConfigValue;
      delete conf.pending[opt];
    } catch (err) {
      fail(opt, err);
    }
  }
  return errors;
}

/**
 * `apply_pending_mountpoint`: a `storage:size` mount point is allocated now (the new volume
 * written into the pending value); an existing volume gets its size rescanned (and a running
 * container cannot change a mount point it has); the volume it replaces becomes `unusedN`.
 */
async function applyPendingMountpoint(u: PctUpdate, opt: string, running: boolean): Promise<void> {
  const { conf } = u;
  const original = conf.pending[opt] as ConfigValue;
  const mp = parseVolume(opt, String(original));
  if (!mp) return;
  const old = conf.main[opt];
  if (mp.type === "volume" && NEW_DISK_RE.test(mp.volume)) {
    await createDisks(u.env, u.vmid, { [opt]: original }, conf, true);
  } else {
    if (running && old !== undefined) throw new Skip();
    if (mp.type === "volume") {
      const size = volumeSize(u.env, mp.volume);
      if (size === undefined) u.log(`Could not rescan volume size - volume '${mp.volume}' does not exist`);
      else mp.size = size;
    }
    conf.pending[opt] = printMountpoint(opt, mp);
  }
  if (old !== undefined) {
    const previous = parseVolume(opt, String(old));
    // PVE passes the old mount point string as the volume id here, so it never counts as in use.
    if (previous?.type === "volume" && !isVolumeInUse(conf, String(old), true, true)) addUnused(conf.main, previous.volume);
  }
}
