/**
 * `vm.VirtualMachine`'s lifecycle through the engine against the qemu model: a VMID from the
 * cluster, pending changes read from PVE and applied by a reboot only when asked, a template and
 * its linked and full clones converged to the program, a migration on a node change (never a
 * replacement), a template that cannot become a VM again, and 20 parallel clones and creates
 * without a lock error.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProxmoxClient } from "../../provider/client";
import { check, create, diff, read, remove, update } from "../../provider/engine";
import { virtualMachine as vm } from "../../schema/definitions/vm/virtual-machine";
import { useGuestSimulator } from "../sim/testkit/guests";
import { TEST_TOKEN } from "../sim/testkit/raw";

const sim = useGuestSimulator({ nodes: 2 });
let client: ProxmoxClient;
beforeAll(() => {
  client = new ProxmoxClient({ endpoint: sim().endpoint, apiToken: TEST_TOKEN, fingerprint: sim().fingerprint });
});
afterAll(() => client.close());

const config = (vmid: number, node = "pve1"): Promise<Record<string, unknown>> => client.get(`/nodes/${node}/qemu/${vmid}/config`);
const status = async (vmid: number, node = "pve1"): Promise<string> =>
  (await client.get<{ status: string }>(`/nodes/${node}/qemu/${vmid}/status/current`)).status;

describe("vm.VirtualMachine lifecycle", () => {
  it("takes the cluster's next id, keeps pending changes until asked to reboot, and deletes", async () => {
    const lines: string[] = [];
    const onLog = (line: string): void => void lines.push(line);
    const inputs = {
      node: "pve1",
      name: "web",
      memory: { current: 1024 },
      cores: 1,
      scsi: { "0": { file: "local-lvm:2" } },
      net: { "0": { model: "virtio", bridge: "vmbr0" } },
    };
    expect(check(vm, inputs).failures).toEqual([]);
    const { id, outs } = await create(vm, client, inputs, { onLog });
    const vmid = Number(id.split("/")[1]);
    expect(id).toBe(`pve1/${vmid}`);
    expect(outs).toMatchObject({ vmid, status: "running", pendingChanges: [], rebootRequired: false, scsi: { "0": { file: "local-lvm:2", size: "2G" } } });
    expect(diff(vm, outs, inputs).changes).toBe(false);

    // cores and memory wait for a restart of a running VM; PVE's pending state says so.
    const changed = { ...inputs, cores: 2, memory: { current: 2048 } };
    const pending = await update(vm, client, outs, changed, { onLog });
    expect(pending.outs).toMatchObject({ cores: 2, pendingChanges: ["cores", "memory"], rebootRequired: true });
    expect(diff(vm, pending.outs, changed).changes).toBe(false);
    expect(lines.some((line) => line.startsWith("reboot"))).toBe(false);

    const rebooted = await update(vm, client, pending.outs, { ...changed, rebootWhenPending: true }, { onLog });
    expect(rebooted.outs).toMatchObject({ pendingChanges: [], rebootRequired: false, status: "running" });
    expect(lines).toContain("rebooting to apply the pending cores, memory");

    // Stopped by hand: a refresh shows it; `started: true` starts it again.
    await client.post(`/nodes/pve1/qemu/${vmid}/status/stop`).then((upid) => client.waitForTask(String(upid)));
    const wanted = { ...changed, rebootWhenPending: true, started: true };
    const refreshed = await read(vm, client, id, { ...rebooted.outs, started: true });
    expect(refreshed.props["started"]).toBe(false);
    expect(diff(vm, refreshed.props, wanted).detailedDiff).toEqual({ started: { kind: "UPDATE", inputDiff: false } });
    const started = await update(vm, client, refreshed.props, wanted);
    expect(started.outs["status"]).toBe("running");

    await remove(vm, client, id, started.outs, { onLog });
    await expect(config(vmid)).rejects.toThrow(/does not exist/);
  });

  it("converts a template, clones it linked and full, converges the clone to the program, and migrates it without replacing it", async () => {
    const template = {
      node: "pve1",
      vmid: 9000,
      name: "tpl",
      template: true,
      scsi: { "0": { file: "local-lvm:2" } },
      net: { "0": { model: "virtio", bridge: "vmbr0" } },
    };
    const made = await create(vm, client, template);
    expect(made.outs).toMatchObject({ template: true, status: "stopped" });
    expect(String((await config(9000))["scsi0"])).toMatch(/^local-lvm:base-9000-disk-0/);
    expect(diff(vm, made.outs, template).changes).toBe(false);
    // A template cannot become a VM again: turning it off replaces it, and preview says so.
    expect(diff(vm, made.outs, { ...template, template: false }).replaces).toEqual(["template"]);

    const cloning: string[] = [];
    const linked = await create(vm, client, { node: "pve1", vmid: 201, name: "linked", clone: { vmid: 9000 } }, { onLog: (line) => void cloning.push(line) });
    // PVE's default for a template: a linked clone (an LVM-thin snapshot of the base volume).
    expect(cloning).toContain("create linked clone of drive scsi0 (local-lvm:base-9000-disk-0)");
    expect(linked.outs["status"]).toBe("running");

    const lines: string[] = [];
    const full = {
      node: "pve1",
      vmid: 202,
      name: "full",
      cores: 2,
      clone: { vmid: 9000, full: true },
      migration: { withLocalDisks: true },
      scsi: { "0": { file: "local-lvm:2", size: "3G" } },
      net: { "0": { model: "virtio", bridge: "vmbr0" } },
    };
    const cloned = await create(vm, client, full, { onLog: (line) => void lines.push(line) });
    expect(lines).toContain('scsi["0"].size: PUT /nodes/{node}/qemu/{vmid}/resize');
    expect(await config(202)).toMatchObject({ name: "full", cores: 2 });
    expect(String((await config(202))["scsi0"])).toMatch(/^local-lvm:vm-202-disk-0,.*size=3G/);
    // The clone's MAC is PVE's new one, kept.
    expect(String((await config(202))["net0"])).not.toBe(String((await config(9000))["net0"]));
    expect(diff(vm, cloned.outs, full).changes).toBe(false);

    const moving = { ...full, node: "pve2" };
    const plan = diff(vm, cloned.outs, moving);
    expect(plan.replaces).toEqual([]);
    expect(plan.detailedDiff).toEqual({ node: { kind: "UPDATE", inputDiff: false } });
    const moved = await update(vm, client, cloned.outs, moving);
    expect(moved.outs).toMatchObject({ node: "pve2", vmid: 202, status: "running" });
    expect(await status(202, "pve2")).toBe("running");
    const after = await read(vm, client, "pve1/202", moved.outs);
    expect(after.id).toBe("pve2/202");
    expect(diff(vm, after.props, moving).changes).toBe(false);
  });

  it("clones one template 20 times and creates 20 VMs on one storage in parallel, every VMID distinct, no error", async () => {
    const clones = Array.from({ length: 20 }, (_, i) => create(vm, client, { node: "pve1", name: `c${i}`, clone: { vmid: 9000 }, started: false }));
    const empties = Array.from({ length: 20 }, (_, i) =>
      create(vm, client, { node: "pve1", name: `e${i}`, scsi: { "0": { file: "local-lvm:1" } }, started: false }),
    );
    const results = await Promise.allSettled([...clones, ...empties]);
    const failed = results.flatMap((r) => (r.status === "rejected" ? [String(r.reason)] : []));
    expect(failed).toEqual([]);
    const ids = results.flatMap((r) => (r.status === "fulfilled" ? [r.value.id] : []));
    expect(new Set(ids).size).toBe(40);
  }, 120_000);
});

describe("vm.VirtualMachine's families of plain values", () => {
  it("keys serial ports by slot: adds, changes and removes one while a port added by hand stays", async () => {
    const inputs = { node: "pve1", vmid: 230, started: false, serial: { "0": "socket" } };
    const { id, outs } = await create(vm, client, inputs);
    expect(outs["serial"]).toEqual({ "0": "socket" });
    await client.put("/nodes/pve1/qemu/230/config", { serial3: "socket" });
    const refreshed = await read(vm, client, id, outs);
    expect(refreshed.props["serial"]).toEqual({ "0": "socket" });
    expect(diff(vm, refreshed.props, inputs).changes).toBe(false);
    const changed = { ...inputs, serial: { "1": "socket" } };
    expect(diff(vm, refreshed.props, changed).detailedDiff).toEqual({
      'serial["1"]': { kind: "ADD", inputDiff: false },
      'serial["0"]': { kind: "DELETE", inputDiff: false },
    });
    const updated = await update(vm, client, refreshed.props, changed);
    const onPve = await config(230);
    expect([onPve["serial0"], onPve["serial1"], onPve["serial3"]]).toEqual([undefined, "socket", "socket"]);
    expect(diff(vm, updated.outs, changed).changes).toBe(false);
  });
});
