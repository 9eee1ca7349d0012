/**
 * Facts of guest volumes that VMs and containers share: PVE's disk sizes and volume ids as
 * compared in state, and the operations that change a volume where a config write cannot (a grow
 * through `resize`, a storage change through `move_disk` / `move_volume`).
 */
import type { SdkValue } from "./codecs";
import type { SlotOperation } from "./slots";

const SIZE_FACTORS: Readonly<Record<string, number>> = { "": 1, K: 1 / 1024 ** 2, M: 1 / 1024, G: 1, T: 1024 };

/**
 * Gibibytes of a PVE size (`32G`, `512M`, `1T`, a bare number is GiB), as pve-common's
 * `parse_size` reads it; NaN for text that is no size.
 */
export function gibibytes(value: SdkValue): number {
  const match = /^(\d+(?:\.\d+)?)([KMGT]?)$/.exec(String(value).trim());
  const factor = match ? SIZE_FACTORS[match[2] ?? ""] : undefined;
  return match && factor !== undefined ? Number(match[1]) * factor : Number.NaN;
}

/** A size in PVE's normal form for comparison: `32`, `32G` and `32768M` are the same. */
export function normalSize(value: SdkValue): string {
  const gib = gibibytes(value);
  return Number.isNaN(gib) ? String(value) : String(gib);
}

/**
 * The storage of a volume as given or as PVE reports it: `local-lvm:32` (a new 32 GiB disk),
 * `local-lvm:vm-100-disk-0` and `local-lvm:0,import-from=...` are all on `local-lvm`. A path or
 * `none` (an empty CD-ROM drive) is its own value.
 */
export function storageOf(volume: SdkValue): string {
  const text = String(volume);
  const colon = text.indexOf(":");
  return colon > 0 && !text.startsWith("/") ? text.slice(0, colon) : text;
}

/**
 * True for a guest's own disk image, as a program allocates it (`local-lvm:32`, `local-lvm:0` with
 * `import-from`) or as PVE names it (`vm-100-disk-0`, `100/vm-100-disk-1.qcow2`, a linked clone's
 * `base-9000-disk-0/vm-101-disk-0`), not an ISO, a cloud-init drive or a path.
 */
export function isDiskImage(volume: SdkValue): boolean {
  const text = String(volume);
  const colon = text.indexOf(":");
  if (colon <= 0 || text.startsWith("/")) return false;
  const name = text.slice(colon + 1);
  return /^\d+(?:\.\d+)?$/.test(name) || /(?:^|\/)(?:vm|base|subvol|basevol)-\d+-disk-\d+/.test(name);
}

/** A VM's cloud-init drive, as a program allocates it (`local-lvm:cloudinit`) or as PVE names it (`vm-100-cloudinit`). */
export function isCloudInitDrive(volume: SdkValue): boolean {
  return /^[^:/]+:(?:cloudinit|(?:\d+\/)?vm-\d+-cloudinit(?:\.\w+)?)$/.test(String(volume));
}

/**
 * How a volume compares: a disk image or a cloud-init drive by its storage (PVE names the volume),
 * anything else (an ISO, a path) as it is.
 */
export function normalVolume(volume: SdkValue): string {
  return isDiskImage(volume) || isCloudInitDrive(volume) ? storageOf(volume) : String(volume);
}

/** The grow of a disk through `PUT .../resize` (`path` for the guest type); a shrink is refused, as PVE refuses it. */
export function resizeOperation(path: string): SlotOperation {
  return {
    call: { method: "PUT", path },
    params: (disk, before, after) => {
      if (before !== undefined && gibibytes(after) < gibibytes(before)) return { refused: `PVE cannot shrink a disk (${String(before)} → ${String(after)})` };
      return { params: { disk, size: String(after) } };
    },
  };
}

/**
 * The move of a volume to another storage (`move_disk` for a VM, `move_volume` for a container)
 * with `delete=1`, so that the source volume is freed instead of left as `unusedN`.
 */
export function moveOperation(path: string, diskParam: "disk" | "volume"): SlotOperation {
  return {
    call: { method: "POST", path },
    params: (disk, before, after) => {
      // Another ISO in a CD-ROM drive, or a disk swapped for a path, is a config write.
      if (before === undefined || !isDiskImage(before) || !isDiskImage(after)) return { inPlace: true };
      return { params: { [diskParam]: disk, storage: storageOf(after), delete: 1 } };
    },
  };
}
