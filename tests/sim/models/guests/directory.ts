/**
 * What each guest model tells the cluster about its guests: the properties pmxcfs reads from
 * every config (`PVE::Cluster::get_guest_config_properties`: `tags`, `lock`) and the stats
 * pvestatd broadcasts (`PVE::API2Tools::extract_vm_stats`: name, status, cpu/memory/disk maxima,
 * uptime, template). `/cluster/resources` and tag permission checks read it across guest types.
 */
import type { SimContext } from "../../types";
import { simService } from "../services";
import type { GuestType } from "./vmlist";

/** One guest as `/cluster/resources` reports it. */
export interface GuestStats {
  readonly name: string;
  readonly status: "running" | "stopped";
  readonly template: 0 | 1;
  readonly maxcpu: number;
  readonly maxmem: number;
  readonly maxdisk: number;
  readonly mem: number;
  readonly cpu: number;
  readonly uptime: number;
  readonly tags?: string;
  readonly lock?: string;
}

/** A guest's `status/current` answer (`vmstatus`) as the stats pvestatd broadcasts for it. */
export function statsFromStatus(s: Readonly<Record<string, unknown>>): GuestStats {
  return {
    name: String(s.name),
    status: s.status === "running" ? "running" : "stopped",
    template: s.template ? 1 : 0,
    maxcpu: Number(s.cpus),
    maxmem: Number(s.maxmem),
    maxdisk: Number(s.maxdisk),
    mem: Number(s.mem),
    cpu: Number(s.cpu),
    uptime: Number(s.uptime),
    ...(s.tags !== undefined ? { tags: String(s.tags) } : {}),
    ...(s.lock !== undefined ? { lock: String(s.lock) } : {}),
  };
}

/** How a guest model answers for its guests. */
export interface GuestProvider {
  stats(vmid: number): GuestStats | undefined;
}

/** The providers by guest type. */
export class GuestDirectory {
  private readonly providers = new Map<GuestType, GuestProvider>();

  register(type: GuestType, provider: GuestProvider): void {
    this.providers.set(type, provider);
  }

  stats(type: GuestType, vmid: number): GuestStats | undefined {
    return this.providers.get(type)?.stats(vmid);
  }
}

/** The guest directory of a simulator. */
export const guestDirectoryOf = simService<GuestDirectory>("guest directory", () => new GuestDirectory());

/** Makes `ctx`'s directory answer for `type`. */
export function registerGuests(ctx: SimContext, type: GuestType, provider: GuestProvider): void {
  guestDirectoryOf(ctx).register(type, provider);
}
