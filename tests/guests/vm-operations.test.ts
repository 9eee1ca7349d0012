/**
 * `vm.VirtualMachine` through the engine against the qemu model: what the guest lifecycle does
 * beyond config writes. Restore from a vzdump archive, HA-managed migration (queued, awaited in
 * `/cluster/resources`), cloud-init regeneration on a running VM, the digest of a config write,
 * protection before a delete, VMIDs another client takes meanwhile, guest-agent addresses within a
 * bound, imports by `node/vmid` and by a bare VMID, and the preview checks that ask PVE.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProxmoxClient } from "../../provider/client";
import { check, checkRemote, create, diff, read, remove, update } from "../../provider/engine";
import { virtualMachine as vm } from "../../schema/definitions/vm/virtual-machine";
import { api, createVm, data, run, useGuestSimulator } from "../sim/testkit/guests";
import { TEST_TOKEN, login } from "../sim/testkit/raw";

const sim = useGuestSimulator({ nodes: 2, qemu: { agentStartMs: 0 } });
let client: ProxmoxClient;
beforeAll(async () => {
  client = new ProxmoxClient({ endpoint: sim().endpoint, apiToken: TEST_TOKEN, fingerprint: sim().fingerprint });
  // A directory storage for backups and ISOs only: no VM disks.
  await client.put("/storage/local", { content: "iso,backup,vztmpl" });
});
afterAll(() => client.close());

const config = (vmid: number, node = "pve1"): Promise<Record<string, unknown>> => client.get(`/nodes/${node}/qemu/${vmid}/config`);
const logged = (): { lines: string[]; onLog: (line: string) => void } => {
  const lines: string[] = [];
  return { lines, onLog: (line) => void lines.push(line) };
};

describe("vm.VirtualMachine operations", () => {
  it("restores a vzdump archive, then writes the program's settings over what the archive brought", async () => {
    await createVm(sim(), 300, { name: "orig", memory: 1024, scsi0: "local-lvm:1", net0: "virtio,bridge=vmbr0" });
    const dump = await run(sim(), "POST", "/nodes/pve1/vzdump", { vmid: 300, storage: "local", mode: "stop" });
    expect(dump.status).toBe("OK");
    const [backup] = await data<Array<{ volid: string }>>(api(sim(), "GET", "/nodes/pve1/storage/local/content", { content: "backup", vmid: 300 }));
    const inputs = { node: "pve1", vmid: 301, archive: backup?.volid, name: "restored", cores: 2, started: false };
    const { outs } = await create(vm, client, inputs);
    const restored = await config(301);
    expect(restored).toMatchObject({ name: "restored", cores: 2 });
    expect(String(restored["scsi0"])).toMatch(/^local-lvm:vm-301-disk-0/);
    expect(diff(vm, outs, inputs).changes).toBe(false);
  });

  it("migrates an HA-managed VM through the HA manager and waits until the cluster shows it on the target", async () => {
    const inputs = { node: "pve1", vmid: 310, haManaged: true, started: false };
    const { outs } = await create(vm, client, inputs);
    const { lines, onLog } = logged();
    const moved = await update(vm, client, outs, { ...inputs, node: "pve2" }, { onLog });
    expect(moved.outs["node"]).toBe("pve2");
    const resources = await client.get<Array<{ vmid: number; node: string }>>("/cluster/resources", { type: "vm" });
    expect(resources.find((entry) => entry.vmid === 310)?.node).toBe("pve2");
    expect(lines.some((line) => line.includes("the HA manager carries out the migration of 310"))).toBe(true);
    await remove(vm, client, "pve2/310", moved.outs);
  });

  it("regenerates a running VM's cloud-init drive when a cloud-init key changes, without a restart", async () => {
    const inputs = { node: "pve1", vmid: 320, ide: { "2": { file: "local-lvm:cloudinit" } }, ciuser: "ops", ipconfig: { "0": { ip: "dhcp" } } };
    const { outs } = await create(vm, client, inputs);
    expect(diff(vm, outs, inputs).changes).toBe(false);
    const changed = { ...inputs, ciuser: "admin", ipconfig: { "0": { ip: "10.0.0.5/24", gw: "10.0.0.1" } } };
    expect(diff(vm, outs, changed).replaces).toEqual([]);
    const { lines, onLog } = logged();
    const updated = await update(vm, client, outs, changed, { onLog });
    expect(lines).toContain("regenerating the cloud-init drive");
    // The generated drive holds what the config says: nothing left to regenerate.
    const pending = await client.get<Array<{ key: string; pending?: unknown; delete?: number }>>("/nodes/pve1/qemu/320/cloudinit");
    expect(pending.filter((entry) => entry.pending !== undefined || entry.delete !== undefined)).toEqual([]);
    expect(updated.outs["status"]).toBe("running");
    expect(diff(vm, updated.outs, changed).changes).toBe(false);
  });

  it("refuses to overwrite a managed setting changed on PVE since the last read, and names it", async () => {
    const inputs = { node: "pve1", vmid: 330, name: "db", cores: 1, started: false };
    const { outs } = await create(vm, client, inputs);
    await client.put("/nodes/pve1/qemu/330/config", { cores: 4 });
    await expect(update(vm, client, outs, { ...inputs, name: "db2" })).rejects.toThrow(
      "vm.VirtualMachine 'pve1/330' was changed on PVE since it was last read (cores): refresh, then update again",
    );
    expect(await config(330)).toMatchObject({ name: "db", cores: 4 });
    // A change beside the managed fields (a disk added by hand) is not ours to refuse.
    const refreshed = await read(vm, client, "pve1/330", outs);
    await client.put("/nodes/pve1/qemu/330/config", { scsi5: "local-lvm:1" });
    const updated = await update(vm, client, refreshed.props, { ...inputs, cores: 4, name: "db2" });
    expect(updated.outs["name"]).toBe("db2");
  });

  it("refuses to delete a protected VM before stopping it, and stops a running one before destroying it with its disks", async () => {
    const inputs = { node: "pve1", vmid: 340, protection: true, scsi: { "0": { file: "local-lvm:1" } } };
    const { id, outs } = await create(vm, client, inputs);
    await expect(remove(vm, client, id, outs)).rejects.toThrow(
      "vm.VirtualMachine 'pve1/340' is protected: set `protection: false` (and apply) before deleting it",
    );
    expect(await client.get<{ status: string }>("/nodes/pve1/qemu/340/status/current")).toMatchObject({ status: "running" });
    const unprotected = await update(vm, client, outs, { ...inputs, protection: false });
    const { lines, onLog } = logged();
    await remove(vm, client, id, unprotected.outs, { onLog });
    expect(lines).toContain("shutdown VM 340 on pve1");
    await expect(config(340)).rejects.toThrow(/does not exist/);
    const volumes = await client.get<Array<{ volid: string }>>("/nodes/pve1/storage/local-lvm/content", { vmid: 340 });
    expect(volumes).toEqual([]);
  });

  it("takes the next free VMID when another client took the one the cluster offered", async () => {
    const offered = Number(await client.get("/cluster/nextid"));
    // Another client takes the id between our nextid and our create.
    let raced = false;
    const racing = {
      request: async <T>(method: "GET" | "POST" | "PUT" | "DELETE", path: string, params?: Record<string, string | number>): Promise<T> => {
        if (!raced && method === "POST" && path === "/nodes/pve1/qemu") {
          raced = true;
          await createVm(sim(), offered, { name: "other" });
        }
        return client.request<T>(method, path, params);
      },
      waitForTask: (upid: string) => client.waitForTask(upid),
    };
    const { lines, onLog } = logged();
    const { id } = await create(vm, racing, { node: "pve1", name: "mine", started: false }, { onLog });
    expect(id).toBe(`pve1/${offered + 1}`);
    expect(lines).toContain(`VMID ${offered} was taken by someone else meanwhile; trying the next free one`);
    expect(await config(offered)).toMatchObject({ name: "other" });
  });

  it("records the addresses the guest agent reports, and a refresh does not ask the agent", async () => {
    const inputs = {
      node: "pve1",
      vmid: 350,
      agent: { enabled: true },
      net: { "0": { model: "virtio", bridge: "vmbr0" } },
      ipconfig: { "0": { ip: "10.1.0.7/24" } },
      agentWaitSeconds: 5,
    };
    const { id, outs } = await create(vm, client, inputs);
    expect(outs["ipAddresses"]).toEqual(["10.1.0.7"]);
    await client.put("/nodes/pve1/qemu/350/config", { agent: "enabled=0" });
    const refreshed = await read(vm, client, id, outs);
    expect(refreshed.props["ipAddresses"]).toEqual(["10.1.0.7"]);
  });

  it("imports by node/vmid and by a bare VMID with an empty diff, and finds a VM that moved", async () => {
    await createVm(sim(), 360, { name: "legacy", cores: 2, scsi0: "local-lvm:1", net0: "virtio,bridge=vmbr0" });
    const program = {
      node: "pve1",
      vmid: 360,
      name: "legacy",
      cores: 2,
      scsi: { "0": { file: "local-lvm:1" } },
      net: { "0": { model: "virtio", bridge: "vmbr0" } },
    };
    const byId = await read(vm, client, "pve1/360", program);
    expect(byId.id).toBe("pve1/360");
    expect(diff(vm, byId.props, program).changes).toBe(false);
    // What only acts at creation (a clone source, a restore's bandwidth) cannot be read back: an import takes the program's.
    const withSource = { ...program, clone: { vmid: 9100, full: true }, bwlimit: 1000 };
    expect(diff(vm, (await read(vm, client, "pve1/360", withSource)).props, withSource).changes).toBe(false);
    const bare = await read(vm, client, "360", {});
    expect(bare.id).toBe("pve1/360");
    expect(bare.props).toMatchObject({ node: "pve1", vmid: 360, name: "legacy", cores: 2, started: false });
    await run(sim(), "POST", "/nodes/pve1/qemu/360/migrate", { target: "pve2", "with-local-disks": 1 });
    const moved = await read(vm, client, "pve1/360", byId.props);
    expect(moved.id).toBe("pve2/360");
    expect(diff(vm, moved.props, program).detailedDiff).toEqual({ node: { kind: "UPDATE", inputDiff: false } });
  });

  it("adopts a VM that exists with `adopt: true`, converging its settings and power state", async () => {
    await createVm(sim(), 390, { name: "handmade", cores: 1 });
    const { lines, onLog } = logged();
    const inputs = { node: "pve1", vmid: 390, name: "adopted", cores: 1, started: true, adopt: true, clone: { vmid: 9100 } };
    const { id, outs } = await create(vm, client, inputs, { onLog });
    expect(id).toBe("pve1/390");
    expect(lines[0]).toBe("adopting the existing vm.VirtualMachine 'pve1/390'; converging name, started");
    expect(await config(390)).toMatchObject({ name: "adopted" });
    expect(outs).toMatchObject({ status: "running" });
  });

  it("compares tags, SSH keys and descriptions in PVE's form: no change after an apply", async () => {
    const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@example";
    const inputs = { node: "pve1", vmid: 395, started: false, tags: ["Web", "db", "web"], sshkeys: key, description: "line 1\nline 2" };
    const { outs } = await create(vm, client, inputs);
    const onPve = await config(395);
    expect(onPve["tags"]).toBe("db;web");
    expect(onPve["sshkeys"]).toBe(encodeURIComponent(key));
    expect(diff(vm, outs, inputs).changes).toBe(false);
    expect(diff(vm, (await read(vm, client, "pve1/395", outs)).props, inputs).changes).toBe(false);
    expect(diff(vm, outs, { ...inputs, tags: ["db", "web", "new"] }).detailedDiff).toEqual({ tags: { kind: "UPDATE", inputDiff: false } });
  });

  it("moves a VM between pools in place", async () => {
    await client.post("/pools", { poolid: "blue" });
    await client.post("/pools", { poolid: "green" });
    const inputs = { node: "pve1", vmid: 380, pool: "blue", started: false };
    const { outs } = await create(vm, client, inputs);
    const poolOf = async (): Promise<string | undefined> =>
      (await client.get<Array<{ vmid: number; pool?: string }>>("/cluster/resources", { type: "vm" })).find((entry) => entry.vmid === 380)?.pool;
    expect(await poolOf()).toBe("blue");
    const moving = { ...inputs, pool: "green" };
    expect(diff(vm, outs, moving)).toMatchObject({ replaces: [], detailedDiff: { pool: { kind: "UPDATE", inputDiff: false } } });
    const moved = await update(vm, client, outs, moving);
    expect(await poolOf()).toBe("green");
    await update(vm, client, moved.outs, { node: "pve1", vmid: 380, started: false });
    expect(await poolOf()).toBeUndefined();
  });

  it("refuses in preview what PVE would refuse: root-only keys for a token, disks where no VM disk can go, a missing clone source, a linked clone's storage", async () => {
    const failures = async (inputs: Record<string, unknown>): Promise<string[]> => {
      const local = check(vm, inputs).failures;
      const remote = local.length === 0 ? await checkRemote(vm, client, inputs) : [];
      return [...local, ...remote].map((failure) => `${failure.property}: ${failure.reason}`);
    };
    const asToken = (why: string): string =>
      `PVE refuses it: ${why}, and these requests are made as an API token (root@pam's); set it as root@pam with a password login, or leave it out`;
    expect(
      await failures({ node: "pve1", args: "-no-reboot", hostpci: { "0": { host: "0000:01:00.0" } }, serial: { "0": "socket", "1": "/dev/ttyS1" } }),
    ).toEqual([
      `args: ${asToken("only root can set 'args' config")}`,
      `hostpci.0: ${asToken("only root can set 'hostpci0' config for non-mapped devices")}`,
      `serial.1: ${asToken("only root can set 'serial1' config for real devices")}`,
    ]);
    // A setting PVE already has is not written again: no refusal for it.
    const root = await login(sim(), "root@pam", sim().rootPassword);
    await run(sim(), "POST", "/nodes/pve1/qemu", { vmid: 370, args: "-no-reboot" }, root);
    expect(await failures({ node: "pve1", vmid: 370, args: "-no-reboot" })).toEqual([]);
    expect(await failures({ node: "pve1", scsi: { "0": { file: "local:4" }, "1": { file: "nosuch:4" } } })).toEqual([
      "scsi.0.file: storage 'local' does not hold VM disks (its content is 'iso,vztmpl,backup', without 'images')",
      "scsi.1.file: storage 'nosuch' does not exist on node 'pve1'",
    ]);
    expect(await failures({ node: "pve1", clone: { vmid: 4242 } })).toEqual(["clone.vmid: there is no VM 4242 in the cluster to clone"]);
    await createVm(sim(), 9100, { scsi0: "local-lvm:1" });
    await run(sim(), "POST", "/nodes/pve1/qemu/9100/template");
    expect(await failures({ node: "pve1", clone: { vmid: 9100, storage: "local-lvm" } })).toEqual([
      "clone.storage: a linked clone stays on its template's storage: 'storage' needs `full: true` (PVE refuses it otherwise)",
    ]);
    expect(await failures({ node: "pve1", clone: { vmid: 9100, full: true, storage: "local-lvm" } })).toEqual([]);
    expect(await failures({ node: "pve1", template: true, started: true })).toEqual(["started: a template cannot run: leave `started` out or false"]);
  });
});
