/**
 * `vm.VirtualMachine`: a QEMU virtual machine, every config key of qemu-server typed. Device
 * families (`scsi0..30`, `net0..31`, `ipconfig0..31`, ...) are maps keyed by slot: only the listed
 * slots are managed, a generated MAC is kept, a disk grows through `resize` and changes storage
 * through `move_disk`. The guest lifecycle adds the VMID, the source (empty, clone, restore), the
 * power state, pending changes, migration and template conversion (see `schema/guest.ts`).
 */
import { defineKind } from "../../define";
import type { FieldOverride } from "../../fields";
import { type GuestSpec, guestInputs, guestOutputs } from "../../guest";
import { moveOperation, normalSize, normalVolume, resizeOperation } from "../../guest-volumes";
import type { SlotFamily, SubKeyRule } from "../../slots";
import { virtualMachineHooks } from "./checks";
import { VIRTUAL_MACHINE_DOCS } from "./virtual-machine-docs";

/** VMs: live migration, and cloud-init keys a running VM applies by regenerating its drive (`$cloudinitoptions`, `ipconfig[n]`). */
const VM_GUEST: GuestSpec = {
  type: "qemu",
  runningMigration: "online",
  agent: true,
  cloudInitKeys: ["cicustom", "cipassword", "citype", "ciuser", "ciupgrade", "nameserver", "searchdomain", "sshkeys", "ipconfig[n]"],
};

const RESIZE = resizeOperation("/nodes/{node}/qemu/{vmid}/resize");
const MOVE_DISK = moveOperation("/nodes/{node}/qemu/{vmid}/move_disk", "disk");

/** The sub-key rules every disk bus shares (qemu-server `QemuServer/Drive.pm`). */
const DRIVE_RULES: Readonly<Record<string, SubKeyRule>> = {
  // PVE names a new disk's volume: a disk compares by its storage, and a new storage is `move_disk`.
  file: { normalize: normalVolume, change: "operation", operation: MOVE_DISK },
  size: { normalize: normalSize, change: "operation", operation: RESIZE },
  // Acted on when the disk is allocated; PVE does not keep them in the config.
  importFrom: { writeOnce: true },
  format: { writeOnce: true },
  // PVE marks a cloud-init drive or an ISO as `media=cdrom`.
  media: { computed: true },
};

/** A disk bus with `limit` slots. */
function driveBus(limit: number): SlotFamily {
  return { limit, subKeys: DRIVE_RULES };
}

/** The rules of a single disk that is no family (`efidisk0`, `tpmstate0`): moved by `move_disk`, sized by PVE. */
const SINGLE_DISK_RULES: Readonly<Record<string, SubKeyRule>> = {
  file: { normalize: normalVolume, change: "operation", operation: MOVE_DISK },
  size: { computed: true, normalize: normalSize },
  importFrom: { writeOnce: true },
  format: { writeOnce: true },
};

/** Create-only inputs that only steer the creation: a later change is recorded and acts on nothing. */
const CREATION_ONLY: FieldOverride = { writeOnly: true, replaceOnChange: false };

/** What the definition says of fields beyond their docs. */
const BEHAVIOUR: Readonly<Record<string, FieldOverride>> = {
  // A new node is a migration, never a replacement.
  node: { replaceOnChange: false },
  // Left out, the cluster's next free id is taken (and kept).
  vmid: { required: false, computed: true },
  // A template cannot become a VM again: that direction replaces it.
  template: { replaceWhen: (before, after) => before === true && after !== true },
  // PVE hashes it and answers `**********`: kept as given, a secret.
  cipassword: { secret: true, writeOnly: true },
  // Only used when the VM is made (a restore's source replaces the VM; the rest steer the creation).
  archive: { writeOnly: true },
  // The lifecycle moves the VM between pools (`PUT /pools`): no replacement.
  pool: { writeOnly: true, replaceOnChange: false },
  "ha-managed": CREATION_ONLY,
  bwlimit: CREATION_ONLY,
  unique: CREATION_ONLY,
  "live-restore": CREATION_ONLY,
  "import-working-storage": CREATION_ONLY,
  storage: CREATION_ONLY,
  "scsi[n]": { slots: driveBus(31) },
  "virtio[n]": { slots: driveBus(16) },
  "sata[n]": { slots: driveBus(6) },
  "ide[n]": { slots: driveBus(4) },
  "net[n]": { slots: { limit: 32, subKeys: { macaddr: { computed: true } } } },
  "ipconfig[n]": { slots: { limit: 32 } },
  "hostpci[n]": { slots: { limit: 16 } },
  "usb[n]": { slots: { limit: 14 } },
  "numa[n]": { sdkName: "numaNodes", slots: { limit: 8 } },
  "virtiofs[n]": { slots: { limit: 10 } },
  "serial[n]": { slots: { limit: 4 } },
  "parallel[n]": { slots: { limit: 3 } },
  efidisk0: { subKeys: SINGLE_DISK_RULES },
  tpmstate0: { subKeys: SINGLE_DISK_RULES },
};

/** Parameters the kind does not take: our own inputs cover them, or they are no VM setting. */
const EXCLUDED = [
  // `started` decides the power state; `force` would overwrite an existing VM with a restore.
  "start",
  "force",
  // Root-only and for PVE's own use.
  "lock",
  // An alias of `ide2`.
  "cdrom",
  // Volumes PVE parks: the `unusedVolumes` output shows them.
  "unused[n]",
];

/** Every field's doc, with its behaviour. */
const FIELDS: Readonly<Record<string, FieldOverride>> = Object.fromEntries(
  Object.entries(VIRTUAL_MACHINE_DOCS)
    .filter(([pveName]) => !EXCLUDED.includes(pveName))
    .map(([pveName, doc]) => [pveName, { doc, ...BEHAVIOUR[pveName] }]),
);

export const virtualMachine = defineKind({
  namespace: "vm",
  name: "VirtualMachine",
  description:
    "A QEMU virtual machine, made empty (disks allocated as `<storage>:<GiB>` or imported with `importFrom`), cloned " +
    "(`clone`) or restored from a backup (`archive`). Disks, NICs and other devices are maps keyed by slot: only the " +
    "slots the program lists are managed. Changes apply in place: disks grow through `resize` and move through " +
    "`move_disk`, cloud-init changes regenerate the drive, a new `node` migrates the VM; whether a running VM needs " +
    "a restart is PVE's pending state (`pendingChanges`, `rebootRequired`; `rebootWhenPending` reboots). A deleted " +
    "VM is shut down, then destroyed with its disks and its HA, backup and replication entries.",
  lifecycle: "collection",
  identity: ["node", "vmid"],
  create: { method: "POST", path: "/nodes/{node}/qemu" },
  read: { path: "/nodes/{node}/qemu/{vmid}/config" },
  update: { method: "PUT", path: "/nodes/{node}/qemu/{vmid}/config", carriesDigest: true },
  remove: { method: "DELETE", path: "/nodes/{node}/qemu/{vmid}" },
  guest: VM_GUEST,
  exclude: EXCLUDED,
  fields: FIELDS,
  ownInputs: guestInputs("VM", VM_GUEST),
  outputs: guestOutputs("VM", VM_GUEST),
  hooks: virtualMachineHooks,
});
