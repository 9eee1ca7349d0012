/**
 * The VM config files of the cluster (`/etc/pve/nodes/<node>/qemu-server/<vmid>.conf`), with
 * pve-guest-common's `PVE::AbstractConfig` file operations: `load_config` (its "does not exist"
 * message names the node asked), `write_config`, `create_and_lock_config`, `destroy_config`,
 * `move_config_to_node`; and the vmlist kept in step (pmxcfs refuses a config for an id another
 * node holds).
 */
import type { SimContext } from "../../types";
import { pveDie } from "../config-text";
import { cloneConf, type GuestConf } from "../guests/config";
import { vmlistOf, type VmList } from "../guests/vmlist";
import { simService } from "../services";
import { dropEmptyBoot, dropReattachedUnused, vmConfigDigest } from "./config-file";

/** The VM configs of one simulator. */
export class VmConfigStore {
  private readonly configs = new Map<number, GuestConf>();

  constructor(private readonly vmlist: VmList) {}

  /** The node holding VM `vmid`, if it exists. */
  nodeOf(vmid: number): string | undefined {
    const entry = this.vmlist.get(vmid);
    return entry?.type === "qemu" && this.configs.has(vmid) ? entry.node : undefined;
  }

  /** Whether `nodes/<node>/qemu-server/<vmid>.conf` exists. */
  existsOn(vmid: number, node: string): boolean {
    return this.nodeOf(vmid) === node;
  }

  /** `load_config`: a copy of the config, or `Configuration file '...' does not exist`. */
  load(vmid: number, node: string): GuestConf {
    const conf = this.configs.get(vmid);
    if (!conf || this.nodeOf(vmid) !== node) throw pveDie(`Configuration file 'nodes/${node}/qemu-server/${vmid}.conf' does not exist`);
    return cloneConf(conf);
  }

  /** The stored config itself, for readers that do not change it. */
  peek(vmid: number): GuestConf | undefined {
    return this.configs.get(vmid);
  }

  /** `write_config` of an existing file. */
  write(vmid: number, conf: GuestConf): void {
    if (!this.configs.has(vmid)) throw pveDie(`Configuration file 'nodes/${this.nodeOf(vmid) ?? "?"}/qemu-server/${vmid}.conf' does not exist`);
    dropReattachedUnused(conf); // in place, as write_vm_config edits the caller's hash
    dropEmptyBoot(conf);
    this.configs.set(vmid, cloneConf(conf));
  }

  /**
   * Writes a new file on `node`. Without `refusal` the id must be unused (`check_vmid_unused`);
   * with it, a file of this node is overwritten and another node's id is refused with `refusal`
   * (pmxcfs's EEXIST on rename, which `file_set_contents` reports).
   */
  create(vmid: number, node: string, conf: GuestConf, refusal?: string): void {
    const entry = this.vmlist.get(vmid);
    if (refusal === undefined) this.vmlist.assertUnused(vmid);
    else if (entry && !(entry.type === "qemu" && entry.node === node)) throw pveDie(refusal);
    if (!this.vmlist.get(vmid)) this.vmlist.add(vmid, "qemu", node);
    dropReattachedUnused(conf); // in place, as write_vm_config edits the caller's hash
    dropEmptyBoot(conf);
    this.configs.set(vmid, cloneConf(conf));
  }

  /** `destroy_config` (or unlinking a half-made file). */
  remove(vmid: number): void {
    if (!this.configs.delete(vmid)) return;
    this.vmlist.remove(vmid);
  }

  /** `move_config_to_node`. */
  moveTo(vmid: number, node: string): void {
    this.vmlist.move(vmid, node);
  }

  digest(vmid: number): string {
    const conf = this.configs.get(vmid);
    return conf ? vmConfigDigest(conf) : "";
  }

  /** Every VM id with a config, ascending. */
  vmids(): number[] {
    return [...this.configs.keys()].sort((a, b) => a - b);
  }
}

/** The VM configs of a simulator. */
export const vmConfigsOf = simService<VmConfigStore>("qemu-server configs", (ctx: SimContext) => new VmConfigStore(vmlistOf(ctx)));
