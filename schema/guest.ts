/**
 * Guests (VMs and containers) as data: what a guest kind says beyond a collection's calls, the
 * inputs of ours every guest takes (`started`, `rebootWhenPending`, its clone source, how it
 * migrates), the outputs its read adds (power state, pending changes), and the paths of its
 * operations. The engine's guest lifecycle (`provider/engine/lifecycles/guest.ts`) acts on them.
 *
 * Both guest types share PVE's shape: `/nodes/{node}/<type>` creates, `/nodes/{node}/<type>/{vmid}/...`
 * holds the config, `pending`, `status/*`, `clone`, `migrate` and `template`; only the type segment
 * and a few rules differ (a container has no live migration and no cloud-init drive).
 */
import type { ApiPropertyKey } from "./pve-schema";
import type { ApiCall, OutputSpec, OwnInput } from "./spec";

/** What a guest kind says about its guest type. */
export interface GuestSpec {
  /** The path segment of the guest type: `qemu` for VMs, `lxc` for containers. */
  readonly type: "qemu" | "lxc";
  /**
   * How a running guest moves to another node: `online` (a VM's live migration) or `restart`
   * (a container is shut down, moved and started again: PVE has no live container migration).
   */
  readonly runningMigration: "online" | "restart";
  /**
   * Config keys (PVE names; a device family by its `[n]` name) that a running VM applies only when
   * its cloud-init drive is generated again (`PUT .../cloudinit`). Containers have none.
   */
  readonly cloudInitKeys?: readonly string[];
  /** The guest can run a QEMU guest agent that reports its IP addresses (VMs). */
  readonly agent?: boolean;
}

/** The SDK names of the inputs every guest takes (see {@link guestInputs}). */
export const GUEST_INPUTS = {
  started: "started",
  rebootWhenPending: "rebootWhenPending",
  clone: "clone",
  migration: "migration",
  shutdownTimeout: "shutdownTimeout",
  agentWaitSeconds: "agentWaitSeconds",
} as const;

/** The SDK name of the output that holds a VM's IP addresses, as its guest agent reported them. */
export const IP_ADDRESSES = "ipAddresses";

/** The keys a guest's read adds to PVE's config answer, from its status and pending state. */
export const GUEST_STATE_KEYS = {
  started: "started",
  status: "status",
  pendingChanges: "pending-changes",
  rebootRequired: "reboot-required",
  unused: "unused-volumes",
} as const;

/** The inputs of ours every guest kind takes, `what` naming the guest (`VM`, `container`). */
export function guestInputs(what: string, spec: GuestSpec): Readonly<Record<string, OwnInput>> {
  const migrationKeys: Readonly<Record<string, ApiPropertyKey>> =
    spec.type === "qemu"
      ? {
          "with-local-disks": { type: "boolean", optional: true, default: 0 },
          "target-storage": { type: "string", optional: true, format: "pve-storage-id" },
          bwlimit: { type: "integer", optional: true, minimum: 0 },
        }
      : {
          "target-storage": { type: "string", optional: true, format: "pve-storage-id" },
          bwlimit: { type: "number", optional: true, minimum: 0 },
          timeout: { type: "integer", optional: true, default: 180 },
        };
  return {
    [GUEST_INPUTS.started]: {
      doc:
        `Whether the ${what} runs. Defaults to true, except for a template (which cannot run). ` +
        `A refresh reads it from the ${what}'s status, so a ${what} stopped by hand shows as a change.`,
      param: { type: "boolean", optional: true },
      readKey: GUEST_STATE_KEYS.started,
    },
    [GUEST_INPUTS.rebootWhenPending]: {
      doc:
        `Reboot a running ${what} when PVE keeps changes pending after an update (changes it cannot apply live; ` +
        "see the `pendingChanges` output), so that they take effect. Off by default: the changes then wait for the next restart.",
      param: { type: "boolean", optional: true, default: 0 },
    },
    [GUEST_INPUTS.clone]: {
      doc:
        `Make the ${what} as a clone of another guest or template instead of an empty one: \`vmid\` of the source, ` +
        "its `node` (found in the cluster when left out), `full` (a full copy; PVE's default is a linked clone of a " +
        "template and a full clone of anything else), `snapshot` (clone that snapshot), and for full clones the " +
        "target `storage` (and, for VMs, `format`). Changing it makes a new guest.",
      param: {
        type: "string",
        optional: true,
        format: {
          vmid: { type: "integer", minimum: 100, maximum: 999999999 },
          node: { type: "string", optional: true, format: "pve-node" },
          full: { type: "boolean", optional: true },
          snapshot: { type: "string", optional: true, format: "pve-configid" },
          storage: { type: "string", optional: true, format: "pve-storage-id" },
          ...(spec.type === "qemu" ? { format: { type: "string", optional: true, enum: ["raw", "qcow2", "vmdk"] } } : {}),
        },
      },
      replaceOnChange: true,
    },
    [GUEST_INPUTS.migration]: {
      doc:
        `How the ${what} moves when \`node\` changes (it is migrated, never replaced): ` +
        (spec.type === "qemu"
          ? "a running VM migrates online; `withLocalDisks` copies local disks along, `targetStorage` maps them to a storage of the target, "
          : "a running container is shut down (within `timeout` seconds), moved and started again; `targetStorage` maps its volumes, ") +
        "`bwlimit` caps the bandwidth (KiB/s).",
      param: { type: "string", optional: true, format: { ...migrationKeys } },
    },
    ...(spec.agent
      ? {
          [GUEST_INPUTS.agentWaitSeconds]: {
            doc:
              "Seconds a create or an update waits for the QEMU guest agent to report the VM's IP addresses (the " +
              "`ipAddresses` output) after the VM started. 0 (the default) asks once and does not wait. A refresh or a " +
              "preview never asks the agent.",
            param: { type: "integer", optional: true, minimum: 0, maximum: 3600, default: 0 },
          },
        }
      : {}),
    [GUEST_INPUTS.shutdownTimeout]: {
      doc: `Seconds a shutdown of the ${what} (to stop it, or before it is deleted) may take before it is stopped hard. Default 180.`,
      param: { type: "integer", optional: true, minimum: 0, default: 180 },
    },
  };
}

/** The outputs a guest's read adds (see {@link GUEST_STATE_KEYS}), and a VM's addresses from its agent. */
export function guestOutputs(what: string, spec: GuestSpec): Readonly<Record<string, OutputSpec>> {
  return {
    ...(spec.agent
      ? {
          [IP_ADDRESSES]: {
            pveName: "ip-addresses",
            type: "list" as const,
            // Kept as the last create or update recorded it: a refresh never waits on an agent.
            fromCreate: true,
            doc:
              "The VM's IP addresses (without loopback and link-local ones) as its QEMU guest agent reported them after " +
              "the last create or update (see `agentWaitSeconds`); empty when the agent is not enabled or did not answer.",
          },
        }
      : {}),
    status: { pveName: GUEST_STATE_KEYS.status, type: "string", doc: `The ${what}'s power state as PVE reports it: \`running\` or \`stopped\`.` },
    pendingChanges: {
      pveName: GUEST_STATE_KEYS.pendingChanges,
      type: "list",
      doc:
        `The config keys PVE holds pending: changed (or deleted) while the ${what} ran and applied only at its next ` +
        "restart. Read from PVE's pending state, never guessed.",
    },
    rebootRequired: {
      pveName: GUEST_STATE_KEYS.rebootRequired,
      type: "boolean",
      doc: `True when the ${what} runs with pending changes: a restart (or \`rebootWhenPending\`) applies them.`,
    },
    unusedVolumes: {
      pveName: GUEST_STATE_KEYS.unused,
      type: "list",
      doc: `Volumes PVE keeps attached to the ${what} as \`unusedN\` (a detached disk): they still use space.`,
    },
  };
}

/** The path of one of a guest's operations (`status/start`, `pending`, `clone`, ...). */
export function guestPath(spec: GuestSpec, operation: string): string {
  return `/nodes/{node}/${spec.type}/{vmid}/${operation}`;
}

/** The calls a guest kind makes besides its collection calls, each checked against the schema by `defineKind`. */
export function guestCalls(spec: GuestSpec): ApiCall[] {
  const calls: ApiCall[] = [
    { method: "GET", path: guestPath(spec, "status/current") },
    { method: "GET", path: guestPath(spec, "pending") },
    { method: "POST", path: guestPath(spec, "status/start") },
    { method: "POST", path: guestPath(spec, "status/shutdown") },
    { method: "POST", path: guestPath(spec, "status/stop") },
    { method: "POST", path: guestPath(spec, "status/reboot") },
    { method: "POST", path: guestPath(spec, "clone") },
    { method: "POST", path: guestPath(spec, "migrate") },
    { method: "POST", path: guestPath(spec, "template") },
  ];
  if (spec.cloudInitKeys) calls.push({ method: "PUT", path: guestPath(spec, "cloudinit") });
  if (spec.agent) calls.push({ method: "GET", path: guestPath(spec, "agent/network-get-interfaces") });
  return calls;
}
