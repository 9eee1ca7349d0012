/**
 * pmxcfs's vmlist (pve-cluster `PVE::Cluster::get_vmlist`): which guest id lives on which node,
 * cluster-wide, as the config files under `nodes/<node>/{qemu-server,lxc}/` make it; with
 * `check_vmid_unused`'s refusal. `/cluster/nextid` (core/system-model.ts) scans it and reserves
 * nothing.
 */
import { pveDie } from "../config-text";
import { simService } from "../services";

/** The guest types of the vmlist. */
export type GuestType = "qemu" | "lxc";

/** One vmlist entry. */
export interface VmListEntry {
  readonly type: GuestType;
  node: string;
}

/** The cluster's guest ids. */
export class VmList {
  private readonly ids = new Map<number, VmListEntry>();

  get(vmid: number): VmListEntry | undefined {
    return this.ids.get(vmid);
  }

  /** Every id in use, ascending. */
  vmids(): number[] {
    return [...this.ids.keys()].sort((a, b) => a - b);
  }

  /** `check_vmid_unused`: `VM 100 already exists on node 'pve1'` (CT for containers). */
  assertUnused(vmid: number): void {
    const found = this.ids.get(vmid);
    if (found) throw pveDie(`${found.type === "qemu" ? "VM" : "CT"} ${vmid} already exists on node '${found.node}'`);
  }

  /** Records a new config file; pmxcfs refuses an id another node already has. */
  add(vmid: number, type: GuestType, node: string): void {
    this.assertUnused(vmid);
    this.ids.set(vmid, { type, node });
  }

  /** A config file renamed to another node (migration, clone to a target). */
  move(vmid: number, node: string): void {
    const found = this.ids.get(vmid);
    if (found) found.node = node;
  }

  remove(vmid: number): void {
    this.ids.delete(vmid);
  }
}

/** The vmlist of a simulator. */
export const vmlistOf = simService<VmList>("vmlist", () => new VmList());
