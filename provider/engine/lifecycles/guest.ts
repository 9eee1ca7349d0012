/**
 * The guest lifecycle: a VM or a container is a collection's object (created, read, updated,
 * deleted through its config) with more to it: a source it is made from (empty, a clone, a
 * restore), a VMID the cluster may assign, a power state, pending changes a restart applies, a
 * node it migrates between, and a template conversion. The config itself is written by the same
 * update step as every collection's (device families slot by slot, resize and move_disk as their
 * operations); this module orders the rest around it.
 */
import type { CollectionDefinition } from "../../../schema/define";
import { GUEST_INPUTS, IP_ADDRESSES, guestPath } from "../../../schema/guest";
import { type Identity, type Props, isSet } from "../../../schema/props";
import { type EngineApi, isMissing, writeAndWait } from "../api";
import { callParams } from "../calls";
import { changedFields } from "../diff";
import { fillPath, formatId, identityFor, identityOf, parseId } from "../identity";
import { type LifecycleOptions, label } from "../options";
import { completeCreate } from "../steps/partial-create";
import { outputsFrom, readRaw } from "../steps/read-back";
import { type RefreshRules, refresh } from "../steps/refresh";
import { updateInPlace } from "../steps/update";
import { migrateGuest, nodeOfGuest } from "../steps/guest/migrate";
import { DEFAULT_SHUTDOWN_TIMEOUT_S, rebootGuest, startGuest, stopGuest } from "../steps/guest/power";
import { cloneGuest, createGuest, createValues, sourceOf } from "../steps/guest/source";
import { guestOf, pendingKeys, powerState } from "../steps/guest/state";
import { withVmid } from "../steps/guest/vmid";
import { agentAddresses } from "../steps/guest/agent";
import { wantsAdopt } from "../adopt";
import { adoptExisting } from "../steps/adopt";
import type { Lifecycle } from "./contract";

/** Whether the guest should run: as the program says; otherwise yes, unless it is (to become) a template. */
function wantsRunning(props: Props): boolean {
  const started = props[GUEST_INPUTS.started];
  return typeof started === "boolean" ? started : props["template"] !== true;
}

function shutdownTimeout(props: Props): number {
  const timeout = props[GUEST_INPUTS.shutdownTimeout];
  return typeof timeout === "number" ? timeout : DEFAULT_SHUTDOWN_TIMEOUT_S;
}

/** The program's `migration` settings (none when it gives none). */
function migrationOf(props: Props): Props {
  const migration = props[GUEST_INPUTS.migration];
  return typeof migration === "object" && migration !== null ? (migration as Props) : {};
}

/** The cloud-init keys (PVE names) among the changed fields. */
function cloudInitChanged(def: CollectionDefinition, olds: Props, news: Props): boolean {
  const keys = guestOf(def).cloudInitKeys ?? [];
  return changedFields(def, olds, news).some((field) => keys.includes(field.pveName));
}

/**
 * Moves the guest into the program's new pool (`PUT /pools` with `allow-move`), or out of the one it
 * left: PVE's config call cannot change a guest's pool, and replacing a guest for it would be absurd.
 */
async function movePool(api: EngineApi, identity: Identity, before: unknown, after: unknown, options: LifecycleOptions): Promise<void> {
  if (before === after) return;
  const vmid = identity["vmid"] ?? "";
  if (typeof after === "string" && after !== "") {
    options.onLog?.(`moving ${vmid} into pool ${after}`);
    await api.request("PUT", "/pools", { poolid: after, vms: vmid, "allow-move": 1 });
  } else if (typeof before === "string" && before !== "") {
    options.onLog?.(`removing ${vmid} from pool ${before}`);
    await api.request("PUT", "/pools", { poolid: before, vms: vmid, delete: 1 });
  }
}

/** Converts the guest into a template (it is stopped first: PVE refuses to convert a running guest). */
async function convertToTemplate(def: CollectionDefinition, api: EngineApi, identity: Identity, props: Props, options: LifecycleOptions): Promise<void> {
  if ((await powerState(def, api, identity)) !== "stopped") await stopGuest(def, api, identity, shutdownTimeout(props), options);
  options.onLog?.(`converting ${identity["vmid"]} into a template`);
  await writeAndWait(api, "POST", fillPath(guestPath(guestOf(def), "template"), identity), {}, options.onLog);
}

/**
 * Brings the power state where the program wants it, and applies pending changes by a reboot when
 * `rebootWhenPending` asks: whether anything is pending is PVE's answer after the writes.
 */
async function convergePower(def: CollectionDefinition, api: EngineApi, identity: Identity, props: Props, options: LifecycleOptions): Promise<void> {
  if (props["template"] === true) return;
  const state = await powerState(def, api, identity);
  const running = state !== "stopped";
  const want = wantsRunning(props);
  if (want && !running) return startGuest(def, api, identity, options);
  if (!want && running) return stopGuest(def, api, identity, shutdownTimeout(props), options);
  if (running && props[GUEST_INPUTS.rebootWhenPending] === true) {
    const pending = await pendingKeys(def, api, identity);
    if (pending.length > 0) {
      options.onLog?.(`rebooting to apply the pending ${pending.join(", ")}`);
      await rebootGuest(def, api, identity, shutdownTimeout(props), options);
    }
  }
}

/**
 * The addresses to record: asked of a running VM's enabled agent (bounded by `agentWaitSeconds`),
 * else what was recorded before (a refresh never asks; an agent that does not answer keeps them).
 */
async function addressesToRecord(
  def: CollectionDefinition,
  api: EngineApi,
  identity: Identity,
  props: Props,
  recorded: unknown,
  options: LifecycleOptions,
): Promise<Props> {
  const agent = props["agent"];
  const enabled = typeof agent === "object" && agent !== null && (agent as Props)["enabled"] === true;
  if (!guestOf(def).agent || !enabled || (await powerState(def, api, identity)) !== "running") return isSet(recorded) ? { [IP_ADDRESSES]: recorded } : {};
  const wait = props[GUEST_INPUTS.agentWaitSeconds];
  const found = await agentAddresses(def, api, identity, typeof wait === "number" ? wait : 0, options);
  return found ? { [IP_ADDRESSES]: found } : isSet(recorded) ? { [IP_ADDRESSES]: recorded } : {};
}

/** The outputs as PVE has the guest now. */
async function readBack(def: CollectionDefinition, api: EngineApi, identity: Identity, managed: Props): Promise<Props> {
  const raw = await readRaw(def, api, identity);
  if (!raw) throw new Error(`${label(def, formatId(def, identity))} disappeared`);
  return outputsFrom(def, identity, raw, managed);
}

/**
 * The identity of a guest to read: from the recorded state or the id (`node/vmid`, or a bare VMID
 * whose node the cluster names); when the guest is no longer on the recorded node (the HA manager
 * moved it, or someone migrated it), the node it is on now.
 */
async function currentIdentity(def: CollectionDefinition, api: EngineApi, id: string, props: Props): Promise<Identity | undefined> {
  const bare = /^\d+$/.test(id) && !isSet(props["node"]);
  const identity = bare ? { vmid: id } : identityFor(def, id, props);
  const vmid = identity["vmid"];
  if (vmid === undefined) return parseId(def, id);
  if (identity["node"] !== undefined) {
    try {
      await api.request("GET", fillPath(def.read.path, identity));
      return identity;
    } catch (error) {
      if (!isMissing(error)) throw error;
    }
  }
  const node = await nodeOfGuest(def, api, vmid);
  return node === undefined ? undefined : { node, vmid };
}

export const guest: Lifecycle<CollectionDefinition> = {
  async create(def, api, inputs, options) {
    const node = String(inputs["node"]);
    const given = typeof inputs["vmid"] === "number" ? inputs["vmid"] : undefined;
    const source = sourceOf(inputs);
    // `adopt: true`: a VM already there under the given id is taken over and converged instead.
    if (given !== undefined && wantsAdopt(def, inputs)) {
      const adopted = await adoptExisting(def, api, inputs, options, (d, a, olds, news, o) => guest.update(d, a, olds, news, o));
      if (adopted) return adopted;
    }
    // The source call (create, restore, clone) runs under an id; it owns the guest once it succeeded.
    const identity = await withVmid(
      api,
      given,
      async (vmid) => {
        const target: Identity = { node, vmid: String(vmid) };
        if (source === "clone") await cloneGuest(def, api, target, inputs, options);
        else await createGuest(def, api, target, createValues(def, inputs, source), options);
        return target;
      },
      options.onLog,
    );
    const managed: Props = { ...inputs, vmid: Number(identity["vmid"]) };
    return completeCreate(def, api, managed, async () => {
      // A clone or a restore brought its own config: the program's settings are written over it.
      if (source !== "empty") {
        const brought = await readBack(def, api, identity, managed);
        await updateInPlace(def, api, brought, managed, options);
      }
      if (managed["template"] === true) await convertToTemplate(def, api, identity, managed, options);
      await convergePower(def, api, identity, managed, options);
      Object.assign(managed, await addressesToRecord(def, api, identity, managed, undefined, options));
    });
  },

  async read(def, api, id, props) {
    const identity = await currentIdentity(def, api, id, props);
    if (!identity) return { id: "", props: {} };
    // Nothing recorded and no program inputs: an import by id alone adopts everything PVE reports.
    const rules: RefreshRules = { byIdAlone: () => !isSet(props["vmid"]) };
    return refresh(def, api, formatId(def, identity), { ...props, node: identity["node"], vmid: Number(identity["vmid"]) }, rules);
  },

  async update(def, api, olds, news, options) {
    let identity = identityOf(def, olds);
    const target = news["node"];
    // A new node is a migration, first, so that everything else is written where the guest will be.
    if (typeof target === "string" && target !== identity["node"]) identity = await migrateGuest(def, api, identity, target, migrationOf(news), options);
    const moved: Props = { ...olds, node: identity["node"] };
    const wanted: Props = { ...news, vmid: Number(identity["vmid"]) };
    await updateInPlace(def, api, moved, wanted, options);
    await movePool(api, identity, olds["pool"], wanted["pool"], options);
    if (cloudInitChanged(def, moved, wanted) && (await powerState(def, api, identity)) !== "stopped") {
      // A running VM's cloud-init drive holds the old values until it is generated again.
      options.onLog?.("regenerating the cloud-init drive");
      await api.request("PUT", fillPath(guestPath(guestOf(def), "cloudinit"), identity));
    }
    if (wanted["template"] === true && olds["template"] !== true) await convertToTemplate(def, api, identity, wanted, options);
    await convergePower(def, api, identity, wanted, options);
    const addresses = await addressesToRecord(def, api, identity, wanted, olds[IP_ADDRESSES], options);
    return { outs: await readBack(def, api, identity, { ...wanted, ...addresses }) };
  },

  async remove(def, api, id, olds, options) {
    const identity = await currentIdentity(def, api, id, olds);
    if (!identity) return;
    const config = await readRaw(def, api, identity);
    if (!config) return;
    // A protected guest is refused before it is stopped: stopping it for nothing would be worse.
    if (config["protection"] === 1 || config["protection"] === "1") {
      throw new Error(`${label(def, formatId(def, identity))} is protected: set \`protection: false\` (and apply) before deleting it`);
    }
    if ((await powerState(def, api, identity)) !== "stopped") await stopGuest(def, api, identity, shutdownTimeout(olds), options);
    const call = def.remove;
    if (!call) throw new Error(`${def.key} has no delete call`);
    const params = { ...callParams(def, call, identity, []), purge: 1, "destroy-unreferenced-disks": 1 };
    try {
      await writeAndWait(api, call.method, fillPath(call.path, identity), params, options.onLog);
    } catch (error) {
      // A delete whose answer was lost may have happened: gone is deleted.
      if ((await readRaw(def, api, identity).catch(() => config)) !== undefined) throw error;
    }
  },
};
