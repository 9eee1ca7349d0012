/**
 * The volumes that exist on each storage: guest images (`vm-<vmid>-disk-<n>`, `base-...`, linked
 * clones) and content files (ISOs, templates, import images) as pve-storage's plugins list them
 * (`list_images`, `list_volumes`). A shared storage holds one set for the cluster; a local one
 * (local-lvm, local) holds one set per node, as on PVE.
 */
import type { SimContext } from "../../types";
import { simService } from "../services";

/** One volume. Its id is `<storage>:<volname>`. */
export interface Volume {
  readonly storage: string;
  volname: string;
  /** The content type `parse_volname` reports: images, iso, vztmpl, backup, snippets, import. */
  readonly vtype: string;
  /** Owner VMID of an image (the `<vmid>` of its name); undefined for ISOs and templates. */
  vmid?: number;
  format: string;
  /** Size in bytes. */
  size: number;
  /** Creation time, seconds since the epoch. */
  readonly ctime: number;
  /** A base image (`base-<vmid>-disk-<n>`) of a template. */
  isBase: boolean;
  /** The base volume's id, for linked clones whose volname names it (dir, ZFS, RBD). */
  parent?: string;
  /** For linked clones on LVM-thin: the origin, which the volid does not show. */
  origin?: string;
  /** The volume's snapshots, oldest first, each with the size the volume had then. */
  snapshots: VolumeSnapshot[];
  /** A backup's notes (`<archive>.notes`). */
  notes?: string;
  /** A backup's protection flag (`<archive>.protected`). */
  protected?: boolean;
  /** What a content file holds that the simulator needs back: a backup archive's guest. */
  archive?: BackupArchive;
}

/** One snapshot of a volume. */
export interface VolumeSnapshot {
  readonly name: string;
  readonly size: number;
}

/** What a vzdump archive carries: the guest type, its config file as written, and each disk's size. */
export interface BackupArchive {
  readonly guestType: "qemu" | "lxc";
  /** `qemu-server.conf` (with `#qmdump#map:` lines) or `etc/vzdump/pct.conf`. */
  readonly config: string;
  /** The disks' sizes in bytes by device (`drive-scsi0`; containers: the mount point key). */
  readonly devices: Readonly<Record<string, number>>;
}

/** The volume id of `v`. */
export function volidOf(v: Pick<Volume, "storage" | "volname">): string {
  return `${v.storage}:${v.volname}`;
}

/** Every volume of one simulator, by location (`storage`, or `storage@node` for local storage). */
export class VolumeStore {
  private readonly pools = new Map<string, Map<string, Volume>>();

  /** The location key of `storage` as seen from `node`. */
  static location(storage: string, shared: boolean, node: string): string {
    return shared ? storage : `${storage}@${node}`;
  }

  private pool(location: string): Map<string, Volume> {
    let pool = this.pools.get(location);
    if (!pool) {
      pool = new Map();
      this.pools.set(location, pool);
    }
    return pool;
  }

  /** The volume named `volname` at `location`, if it exists. */
  get(location: string, volname: string): Volume | undefined {
    return this.pools.get(location)?.get(volname);
  }

  /** Adds (or replaces) a volume at `location`. */
  put(location: string, volume: Volume): void {
    this.pool(location).set(volume.volname, volume);
  }

  /** Removes a volume; returns whether it existed. */
  remove(location: string, volname: string): boolean {
    return this.pools.get(location)?.delete(volname) ?? false;
  }

  /** The volumes at `location`, sorted like `volume_list` (case-insensitive by volid). */
  list(location: string): Volume[] {
    return [...(this.pools.get(location)?.values() ?? [])].sort((a, b) => volidOf(a).toLowerCase().localeCompare(volidOf(b).toLowerCase()));
  }

  /** Bytes allocated at `location` (thick accounting: every image counts its full size). */
  usedBytes(location: string): number {
    let sum = 0;
    for (const v of this.pools.get(location)?.values() ?? []) sum += v.size;
    return sum;
  }

  /**
   * `get_next_vm_diskname`: the lowest free `<prefix>-<vmid>-disk-<n>` at `location` (`vm`, or
   * `subvol` for subvolumes; images of every kind of the same vmid, bases included, take their
   * numbers), with `.fmt` on file storages.
   */
  nextDiskName(location: string, vmid: number, suffix: string, prefix: "vm" | "subvol" = "vm"): string {
    const taken = new Set<number>();
    const re = new RegExp(`(vm|base|subvol|basevol)-${vmid}-disk-(\\d+)`);
    for (const v of this.pools.get(location)?.values() ?? []) {
      const m = re.exec(v.volname);
      if (m?.[2] !== undefined) taken.add(Number(m[2]));
    }
    let n = 0;
    while (taken.has(n)) n++;
    return `${prefix}-${vmid}-disk-${n}${suffix}`;
  }
}

/** The volume store of a simulator. */
export const volumesOf = simService<VolumeStore>("volumes", () => new VolumeStore());

/** Bytes that guest volumes take on `storage` seen from `node` (what storage status adds to its usage). */
export function allocatedBytes(ctx: SimContext, storage: string, shared: boolean, node: string): number {
  return volumesOf(ctx).usedBytes(VolumeStore.location(storage, shared, node));
}
