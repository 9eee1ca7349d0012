/**
 * The composite-kind contract (`schema/slots.ts`) on a definition fixture: a guest kind over
 * qemu-server's API with two device families, `scsi[n]` and `net[n]`, driven through the engine
 * against the simulator's qemu model. It proves what VM and container kinds will build on:
 * families are maps keyed by slot; only listed slots are managed; a generated MAC is kept; sizes
 * compare in PVE's form; a disk grows through `resize` and moves through `move_disk`; a shrink is
 * refused in preview; a create-only sub-key replaces; and the generated SDK and Terraform types
 * are maps of typed entries.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProxmoxClient } from "../../provider/client";
import { check, create, diff, read, remove, update } from "../../provider/engine";
import { resourceType } from "../../provider/terraform/schema";
import { objectOf, propsOf } from "../../provider/terraform/values";
import { emitKind } from "../../schema/codegen/emit";
import { defineKind } from "../../schema/define";
import type { SdkValue } from "../../schema/codecs";
import { guestSpec } from "../fixtures/guest-spec";
import { useGuestSimulator } from "../sim/testkit/guests";
import { TEST_TOKEN } from "../sim/testkit/raw";

/** Gibibytes of a PVE disk size (`4G`, `4096M`, `4`): qemu-server's `parse_size`, for the sizes this fixture uses. */
function gib(value: SdkValue): number {
  const match = /^(\d+(?:\.\d+)?)([KMGT]?)$/.exec(String(value));
  if (!match) return Number.NaN;
  const factor = { "": 1, K: 1 / 1024 ** 2, M: 1 / 1024, G: 1, T: 1024 }[match[2] ?? ""] ?? Number.NaN;
  return Number(match[1]) * factor;
}

/** The storage of a drive's `file` (`local-lvm:4` and `local-lvm:vm-100-disk-0` are both on `local-lvm`). */
const storageOf = (file: SdkValue): string => String(file).split(":")[0] ?? "";

const guest = defineKind(
  guestSpec("Guest", {
    "scsi[n]": {
      doc: "Disks on the SCSI bus, by slot.",
      slots: {
        limit: 31,
        subKeys: {
          // The volume compares by its storage; moving it to another one is `move_disk`.
          file: {
            normalize: storageOf,
            change: "operation",
            operation: {
              call: { method: "POST", path: "/nodes/{node}/qemu/{vmid}/move_disk" },
              params: (disk, _before, after) => ({ params: { disk, storage: storageOf(after), delete: 1 } }),
            },
          },
          // A disk grows through `resize`; PVE cannot shrink one.
          size: {
            normalize: (value) => String(gib(value)),
            change: "operation",
            operation: {
              call: { method: "PUT", path: "/nodes/{node}/qemu/{vmid}/resize" },
              params: (disk, before, after) =>
                before !== undefined && gib(after) < gib(before)
                  ? { refused: `PVE cannot shrink a disk (${String(before)} → ${String(after)})` }
                  : { params: { disk, size: String(after) } },
            },
          },
          serial: { change: "createOnly" },
        },
      },
    },
    "net[n]": { doc: "Network devices, by slot.", slots: { limit: 32, subKeys: { macaddr: { computed: true } } } },
  }),
);

const sim = useGuestSimulator();
let client: ProxmoxClient;
beforeAll(async () => {
  client = new ProxmoxClient({ endpoint: sim().endpoint, apiToken: TEST_TOKEN, fingerprint: sim().fingerprint });
  // A directory storage to move disks to.
  await client.put("/storage/local", { content: "images,iso,backup,vztmpl" });
});
afterAll(() => client.close());

const config = (vmid: number): Promise<Record<string, unknown>> => client.get(`/nodes/pve1/qemu/${vmid}/config`);

describe("the composite-kind contract", () => {
  it("makes a family a map keyed by slot: types, checks and wire keys", () => {
    const scsi = guest.fieldsBySdkName.get("scsi");
    expect(scsi?.slots).toMatchObject({ base: "scsi", limit: 31 });
    expect(scsi?.indexed).toBeUndefined();
    const tf = resourceType(guest);
    expect(tf.schema.attributes.find((a) => a.name === "scsi")).toMatchObject({
      type: ["map", ["object", expect.objectContaining({ size: "string", iops_rd: "number" })]],
      nested: { nesting: "map" },
    });
    const slots = { "0": { file: "local-lvm:2", iopsRd: 100 }, "3": { file: "local:1" } };
    const object = objectOf(tf, { node: "pve1", vmid: 700, scsi: slots }, "pve1/700");
    expect(object["scsi"]).toMatchObject({ "0": { file: "local-lvm:2", iops_rd: 100, size: null }, "3": { file: "local:1" } });
    expect(propsOf(tf, object)["scsi"]).toEqual(slots);
    const sdk = emitKind(guest);
    expect(sdk).toMatch(/readonly scsi\?: pulumi\.Input<Record<string, pulumi\.Input<\w+Args>>>;/);
    expect(sdk).toMatch(/readonly scsi: pulumi\.Output<Record<string, \w+> \| undefined>;/);
    const failures = check(guest, {
      node: "pve1",
      vmid: 700,
      scsi: { "31": { file: "local-lvm:1" }, x: { file: "local-lvm:1" } },
      net: [{ model: "virtio" }],
    }).failures;
    expect(failures.map((f) => f.property).sort()).toEqual(["net", "scsi.31", "scsi.x"]);
    expect(failures.find((f) => f.reason.includes("31 scsi slots"))?.reason).toBe("PVE has 31 scsi slots: scsi0..scsi30");
    expect(failures.find((f) => f.reason.includes("a slot is"))?.reason).toBe("a slot is a number, 0 to 30");
    expect(() => defineKind(guestSpec("Guest", { "net[n]": { slots: { limit: 32, subKeys: { mac: { computed: true } } } } }))).toThrow(
      "fixture.Guest: the device family 'net[n]' has no sub-key 'mac'",
    );
    expect(() => defineKind(guestSpec("Guest", { name: { slots: { limit: 1 } } }))).toThrow(
      "fixture.Guest: 'name' is not an indexed parameter, so it cannot be a device family",
    );
  });

  it("manages only the listed slots, keeps what PVE computed, and compares in PVE's form", async () => {
    const inputs = {
      node: "pve1",
      vmid: 701,
      name: "web",
      scsi: { "0": { file: "local-lvm:2", size: "2G" } },
      net: { "1": { model: "virtio", bridge: "vmbr0" } },
    };
    const { id, outs } = await create(guest, client, inputs);
    expect(id).toBe("pve1/701");
    const onPve = await config(701);
    expect(onPve["net1"]).toMatch(/^virtio=[0-9A-F:]{17},bridge=vmbr0$/);
    const mac = /virtio=([0-9A-F:]{17})/.exec(String(onPve["net1"]))?.[1];
    // The generated MAC is state; the program's silence about it is no change.
    expect(outs["net"]).toEqual({ "1": { model: "virtio", bridge: "vmbr0", macaddr: mac } });
    expect(outs["scsi"]).toEqual({ "0": { file: "local-lvm:2", size: "2G" } });
    expect(diff(guest, outs, inputs).changes).toBe(false);

    // A disk and a NIC added by hand are not the resource's: no drift, and an update leaves them.
    await client.put("/nodes/pve1/qemu/701/config", { scsi5: "local-lvm:1", net3: "e1000,bridge=vmbr0" });
    const refreshed = await read(guest, client, id, outs);
    expect(Object.keys(refreshed.props["scsi"] as object)).toEqual(["0"]);
    expect(Object.keys(refreshed.props["net"] as object)).toEqual(["1"]);
    expect(diff(guest, refreshed.props, inputs).changes).toBe(false);

    // A changed bridge writes the slot with its kept MAC: PVE does not assign a new one.
    const rebridged = { ...inputs, net: { "1": { model: "virtio", bridge: "vmbr1" } } };
    expect(diff(guest, refreshed.props, rebridged).detailedDiff).toEqual({ 'net["1"]': { kind: "UPDATE", inputDiff: false } });
    const updated = await update(guest, client, refreshed.props, rebridged);
    const after = await config(701);
    expect(after["net1"]).toBe(`virtio=${mac},bridge=vmbr1`);
    expect(after["net3"]).toMatch(/^e1000=/);
    expect(after["scsi5"]).toMatch(/^local-lvm:vm-701-disk-1/);
    expect(diff(guest, updated.outs, rebridged).changes).toBe(false);
  });

  it("grows a disk through resize and moves it through move_disk; refuses a shrink in preview; a create-only sub-key replaces", async () => {
    const inputs = { node: "pve1", vmid: 702, scsi: { "0": { file: "local-lvm:2", size: "2G" } } };
    const { outs } = await create(guest, client, inputs);
    const logs: string[] = [];

    const grown = { ...inputs, scsi: { "0": { file: "local-lvm:2", size: "3G" } } };
    expect(diff(guest, outs, grown).detailedDiff).toEqual({ 'scsi["0"].size': { kind: "UPDATE", inputDiff: false } });
    const afterGrow = await update(guest, client, outs, grown, { onLog: (line) => logs.push(line) });
    expect(String((await config(702))["scsi0"])).toContain("size=3G");
    expect(logs).toContain('scsi["0"].size: PUT /nodes/{node}/qemu/{vmid}/resize');

    const moved = { ...inputs, scsi: { "0": { file: "local:2", size: "3G" } } };
    const afterMove = await update(guest, client, afterGrow.outs, moved, { onLog: (line) => logs.push(line) });
    expect(String((await config(702))["scsi0"])).toMatch(/^local:702\/vm-702-disk-0\.(raw|qcow2),size=3G/);
    expect(diff(guest, afterMove.outs, moved).changes).toBe(false);

    const shrunk = { ...inputs, scsi: { "0": { file: "local:2", size: "1G" } } };
    expect(() => diff(guest, afterMove.outs, shrunk)).toThrow('scsi["0"].size: PVE cannot shrink a disk (3G → 1G)');
    await expect(update(guest, client, afterMove.outs, shrunk)).rejects.toThrow("PVE cannot shrink a disk");
    expect(String((await config(702))["scsi0"])).toContain("size=3G");

    const reserialed = { ...moved, scsi: { "0": { ...moved.scsi["0"], serial: "NEW" } } };
    const replacing = diff(guest, afterMove.outs, reserialed);
    expect(replacing.replaces).toEqual(["scsi"]);
    expect(replacing.detailedDiff['scsi["0"].serial']).toEqual({ kind: "UPDATE_REPLACE", inputDiff: false });

    // Dropping a slot deletes it (qemu-server keeps the volume as unused0).
    const dropped = await update(guest, client, afterMove.outs, { node: "pve1", vmid: 702 });
    const last = await config(702);
    expect(last["scsi0"]).toBeUndefined();
    expect(String(last["unused0"])).toMatch(/^local:702\/vm-702-disk-0/);
    expect(dropped.outs["scsi"]).toBeUndefined();
    await remove(guest, client, "pve1/702", dropped.outs);
  });
});
