/** qemu-server create and config through HTTPS: refusals, normalisation, digest, [PENDING], hot-plug, revert, root-only keys. */
import { describe, expect, it } from "vitest";
import type { Simulator } from "../../index";
import { api, createVm, data, finish, run, useGuestSimulator, type Params } from "../../testkit/guests";
import { login } from "../../testkit/raw";

/** The create of VM 201 runs long enough to be watched. */
const sim = useGuestSimulator({ taskDuration: (t) => (t.type === "qmcreate" && t.id === "201" ? 1500 : undefined) });

type Pending = { key: string; value?: unknown; pending?: unknown; delete?: number }[];

const config = (s: Simulator, vmid: number, query: Params = {}): Promise<Record<string, unknown>> =>
  data(api(s, "GET", `/nodes/pve1/qemu/${vmid}/config`, query));
const pending = (s: Simulator, vmid: number): Promise<Pending> => data(api(s, "GET", `/nodes/pve1/qemu/${vmid}/pending`));
const start = async (s: Simulator, vmid: number): Promise<void> => {
  expect((await run(s, "POST", `/nodes/pve1/qemu/${vmid}/status/start`)).status).toBe("OK");
};

/** A user with `role` on `/vms/<vmid>` and on the storages, logged in. */
async function userWith(s: Simulator, name: string, role: string, vmid: number): Promise<{ ticket: string; csrf: string }> {
  await data(api(s, "POST", "/access/users", { userid: `${name}@pve`, password: `${name}-password` }));
  await data(api(s, "PUT", "/access/acl", { path: `/vms/${vmid}`, roles: role, users: `${name}@pve` }));
  await data(api(s, "PUT", "/access/acl", { path: "/storage", roles: "PVEDatastoreUser", users: `${name}@pve` }));
  return login(s, `${name}@pve`, `${name}-password`);
}

describe("create", () => {
  it("refuses synchronously what create_vm checks before forking, and forks qmcreate otherwise", async () => {
    const s = sim();
    const noPool = await api(s, "POST", "/nodes/pve1/qemu", { vmid: 200, pool: "nope" });
    expect([noPool.status, noPool.reason]).toEqual([403, "Permission check failed (pool 'nope' does not exist)"]);
    const drive = await api(s, "POST", "/nodes/pve1/qemu", { vmid: 200, scsi0: "local-lvm:1,ssd=maybe" });
    expect([drive.status, drive.json?.errors]).toEqual([
      400,
      { scsi0: "invalid format - format error\nscsi0.ssd: type check ('boolean') failed - got 'maybe'\n" },
    ]);
    const slot = await api(s, "POST", "/nodes/pve1/qemu", { vmid: 200, scsi31: "local-lvm:1" });
    expect([slot.status, slot.json?.errors]).toEqual([
      400,
      { scsi31: "property is not defined in schema and the schema does not allow additional properties" },
    ]);
    const importSyntax = await api(s, "POST", "/nodes/pve1/qemu", { vmid: 200, scsi0: "local-lvm:4,import-from=local-lvm:vm-1-disk-0" });
    expect(importSyntax.json?.errors).toEqual({ scsi0: "'import-from' requires special syntax - use <storage ID>:0,import-from=<source>" });
    const created = await run(s, "POST", "/nodes/pve1/qemu", { vmid: 200 });
    expect(created.upid).toMatch(/^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmcreate:200:root@pam!test:$/);
    expect(created.status).toBe("OK");
    const again = await api(s, "POST", "/nodes/pve1/qemu", { vmid: 200 });
    expect([again.status, again.reason]).toEqual([500, "unable to create VM 200 - VM 200 already exists on node 'pve1'"]);
  });

  it("shows lock: create while the worker runs and writes PVE's generated keys", async () => {
    const s = sim();
    const reply = await api(s, "POST", "/nodes/pve1/qemu", {
      vmid: 201,
      name: "web",
      scsi0: "local-lvm:4,ssd=on,discard=on",
      net0: "virtio,bridge=vmbr0,firewall=yes",
      ide2: "none,media=cdrom",
      tags: "Web;prod;web",
      sockets: 1,
    });
    const during = await config(s, 201);
    expect(during).toEqual({ lock: "create", digest: expect.any(String) });
    await finish(s, String(reply.json?.data));
    const conf = await config(s, 201);
    expect(conf).toMatchObject({
      name: "web",
      scsi0: "local-lvm:vm-201-disk-0,discard=on,size=4G,ssd=1",
      ide2: "none,media=cdrom",
      tags: "prod;web",
      sockets: 1,
      boot: "order=scsi0;ide2;net0",
      smbios1: expect.stringMatching(/^uuid=[0-9a-f-]{36}$/),
      vmgenid: expect.stringMatching(/^[0-9a-f-]{36}$/),
      meta: expect.stringMatching(/^creation-qemu=[\d.]+,ctime=\d+$/),
    });
    expect(conf.net0).toMatch(/^virtio=BC:24:11:[0-9A-F]{2}:[0-9A-F]{2}:[0-9A-F]{2},bridge=vmbr0,firewall=1$/);
    expect(conf).not.toHaveProperty("lock");
  });

  it("writes the requested size for a new disk, not the size the storage rounded the volume to", async () => {
    const s = sim();
    const done = await createVm(s, 205, { scsi0: "local-lvm:1.001", tpmstate0: "local-lvm:1,version=v2.0" });
    // convert_size rounds 1.001 GiB up to whole KiB; LVM allocates whole 4 MiB extents (1028M)
    expect(done.log).toContain("scsi0: successfully created disk 'local-lvm:vm-205-disk-0,size=1049625K'");
    const conf = await config(s, 205);
    expect(conf.scsi0).toBe("local-lvm:vm-205-disk-0,size=1049625K");
    expect(conf.tpmstate0).toBe("local-lvm:vm-205-disk-1,size=4M,version=v2.0");
  });

  it("pins a Windows guest's machine version on create and on an ostype change, and checks machine and vga", async () => {
    const s = sim();
    const win = await createVm(s, 206, { ostype: "win11" });
    expect(win.log).toContain("pinning machine type to 'pc-i440fx-10.0+pve1' for Windows guest OS");
    expect((await config(s, 206)).machine).toBe("pc-i440fx-10.0+pve1");
    await createVm(s, 207, { ostype: "win10", machine: "q35,viommu=intel" });
    expect((await config(s, 207)).machine).toBe("pc-q35-10.0+pve1,viommu=intel");
    await createVm(s, 208, { ostype: "l26" });
    expect(await config(s, 208)).not.toHaveProperty("machine");
    await data(api(s, "PUT", "/nodes/pve1/qemu/208/config", { ostype: "w2k8" }));
    expect((await config(s, 208)).machine).toBe("pc-i440fx-10.0+pve1");
    const viommu = await api(s, "PUT", "/nodes/pve1/qemu/208/config", { machine: "pc,viommu=intel" });
    expect([viommu.status, viommu.json?.message]).toEqual([500, "to use Intel vIOMMU please set the machine type to q35\n"]);
    const clipboard = await api(s, "PUT", "/nodes/pve1/qemu/208/config", { vga: "serial0,clipboard=vnc" });
    expect(clipboard.json?.message).toBe("vga type serial0 is not compatible with VNC clipboard\n");
  });

  it("has no boot key for a VM without boot devices, since an empty boot does not read back", async () => {
    const s = sim();
    await createVm(s, 209, { cores: 2 });
    expect(await config(s, 209)).not.toHaveProperty("boot");
    await createVm(s, 210, { scsi0: "local-lvm:1" });
    expect((await config(s, 210)).boot).toBe("order=scsi0");
    // print_bootorder of no devices: the pending "boot: " line is dropped, boot stays as it was
    await data(api(s, "PUT", "/nodes/pve1/qemu/210/config", { delete: "scsi0" }));
    const after = await config(s, 210);
    expect(after.boot).toBe("order=scsi0");
    expect(after.unused0).toBe("local-lvm:vm-210-disk-0");
  });

  it("imports a disk from another VM's volume with the source's size", async () => {
    const s = sim();
    await createVm(s, 202, { scsi0: "local-lvm:3" });
    const done = await createVm(s, 203, { scsi0: "local-lvm:0,import-from=local-lvm:vm-202-disk-0" });
    expect(done.log).toContain("scsi0: successfully created disk 'local-lvm:vm-203-disk-0,size=3G'");
    const missing = await run(s, "POST", "/nodes/pve1/qemu", { vmid: 204, scsi0: "local-lvm:0,import-from=local-lvm:vm-202-disk-9" });
    expect(missing.status).toBe("unable to create VM 204 - cannot import from 'local-lvm:vm-202-disk-9' - could not get size of local-lvm:vm-202-disk-9");
    expect((await api(s, "GET", "/nodes/pve1/qemu/204/config")).status).toBe(500);
  });

  it("refuses root-only keys for a token and for other users, naming the key", async () => {
    const s = sim();
    await data(api(s, "POST", "/access/users", { userid: "ops@pve", password: "ops-password" }));
    await data(api(s, "PUT", "/access/acl", { path: "/", roles: "Administrator", users: "ops@pve" }));
    const ops = await login(s, "ops@pve", "ops-password");
    const args = await api(s, "POST", "/nodes/pve1/qemu", { vmid: 210, args: "-no-reboot" }, ops);
    expect([args.status, args.json?.message]).toEqual([500, "only root can set 'args' config\n"]);
    const hostpci = await api(s, "POST", "/nodes/pve1/qemu", { vmid: 210, hostpci0: "0000:01:00.0" }, ops);
    expect(hostpci.json?.message).toBe("only root can set 'hostpci0' config for non-mapped devices\n");
    const serial = await api(s, "POST", "/nodes/pve1/qemu", { vmid: 210, serial0: "/dev/ttyS0" }, ops);
    expect(serial.json?.message).toBe("only root can set 'serial0' config for real devices\n");
    const usb = await api(s, "POST", "/nodes/pve1/qemu", { vmid: 210, usb0: "host=1234:5678" }, ops);
    expect(usb.json?.message).toBe("only root can set 'usb0' config for real devices\n");
    // create_vm checks serial ports before USB and PCI devices
    const several = await api(s, "POST", "/nodes/pve1/qemu", { vmid: 210, hostpci0: "0000:01:00.0", usb0: "host=1234:5678", serial0: "/dev/ttyS0" }, ops);
    expect(several.json?.message).toBe("only root can set 'serial0' config for real devices\n");
    // root@pam's own token is not root@pam either; root@pam itself may
    const token = await api(s, "POST", "/nodes/pve1/qemu", { vmid: 211, args: "-no-reboot" });
    expect(token.json?.message).toBe("only root can set 'args' config\n");
    const root = await login(s, "root@pam", "rootpw-123");
    expect((await run(s, "POST", "/nodes/pve1/qemu", { vmid: 211, args: "-no-reboot" }, root)).status).toBe("OK");
  });

  it("checks the privilege of each key's category and Datastore.AllocateSpace", async () => {
    const s = sim();
    await createVm(s, 220);
    const auditor = await userWith(s, "cpuonly", "PVEAuditor", 220);
    await data(api(s, "POST", "/access/roles", { roleid: "CpuOnly", privs: "VM.Config.CPU" }));
    await data(api(s, "PUT", "/access/acl", { path: "/vms/220", roles: "CpuOnly", users: "cpuonly@pve" }));
    const memory = await api(s, "PUT", "/nodes/pve1/qemu/220/config", { memory: 1024 }, auditor);
    expect([memory.status, memory.reason]).toEqual([403, "Permission check failed (/vms/220, VM.Config.Memory)"]);
    expect((await api(s, "PUT", "/nodes/pve1/qemu/220/config", { cores: 2 }, auditor)).status).toBe(200);
    const startup = await api(s, "PUT", "/nodes/pve1/qemu/220/config", { startup: "order=1" }, auditor);
    expect(startup.reason).toBe("Permission check failed (/vms/220, VM.Config.Options)");
  });
});

describe("config", () => {
  it("applies everything at once on a stopped VM, with digest, delete, and a warning for unset keys", async () => {
    const s = sim();
    await createVm(s, 300, { cores: 1, name: "a" });
    const { digest } = (await config(s, 300)) as { digest: string };
    await data(api(s, "PUT", "/nodes/pve1/qemu/300/config", { cores: 2, delete: "name", digest }));
    const after = await config(s, 300);
    expect(after.cores).toBe(2);
    expect(after).not.toHaveProperty("name");
    expect(after.digest).not.toBe(digest);
    const stale = await api(s, "PUT", "/nodes/pve1/qemu/300/config", { cores: 3, digest });
    expect([stale.status, stale.json?.message]).toEqual([500, "checksum mismatch (file change by other user?)\n"]);
    expect(await pending(s, 300)).not.toContainEqual(expect.objectContaining({ pending: expect.anything() }));
    const warned = await run(s, "POST", "/nodes/pve1/qemu/300/config", { delete: "description" });
    expect(warned.status).toBe("OK");
    expect(warned.log).toContain("cannot delete 'description' - not set in current configuration!");
    expect(warned.log[0]).toBe("update VM 300: -delete description");
  });

  it("refuses what $update_vm_api refuses before locking", async () => {
    const s = sim();
    await createVm(s, 301);
    const none = await api(s, "PUT", "/nodes/pve1/qemu/301/config", {});
    expect([none.status, none.json?.message]).toEqual([500, "no options specified\n"]);
    const both = await api(s, "PUT", "/nodes/pve1/qemu/301/config", { cores: 2, delete: "cores" });
    expect(both.json?.errors).toEqual({ delete: "you can't use '-cores' and -delete cores' at the same time" });
    const unknown = await api(s, "PUT", "/nodes/pve1/qemu/301/config", { delete: "net40" });
    expect(unknown.json?.errors).toEqual({ delete: "unknown option 'net40'" });
    const revertBoth = await api(s, "PUT", "/nodes/pve1/qemu/301/config", { delete: "cores", revert: "cores" });
    expect(revertBoth.json?.errors).toEqual({ revert: "you can't use '-delete cores' and -revert cores' at the same time" });
    const token = await api(s, "PUT", "/nodes/pve1/qemu/301/config", { cores: 2, skiplock: 1 });
    expect([token.status, token.json?.errors]).toEqual([400, { skiplock: "Only root may use this option." }]);
    const missing = await api(s, "PUT", "/nodes/pve1/qemu/999/config", { cores: 2 });
    expect([missing.status, missing.reason]).toEqual([500, "Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist"]);
    const wrongNode = await api(s, "PUT", "/nodes/pve2/qemu/301/config", { cores: 2 });
    expect(wrongNode.reason).toBe("Configuration file 'nodes/pve2/qemu-server/301.conf' does not exist");
    const balloon = await api(s, "PUT", "/nodes/pve1/qemu/301/config", { balloon: 4096, memory: 1024 });
    expect(balloon.json?.message).toBe("balloon value too large (must be smaller than assigned memory)\n");
  });

  it("keeps non-hot-pluggable changes pending on a running VM and applies the rest live", async () => {
    const s = sim();
    await createVm(s, 310, { cores: 1, memory: 1024, scsi0: "local-lvm:1", net0: "virtio,bridge=vmbr0", name: "old", ostype: "l26" });
    await start(s, 310);
    const upd = await run(s, "POST", "/nodes/pve1/qemu/310/config", {
      cores: 2,
      memory: 2048,
      name: "new",
      net1: "virtio,bridge=vmbr1",
      scsi1: "local-lvm:1",
      ide0: "local-lvm:1",
      cpuunits: 200,
      tags: "X",
    });
    expect(upd.status).toBe("OK");
    const conf = await config(s, 310, { current: 1 });
    expect(conf).toMatchObject({ name: "new", cpuunits: 200, tags: "x" });
    expect(conf.net1).toMatch(/^virtio=/);
    expect(conf.scsi1).toBe("local-lvm:vm-310-disk-2,size=1G"); // new disks are allocated in key order: ide0 first
    expect(conf.cores).toBe(1);
    const items = await pending(s, 310);
    expect(items).toContainEqual({ key: "cores", value: 1, pending: 2 });
    expect(items).toContainEqual({ key: "memory", value: "1024", pending: "2048" });
    expect(items).toContainEqual({ key: "ide0", pending: "local-lvm:vm-310-disk-1,size=1G" });
    expect((await config(s, 310)).cores).toBe(2); // GET config merges pending unless current=1
  });

  it("follows the hotplug setting: hotplug=0 keeps NICs pending, memory needs the memory feature", async () => {
    const s = sim();
    await createVm(s, 311, { hotplug: "0", memory: 2048 });
    await start(s, 311);
    await run(s, "POST", "/nodes/pve1/qemu/311/config", { net0: "virtio,bridge=vmbr0" });
    expect(await pending(s, 311)).toContainEqual(expect.objectContaining({ key: "net0", pending: expect.stringMatching(/^virtio=/) }));
    await createVm(s, 312, { hotplug: "network,disk,memory", memory: 2048, numa: 1 });
    await start(s, 312);
    await run(s, "POST", "/nodes/pve1/qemu/312/config", { memory: 4096 });
    expect((await config(s, 312, { current: 1 })).memory).toBe("4096");
    const low = await run(s, "POST", "/nodes/pve1/qemu/312/config", { memory: 512 });
    // fork_worker chomps the error once and turns every other newline into a space: the field's
    // message ends with die's newline, so the status ends with a space (RESTEnvironment.pm).
    expect(low.status).toBe(
      "400 Parameter verification failed. memory: hotplug problem - memory can't be lower than 1024 MB at /usr/share/perl5/PVE/QemuServer/Memory.pm line 219. ",
    );
    expect(await pending(s, 312)).toContainEqual({ key: "memory", value: "4096", pending: "512" });
  });

  it("turns a deleted disk of a running VM into unusedN, and refuses to unplug the boot disk", async () => {
    const s = sim();
    await createVm(s, 313, { scsi0: "local-lvm:1", scsi1: "local-lvm:1" });
    await start(s, 313);
    const gone = await run(s, "POST", "/nodes/pve1/qemu/313/config", { delete: "scsi1" });
    expect(gone.status).toBe("OK");
    const conf = await config(s, 313);
    expect(conf).not.toHaveProperty("scsi1");
    expect(conf.unused0).toBe("local-lvm:vm-313-disk-1");
    const boot = await api(s, "PUT", "/nodes/pve1/qemu/313/config", { delete: "scsi0" });
    // the die message keeps its newline inside the parameter error, as qemu-server's $add_error does
    expect([boot.status, boot.json?.errors]).toEqual([400, { scsi0: "hotplug problem - can't unplug bootdisk 'scsi0'\n" }]);
    expect(await pending(s, 313)).toContainEqual(expect.objectContaining({ key: "scsi0", delete: 1 }));
    await data(api(s, "PUT", "/nodes/pve1/qemu/313/config", { revert: "scsi0" }));
    expect(await pending(s, 313)).toContainEqual({ key: "scsi0", value: "local-lvm:vm-313-disk-0,size=1G" });
  });

  it("cannot swap the volume of a running VM's SATA disk: vm_deviceunplug refuses, nothing becomes unusedN", async () => {
    const s = sim();
    await createVm(s, 314, { scsi0: "local-lvm:1", sata0: "local-lvm:1" });
    await start(s, 314);
    const swap = await api(s, "PUT", "/nodes/pve1/qemu/314/config", { sata0: "local-lvm:2" });
    expect([swap.status, swap.json?.errors]).toEqual([400, { sata0: "hotplug problem - can't unplug device 'sata0'\n" }]);
    const current = await config(s, 314, { current: 1 });
    expect(current.sata0).toBe("local-lvm:vm-314-disk-0,size=1G"); // create_disks allocates in key order
    expect(current).not.toHaveProperty("unused0");
    expect(await pending(s, 314)).toContainEqual({ key: "sata0", value: "local-lvm:vm-314-disk-0,size=1G", pending: "local-lvm:vm-314-disk-2,size=2G" });
  });

  it("hashes cipassword at once, masks it on read, and reports cloud-init changes of a running VM", async () => {
    const s = sim();
    await createVm(s, 320, { ide2: "local-lvm:cloudinit", ciuser: "admin", cipassword: "first-secret" });
    const conf = await config(s, 320);
    expect(conf.cipassword).toBe("**********");
    expect(JSON.stringify(await pending(s, 320))).not.toContain("first-secret");
    await start(s, 320);
    await run(s, "POST", "/nodes/pve1/qemu/320/config", {
      ciuser: "bob",
      cipassword: "second-secret",
      sshkeys: encodeURIComponent("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTheSimulatorTests user@host"),
    });
    const ci = await data<unknown[]>(api(s, "GET", "/nodes/pve1/qemu/320/cloudinit"));
    expect(ci).toEqual(
      expect.arrayContaining([
        { key: "sshkeys", pending: expect.stringContaining("ssh-ed25519") },
        { key: "cipassword", value: "**********" }, // written straight to the config, so never recorded
        { key: "ciuser", value: "admin", pending: "bob" },
      ]),
    );
    expect(await data(api(s, "PUT", "/nodes/pve1/qemu/320/cloudinit"))).toBeNull();
    const regenerated = await data<{ key: string; pending?: unknown }[]>(api(s, "GET", "/nodes/pve1/qemu/320/cloudinit"));
    expect(regenerated.filter((item) => item.pending !== undefined)).toEqual([]);
    const badKey = await api(s, "PUT", "/nodes/pve1/qemu/320/config", { sshkeys: "not-a-key" });
    expect(badKey.json?.message).toBe("SSH public key validation error\n");
  });

  it("answers a POST with background_delay with null once the task is done", async () => {
    const s = sim();
    await createVm(s, 330);
    expect(await data(api(s, "POST", "/nodes/pve1/qemu/330/config", { cores: 2, background_delay: 5 }))).toBeNull();
    const failed = await api(s, "POST", "/nodes/pve1/qemu/330/config", { boot: "order=scsi7", background_delay: 5 });
    expect([failed.status, failed.json?.message]).toEqual([500, "failed to update VM 330: invalid bootorder: device 'scsi7' does not exist'\n"]);
  });

  it("normalises drives and NICs and keeps a generated MAC across updates", async () => {
    const s = sim();
    await createVm(s, 340, { net0: "e1000,bridge=vmbr0" });
    const mac = String((await config(s, 340)).net0).split(",")[0];
    await data(api(s, "PUT", "/nodes/pve1/qemu/340/config", { net0: `${mac},bridge=vmbr1,tag=5` }));
    expect((await config(s, 340)).net0).toBe(`${mac},bridge=vmbr1,tag=5`);
    await data(api(s, "PUT", "/nodes/pve1/qemu/340/config", { scsi0: "local-lvm:0.25,iothread=on,cache=writeback" }));
    expect((await config(s, 340)).scsi0).toBe("local-lvm:vm-340-disk-0,cache=writeback,iothread=1,size=256M");
  });

  it("drops the unusedN a drive uses again: a disk option change on a stopped VM, a re-attached unused disk", async () => {
    const s = sim();
    await createVm(s, 350, { scsi0: "local-lvm:1", scsi1: "local-lvm:1" });
    // vmconfig_apply_pending parks the old drive as unusedN; write_vm_config drops it again
    await data(api(s, "PUT", "/nodes/pve1/qemu/350/config", { scsi0: "local-lvm:vm-350-disk-0,cache=writeback" }));
    const changed = await config(s, 350);
    expect(changed.scsi0).toBe("local-lvm:vm-350-disk-0,cache=writeback,size=1G");
    expect(Object.keys(changed).filter((key) => key.startsWith("unused"))).toEqual([]);
    await data(api(s, "PUT", "/nodes/pve1/qemu/350/config", { delete: "scsi1" }));
    expect((await config(s, 350)).unused0).toBe("local-lvm:vm-350-disk-1");
    await data(api(s, "PUT", "/nodes/pve1/qemu/350/config", { scsi2: "local-lvm:vm-350-disk-1" }));
    const reattached = await config(s, 350);
    expect(reattached.scsi2).toBe("local-lvm:vm-350-disk-1,size=1G");
    expect(reattached).not.toHaveProperty("unused0");
  });
});
