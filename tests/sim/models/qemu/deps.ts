/**
 * What the qemu-server handlers share: the simulator context, the config files, the QEMU
 * processes, and the simulator-only knobs (when a guest's agent answers).
 */
import type { SimContext } from "../../types";
import { assertUnlocked, type GuestConf } from "../guests/config";
import { pveDie } from "../config-text";
import { qemuRuntimeOf, type QemuRuntime } from "./runtime";
import { vmConfigsOf, type VmConfigStore } from "./store";

/** Simulator knobs of the qemu model (not PVE facts). */
export interface QemuModelOptions {
  /** How long after start a guest's agent answers, in ms (default 1000). */
  readonly agentStartMs?: number;
  /** Whether a guest has an agent installed (default: every guest). */
  readonly agentInstalled?: (vmid: number) => boolean;
}

/** The handlers' shared services. */
export interface QemuDeps {
  readonly ctx: SimContext;
  readonly configs: VmConfigStore;
  readonly runtime: QemuRuntime;
  readonly agentStartMs: number;
  readonly agentInstalled: (vmid: number) => boolean;
}

/** Builds the deps of one simulator. */
export function qemuDeps(ctx: SimContext, options: QemuModelOptions): QemuDeps {
  return {
    ctx,
    configs: vmConfigsOf(ctx),
    runtime: qemuRuntimeOf(ctx),
    agentStartMs: options.agentStartMs ?? 1000,
    agentInstalled: options.agentInstalled ?? (() => true),
  };
}

/** `check_lock`: `VM is locked (<lock>)`. */
export function checkLock(conf: GuestConf): void {
  assertUnlocked(conf.main, "VM");
}

/** `assert_config_exists_on_node` (what `check_running` starts with). */
export function assertConfigOnNode(deps: QemuDeps, vmid: number, node: string): void {
  if (!deps.configs.existsOn(vmid, node)) throw pveDie(`unable to find configuration file for VM ${vmid} on node '${node}'`);
}

/** `check_running`: the config must be on `node`; then whether QEMU runs. */
export function checkRunning(deps: QemuDeps, vmid: number, node: string): boolean {
  assertConfigOnNode(deps, vmid, node);
  return deps.runtime.isRunning(vmid);
}
