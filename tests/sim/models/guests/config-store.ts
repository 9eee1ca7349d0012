/**
 * The guest config files of the cluster (`/etc/pve/nodes/<node>/qemu-server/<vmid>.conf`,
 * `.../lxc/<vmid>.conf`), with pve-guest-common's `PVE::AbstractConfig` file operations:
 * `load_config` (its "does not exist" message names the node asked), `write_config`,
 * `create_and_lock_config`, `destroy_config`, `move_config_to_node`; and the vmlist kept in step
 * (pmxcfs refuses a config for an id another node holds). One store per guest type.
 */
import { pveDie } from "../config-text";
import { cloneConf, type GuestConf } from "./config";
import type { GuestType, VmList } from "./vmlist";

/** What differs between qemu-server's and pve-container's config files. */
export interface ConfigFlavour {
  readonly type: GuestType;
  /** The directory under `nodes/<node>/` (`qemu-server`, `lxc`). */
  readonly dir: string;
  /** SHA1 of the file text as the type's writer prints it. */
  readonly digest: (conf: GuestConf) => string;
  /** What the type's writer drops or fixes in every file it writes (pve-container: unused volumes still mounted). */
  readonly normalize?: (conf: GuestConf) => void;
}

/** The configs of one guest type. */
export class GuestConfigStore {
  private readonly configs = new Map<number, GuestConf>();

  constructor(
    private readonly vmlist: VmList,
    readonly flavour: ConfigFlavour,
  ) {}

  /** `cfs_config_path`: `nodes/<node>/<dir>/<vmid>.conf`. */
  path(vmid: number, node: string): string {
    return `nodes/${node}/${this.flavour.dir}/${vmid}.conf`;
  }

  /** The node holding guest `vmid`, if it exists. */
  nodeOf(vmid: number): string | undefined {
    const entry = this.vmlist.get(vmid);
    return entry?.type === this.flavour.type && this.configs.has(vmid) ? entry.node : undefined;
  }

  /** Whether the config file exists on `node`. */
  existsOn(vmid: number, node: string): boolean {
    return this.nodeOf(vmid) === node;
  }

  /** `load_config`: a copy of the config, or `Configuration file '...' does not exist`. */
  load(vmid: number, node: string): GuestConf {
    const conf = this.configs.get(vmid);
    if (!conf || this.nodeOf(vmid) !== node) throw pveDie(`Configuration file '${this.path(vmid, node)}' does not exist`);
    return cloneConf(conf);
  }

  /** The stored config itself, for readers that do not change it. */
  peek(vmid: number): GuestConf | undefined {
    return this.configs.get(vmid);
  }

  /** `write_config` of an existing file. */
  write(vmid: number, conf: GuestConf): void {
    if (!this.configs.has(vmid)) throw pveDie(`Configuration file '${this.path(vmid, this.nodeOf(vmid) ?? "?")}' does not exist`);
    this.store(vmid, conf);
  }

  /**
   * Writes a new file on `node`. Without `refusal` the id must be unused (`check_vmid_unused`);
   * with it, a file of this node is overwritten and another node's (or another type's) id is
   * refused with `refusal` (pmxcfs's EEXIST on rename, which `file_set_contents` reports).
   */
  create(vmid: number, node: string, conf: GuestConf, refusal?: string): void {
    const entry = this.vmlist.get(vmid);
    if (refusal === undefined) this.vmlist.assertUnused(vmid);
    else if (entry && !(entry.type === this.flavour.type && entry.node === node)) throw pveDie(refusal);
    if (!this.vmlist.get(vmid)) this.vmlist.add(vmid, this.flavour.type, node);
    this.store(vmid, conf);
  }

  private store(vmid: number, conf: GuestConf): void {
    const copy = cloneConf(conf);
    this.flavour.normalize?.(copy);
    this.configs.set(vmid, copy);
  }

  /** The refusal pmxcfs gives a new file whose id is taken (see {@link create}). */
  existsRefusal(vmid: number, node: string): string {
    return `close (rename) atomic file '/etc/pve/${this.path(vmid, node)}' failed: File exists`;
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
    return conf ? this.flavour.digest(conf) : "";
  }

  /** Every guest id of this type with a config, ascending. */
  vmids(): number[] {
    return [...this.configs.keys()].sort((a, b) => a - b);
  }
}
