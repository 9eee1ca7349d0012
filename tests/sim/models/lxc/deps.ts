/**
 * What the pve-container handlers share: the simulator context, the config files, the running
 * containers, and the simulator-only knobs (which templates the storages hold at start, which
 * device nodes the hosts have); with the config flock (`PVE::LXC::Config::config_file_lock`:
 * the node's `/run/lock/lxc/pve-config-<vmid>.lock`, 10 s unless the caller says otherwise) and
 * pve-guest-common's `set_lock`, `remove_lock` and `check_lock` as containers name them (`CT`).
 */
import type { SimContext } from "../../types";
import { pveDie } from "../config-text";
import { assertUnlocked, type GuestConf } from "../guests/config";
import type { GuestConfigStore } from "../guests/config-store";
import type { FlockOptions } from "../guests/worker";
import { lxcRuntimeOf, type LxcRuntime } from "./runtime";
import { ctConfigsOf } from "./store";

/** Simulator knobs of the container model (not PVE facts). */
export interface LxcModelOptions {
  /**
   * Container templates (`<storage>:vztmpl/<file>`) on each node at start, as if `pveam download`
   * had fetched them (default: a Debian 12 standard template on `local`).
   */
  readonly templates?: readonly string[];
  /** The device nodes every host has for passthrough (`dev[n]`, device mount points). */
  readonly devices?: readonly string[];
}

/** The default template: what `pveam` lists first for Debian 12. */
export const DEFAULT_TEMPLATE = "local:vztmpl/debian-12-standard_12.12-1_amd64.tar.zst";

const DEFAULT_DEVICES = [
  "/dev/null",
  "/dev/zero",
  "/dev/full",
  "/dev/random",
  "/dev/urandom",
  "/dev/tty",
  "/dev/net/tun",
  "/dev/fuse",
  "/dev/kvm",
  "/dev/dri/card0",
  "/dev/dri/renderD128",
  "/dev/ttyS0",
];

/** The handlers' shared services. */
export interface LxcDeps {
  readonly ctx: SimContext;
  readonly configs: GuestConfigStore;
  readonly runtime: LxcRuntime;
  readonly devices: ReadonlySet<string>;
}

/** Builds the deps of one simulator. */
export function lxcDeps(ctx: SimContext, options: LxcModelOptions): LxcDeps {
  return { ctx, configs: ctConfigsOf(ctx), runtime: lxcRuntimeOf(ctx), devices: new Set(options.devices ?? DEFAULT_DEVICES) };
}

/** `lock_config` / `lock_config_full` on `node`. */
export function lockConfig<T>(ctx: SimContext, node: string, vmid: number, fn: () => Promise<T> | T, options: FlockOptions = {}): Promise<T> {
  return ctx.withLock(`${node}:/run/lock/lxc/pve-config-${vmid}.lock`, fn, options);
}

/** `check_lock`: `CT is locked (<lock>)`. */
export function checkLock(conf: GuestConf): void {
  assertUnlocked(conf.main, "CT");
}

/** `set_lock`: under the flock, refuses a locked config, then writes `lock`; returns the locked config. */
export async function setLock(deps: LxcDeps, node: string, vmid: number, lock: string): Promise<GuestConf> {
  return lockConfig(deps.ctx, node, vmid, () => setLockHeld(deps, node, vmid, lock));
}

/** `set_lock`'s body, for callers that already hold the flock (PVE's flocks are reentrant). */
export function setLockHeld(deps: LxcDeps, node: string, vmid: number, lock: string): GuestConf {
  const conf = deps.configs.load(vmid, node);
  checkLock(conf);
  conf.main.lock = lock;
  deps.configs.write(vmid, conf);
  return conf;
}

/** `remove_lock`: `no lock found trying to remove 'x'  lock` (two spaces, as PVE prints it), `found lock 'y' trying to remove 'x' lock`. */
export async function removeLock(deps: LxcDeps, node: string, vmid: number, lock?: string): Promise<void> {
  await lockConfig(deps.ctx, node, vmid, () => {
    const conf = deps.configs.load(vmid, node);
    const current = conf.main.lock;
    if (current === undefined) throw pveDie(`no lock found trying to remove ${lock !== undefined ? `'${lock}' ` : "any"} lock`); // PVE's two spaces after a named lock
    if (lock !== undefined && current !== lock) throw pveDie(`found lock '${String(current)}' trying to remove '${lock}' lock`);
    delete conf.main.lock;
    deps.configs.write(vmid, conf);
  });
}
