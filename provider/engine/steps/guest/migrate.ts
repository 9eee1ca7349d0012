/**
 * Moving a guest to another node when its `node` input changes: never a replacement. A running VM
 * migrates online, a running container with `restart` (PVE has no live container migration); the
 * `migration` input adds local disks, a target storage and a bandwidth limit. An HA-managed guest's
 * migrate only queues the request (`hamigrate`, qemu-server `API2/Qemu.pm` `migrate_vm`): the move
 * is done when `/cluster/resources` shows the guest on the target.
 */
import type { CollectionDefinition } from "../../../../schema/define";
import { guestPath } from "../../../../schema/guest";
import type { Identity, Props, WireParams } from "../../../../schema/props";
import { parseUpid } from "../../../client";
import type { EngineApi } from "../../api";
import { taskWaitOptions } from "../../api";
import { fillPath } from "../../identity";
import { type LifecycleOptions, label } from "../../options";
import { guestOf, powerState } from "./state";

/** How long the HA manager may take to carry out a queued migration. */
const HA_MOVE_WAIT_MS = 15 * 60_000;

/** One guest of `/cluster/resources?type=vm`. */
interface ResourceEntry {
  readonly vmid?: number | string;
  readonly node?: string;
  readonly type?: string;
}

/** The node the cluster says the guest is on, or undefined when no node has it. */
export async function nodeOfGuest(def: CollectionDefinition, api: EngineApi, vmid: string): Promise<string | undefined> {
  const resources = await api.request<ResourceEntry[]>("GET", "/cluster/resources", { type: "vm" });
  return resources.find((entry) => String(entry.vmid) === vmid && entry.type === guestOf(def).type)?.node;
}

/** The migrate call's parameters for the `migration` input's sub-keys, under the names this guest type's call uses. */
function migrationParams(def: CollectionDefinition, migration: Props, running: boolean): WireParams {
  const accepted = def.accepts({ method: "POST", path: guestPath(guestOf(def), "migrate") });
  const params: WireParams = {};
  if (running) params[guestOf(def).runningMigration] = 1;
  const storage = migration["targetStorage"];
  if (typeof storage === "string") params["targetstorage" in accepted ? "targetstorage" : "target-storage"] = storage;
  if (migration["withLocalDisks"] === true) params["with-local-disks"] = 1;
  for (const key of ["bwlimit", "timeout"] as const) {
    const value = migration[key];
    if (typeof value === "number" && key in accepted) params[key] = value;
  }
  return params;
}

/** Migrates the guest from `from.node` to `target` and returns the identity it has there. */
export async function migrateGuest(
  def: CollectionDefinition,
  api: EngineApi,
  from: Identity,
  target: string,
  migration: Props,
  options: LifecycleOptions,
): Promise<Identity> {
  const running = (await powerState(def, api, from)) !== "stopped";
  const params = { target, ...migrationParams(def, migration, running) };
  options.onLog?.(`migrating ${label(def, `${from["node"]}/${from["vmid"]}`)} to ${target}${running ? ` (${guestOf(def).runningMigration})` : ""}`);
  const upid = await api.request<string>("POST", fillPath(guestPath(guestOf(def), "migrate"), from), params);
  await api.waitForTask(upid, taskWaitOptions(params, options.onLog));
  if (parseUpid(upid).type === "hamigrate") await awaitHaMove(def, api, from, target, options);
  return { ...from, node: target };
}

/** Waits until the cluster shows the HA-managed guest on `target`. */
async function awaitHaMove(def: CollectionDefinition, api: EngineApi, from: Identity, target: string, options: LifecycleOptions): Promise<void> {
  const vmid = from["vmid"] ?? "";
  options.onLog?.(`the HA manager carries out the migration of ${vmid}; waiting until it is on ${target}`);
  let waited = 0;
  let interval = 250;
  while ((await nodeOfGuest(def, api, vmid)) !== target) {
    if (waited >= HA_MOVE_WAIT_MS)
      throw new Error(`${label(def, `${from["node"]}/${vmid}`)}: the HA manager had not moved it to ${target} after ${Math.round(waited / 1000)} s`);
    await new Promise((resolve) => setTimeout(resolve, interval));
    waited += interval;
    interval = Math.min(interval * 2, 5_000);
  }
}
