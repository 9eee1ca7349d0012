/**
 * Starting, stopping and rebooting a guest, each awaited until PVE reports the power state it
 * leads to. An HA-managed guest's start or stop only queues a request for the HA manager
 * (`hastart`/`hastop` tasks end at once), so the status is what tells that it happened.
 */
import type { CollectionDefinition } from "../../../../schema/define";
import { guestPath } from "../../../../schema/guest";
import type { Identity, WireParams } from "../../../../schema/props";
import { type EngineApi, writeAndWait } from "../../api";
import { fillPath } from "../../identity";
import { type LifecycleOptions, label } from "../../options";
import { guestOf, powerState } from "./state";

/** How long a power change may take to show in the status after its task ended (an HA manager acts within a few rounds). */
const STATUS_WAIT_MS = 5 * 60_000;

/** The default seconds a shutdown may take before the guest is stopped hard. */
export const DEFAULT_SHUTDOWN_TIMEOUT_S = 180;

/** Waits until the guest's power state is `want` (or one of `want`). */
export async function awaitPowerState(
  def: CollectionDefinition,
  api: EngineApi,
  identity: Identity,
  want: readonly string[],
  options: LifecycleOptions,
): Promise<void> {
  let waited = 0;
  let interval = 100;
  for (;;) {
    const state = await powerState(def, api, identity);
    if (want.includes(state)) return;
    if (waited >= STATUS_WAIT_MS) {
      throw new Error(`${label(def, `${identity["node"]}/${identity["vmid"]}`)} is ${state} after ${Math.round(waited / 1000)} s, not ${want.join(" or ")}`);
    }
    if (waited === 0) options.onLog?.(`waiting until the guest is ${want.join(" or ")} (now ${state})`);
    await new Promise((resolve) => setTimeout(resolve, interval));
    waited += interval;
    interval = Math.min(interval * 2, 2_000);
  }
}

/** One power operation (`start`, `shutdown`, `reboot`), its task awaited. */
function powerCall(
  def: CollectionDefinition,
  api: EngineApi,
  identity: Identity,
  operation: string,
  params: WireParams,
  options: LifecycleOptions,
): Promise<unknown> {
  options.onLog?.(`${operation} ${def.guest?.type === "lxc" ? "CT" : "VM"} ${identity["vmid"]} on ${identity["node"]}`);
  return writeAndWait(api, "POST", fillPath(guestPath(guestOf(def), `status/${operation}`), identity), params, options.onLog);
}

/** Starts the guest and waits until it runs. */
export async function startGuest(def: CollectionDefinition, api: EngineApi, identity: Identity, options: LifecycleOptions): Promise<void> {
  await powerCall(def, api, identity, "start", {}, options);
  await awaitPowerState(def, api, identity, ["running"], options);
}

/** Shuts the guest down (stopped hard after `timeoutS`) and waits until it is stopped. */
export async function stopGuest(def: CollectionDefinition, api: EngineApi, identity: Identity, timeoutS: number, options: LifecycleOptions): Promise<void> {
  await powerCall(def, api, identity, "shutdown", { timeout: timeoutS, forceStop: 1 }, options);
  await awaitPowerState(def, api, identity, ["stopped"], options);
}

/** Reboots the guest (which applies its pending changes) and waits until it runs again. */
export async function rebootGuest(def: CollectionDefinition, api: EngineApi, identity: Identity, timeoutS: number, options: LifecycleOptions): Promise<void> {
  await powerCall(def, api, identity, "reboot", { timeout: timeoutS }, options);
  await awaitPowerState(def, api, identity, ["running"], options);
}
