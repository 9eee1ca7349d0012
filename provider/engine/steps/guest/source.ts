/**
 * Making a guest from its source: empty (its disks allocated as `storage:size`, or imported with
 * `import-from`), restored from a backup archive, or cloned from another guest or template. Each
 * runs under an id from `withVmid` and awaits its task before the id is released, so that no other
 * create of this process takes the id while PVE writes the new config.
 */
import type { SdkValue } from "../../../../schema/codecs";
import type { CollectionDefinition } from "../../../../schema/define";
import type { FieldDef } from "../../../../schema/fields";
import { GUEST_INPUTS, guestPath } from "../../../../schema/guest";
import type { Identity, Props, WireParams } from "../../../../schema/props";
import { type EngineApi, underLock, writeAndWait } from "../../api";
import { callParams } from "../../calls";
import { fillPath } from "../../identity";
import type { LifecycleOptions } from "../../options";
import { fieldValues } from "../../values";
import { nodeOfGuest } from "./migrate";
import { guestOf } from "./state";

/** Where the guest comes from: the create call alone, or a clone or restore that the config write then converges. */
export type GuestSource = "empty" | "clone" | "archive";

/** The source the inputs name. */
export function sourceOf(inputs: Props): GuestSource {
  if (typeof inputs[GUEST_INPUTS.clone] === "object" && inputs[GUEST_INPUTS.clone] !== null) return "clone";
  return typeof inputs["archive"] === "string" || (typeof inputs["ostemplate"] === "string" && inputs["restore"] === true) ? "archive" : "empty";
}

/** Device families and disks PVE refuses beside a restore's `archive` (`option conflicts with option 'archive'`): the restore brings them. */
function isRestoredDevice(field: FieldDef): boolean {
  return field.slots !== undefined || ["efidisk0", "tpmstate0", "rootfs"].includes(field.pveName);
}

/** The create call's values for `source`: everything for an empty guest, no devices for a restore. */
export function createValues(def: CollectionDefinition, inputs: Props, source: GuestSource): Array<[FieldDef, SdkValue]> {
  const values = [...fieldValues(def, inputs)].filter(([field]) => field.inCreate && !field.own && field.pveName !== "template");
  return source === "archive" ? values.filter(([field]) => !isRestoredDevice(field)) : values;
}

/** Creates the guest (empty, or restored) with id `vmid` and awaits the create task. */
export async function createGuest(
  def: CollectionDefinition,
  api: EngineApi,
  identity: Identity,
  values: Array<[FieldDef, SdkValue]>,
  options: LifecycleOptions,
): Promise<void> {
  const params = callParams(def, def.create, identity, values);
  await writeAndWait(api, def.create.method, fillPath(def.create.path, identity), params, options.onLog);
}

/** The clone source as the program gives it. */
interface CloneSource {
  readonly vmid: number;
  readonly node?: string;
  readonly full?: boolean;
  readonly snapshot?: string;
  readonly storage?: string;
  readonly format?: string;
}

/** The node the clone source is on: as given, else found in the cluster. */
export async function cloneSourceNode(def: CollectionDefinition, api: EngineApi, source: CloneSource): Promise<string> {
  if (source.node) return source.node;
  const found = await nodeOfGuest(def, api, String(source.vmid));
  if (!found) throw new Error(`clone: no guest ${source.vmid} in the cluster to clone`);
  return found;
}

/**
 * Clones the source into `identity` (the target node and new id) and awaits the clone task. Clones
 * of one source run one at a time in this process: PVE's clone holds the source's config flock for
 * 1 s attempts (exclusive while the source runs; a container clone locks its source outright), and
 * the storage lock while it copies, and parallel clones otherwise meet those locks' timeouts.
 */
export async function cloneGuest(def: CollectionDefinition, api: EngineApi, identity: Identity, inputs: Props, options: LifecycleOptions): Promise<void> {
  const source = inputs[GUEST_INPUTS.clone] as CloneSource;
  const sourceNode = await cloneSourceNode(def, api, source);
  const call = { method: "POST" as const, path: guestPath(guestOf(def), "clone") };
  const accepted = def.accepts(call);
  const params: WireParams = { newid: Number(identity["vmid"]) };
  if (sourceNode !== identity["node"]) params["target"] = identity["node"] ?? "";
  if (source.full !== undefined) params["full"] = source.full ? 1 : 0;
  if (source.snapshot) params["snapname"] = source.snapshot;
  if (source.storage) params["storage"] = source.storage;
  if (source.format) params["format"] = source.format;
  // The clone call names the guest and places it in its pool; the config write sets the rest.
  for (const [field, value] of fieldValues(def, inputs)) {
    if (["name", "hostname", "description", "pool"].includes(field.pveName) && field.pveName in accepted) params[field.pveName] = field.codec.encode(value);
  }
  const from: Identity = { node: sourceNode, vmid: String(source.vmid) };
  options.onLog?.(`cloning ${source.vmid} on ${sourceNode} to ${identity["vmid"]} on ${identity["node"]}`);
  await underLock(api, `clone-source:${source.vmid}`, () => writeAndWait(api, "POST", fillPath(call.path, from), params, options.onLog));
}
