/**
 * A guest's state beside its config: its power state (`GET .../status/current`) and the changes
 * PVE holds pending (`GET .../pending`), merged into the config answer under the keys the guest
 * kinds read them from (`schema/guest.ts` `GUEST_STATE_KEYS`). Whether a change needs a restart is
 * PVE's pending state, never a table of ours.
 */
import type { CollectionDefinition } from "../../../../schema/define";
import { GUEST_STATE_KEYS, type GuestSpec, guestPath } from "../../../../schema/guest";
import type { Identity } from "../../../../schema/props";
import type { EngineApi } from "../../api";
import { fillPath } from "../../identity";

/** One entry of `GET .../pending` (qemu-server's and pve-container's `config_with_pending_array`). */
interface PendingEntry {
  readonly key: string;
  readonly value?: unknown;
  readonly pending?: unknown;
  readonly delete?: number;
}

/** The guest facts of a guest kind (it has them: only guest kinds reach this module). */
export function guestOf(def: CollectionDefinition): GuestSpec {
  if (!def.guest) throw new Error(`${def.key} is no guest kind`);
  return def.guest;
}

/** `GET` of one of the guest's paths (`status/current`, `pending`). */
export function guestGet<T>(def: CollectionDefinition, api: EngineApi, identity: Identity, operation: string): Promise<T> {
  return api.request<T>("GET", fillPath(guestPath(guestOf(def), operation), identity));
}

/** The guest's power state: `running`, `stopped` (or `paused`, a VM suspended without its state saved). */
export async function powerState(def: CollectionDefinition, api: EngineApi, identity: Identity): Promise<string> {
  const status = await guestGet<{ status?: string; qmpstatus?: string }>(def, api, identity, "status/current");
  // A paused VM reports `running` with `qmpstatus: paused`.
  return status.qmpstatus === "paused" ? "paused" : (status.status ?? "unknown");
}

/** The config keys PVE holds pending (changed or deleted, not yet applied), sorted. */
export async function pendingKeys(def: CollectionDefinition, api: EngineApi, identity: Identity): Promise<string[]> {
  const entries = await guestGet<PendingEntry[]>(def, api, identity, "pending");
  return entries
    .filter((entry) => entry.key !== "digest" && (entry.pending !== undefined || entry.delete !== undefined))
    .map((entry) => entry.key)
    .sort();
}

/** The volumes of the config's `unusedN` keys, in slot order. */
function unusedVolumes(config: Readonly<Record<string, unknown>>): string[] {
  return Object.entries(config)
    .map(([key, value]) => ({ n: /^unused(\d+)$/.exec(key)?.[1], value }))
    .filter((entry): entry is { n: string; value: unknown } => entry.n !== undefined && typeof entry.value === "string")
    .sort((a, b) => Number(a.n) - Number(b.n))
    .map((entry) => String(entry.value));
}

/** The config answer with the guest's power state and pending changes added (see {@link GUEST_STATE_KEYS}). */
export async function withGuestState(
  def: CollectionDefinition,
  api: EngineApi,
  identity: Identity,
  config: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const [status, pending] = await Promise.all([powerState(def, api, identity), pendingKeys(def, api, identity)]);
  const running = status === "running" || status === "paused";
  return {
    ...config,
    [GUEST_STATE_KEYS.started]: running ? 1 : 0,
    [GUEST_STATE_KEYS.status]: status,
    [GUEST_STATE_KEYS.pendingChanges]: pending,
    [GUEST_STATE_KEYS.rebootRequired]: running && pending.length > 0,
    [GUEST_STATE_KEYS.unused]: unusedVolumes(config),
  };
}
