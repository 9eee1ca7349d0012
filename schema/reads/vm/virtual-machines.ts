/**
 * Read functions of VMs: the VMs of the cluster (from `/cluster/resources`, filtered here, since
 * PVE filters that list by type only) and one VM's configuration, which is `vm:VirtualMachine`'s
 * object: its secret fields (`cipassword`) are secret outputs.
 */
import { defineRead } from "../define";

/** `vm.getVirtualMachines`: the cluster's VMs, optionally by node, pool, tag, template or name. */
export const getVirtualMachines = defineRead({
  namespace: "vm",
  name: "getVirtualMachines",
  description:
    "The cluster's VMs (not containers) with their node, status, name, tags, pool and usage (`GET /cluster/resources?type=vm`, items of `type` `qemu`); PVE lists only VMs the caller may audit. The filters are applied to PVE's list: every given one must match.",
  path: "/cluster/resources",
  args: [],
  query: { type: "vm" },
  itemsWhere: { type: "qemu" },
  filters: [
    { sdkName: "node", field: "node", match: "equals", doc: "Only VMs on this node." },
    {
      sdkName: "pool",
      field: "pool",
      match: "equals",
      doc: "Only VMs in this pool (a nested pool by its whole id, `team/dev`; VMs of its sub-pools are not in it).",
    },
    {
      sdkName: "tag",
      field: "tags",
      match: "tag",
      doc: "Only VMs with this tag, written as PVE shows it (lowercase, unless the datacenter's tag style is case-sensitive).",
    },
    { sdkName: "template", field: "template", match: "flag", doc: "Only templates (`true`), or only VMs that are no template (`false`)." },
    { sdkName: "name", field: "name", match: "equals", doc: "Only VMs with this name (PVE does not keep names unique)." },
  ],
});

/** `vm.getVirtualMachine`: one VM's configuration. */
export const getVirtualMachine = defineRead({
  namespace: "vm",
  name: "getVirtualMachine",
  description:
    "One VM's configuration, with its pending changes applied as PVE shows them; `cipassword` comes back masked (`GET /nodes/{node}/qemu/{vmid}/config`). Device slots (`scsi0`, `net0`, ...) are property strings as PVE writes them.",
  path: "/nodes/{node}/qemu/{vmid}/config",
  args: [
    { pveName: "node", sdkName: "node", doc: "The node the VM is on." },
    { pveName: "vmid", sdkName: "vmid", doc: "The VM's id." },
  ],
  objectOf: "vm:VirtualMachine",
});
