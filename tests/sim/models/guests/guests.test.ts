/** The shared guest pieces through HTTPS: VMIDs, /cluster/resources, volumes on storages and their content. */
import { describe, expect, it } from "vitest";
import { api, createVm, data, run, useGuestSimulator } from "../../testkit/guests";
import { login } from "../../testkit/raw";

const sim = useGuestSimulator();

describe("VMIDs", () => {
  it("nextid skips used ids, reserves nothing, and honours datacenter next-id", async () => {
    const s = sim();
    const first = await data<string>(api(s, "GET", "/cluster/nextid"));
    expect(first).toBe("100");
    expect(await data<string>(api(s, "GET", "/cluster/nextid"))).toBe("100"); // nothing reserved
    await createVm(s, 100);
    expect(await data<string>(api(s, "GET", "/cluster/nextid"))).toBe("101");
    const taken = await api(s, "GET", "/cluster/nextid", { vmid: 100 });
    expect([taken.status, taken.json?.errors]).toEqual([400, { vmid: "VM 100 already exists" }]);
    expect(await data<string>(api(s, "GET", "/cluster/nextid", { vmid: 4242 }))).toBe("4242");
    await data(api(s, "PUT", "/cluster/options", { "next-id": "lower=5000,upper=5002" }));
    expect(await data<string>(api(s, "GET", "/cluster/nextid"))).toBe("5000");
    await createVm(s, 5000);
    await createVm(s, 5001);
    const full = await api(s, "GET", "/cluster/nextid");
    expect([full.status, full.json?.message]).toEqual([500, "unable to get any free VMID in range [5000, 5002]\n"]);
    await data(api(s, "PUT", "/cluster/options", { delete: "next-id" }));
  });

  it("refuses an id another node holds with check_vmid_unused's words", async () => {
    const s = sim();
    await createVm(s, 110, {}, "pve2");
    const r = await api(s, "POST", "/nodes/pve1/qemu", { vmid: 110 });
    expect([r.status, r.json?.message]).toEqual([500, "unable to create VM 110 - VM 110 already exists on node 'pve2'\n"]);
  });
});

describe("/cluster/resources", () => {
  it("lists pools, guests (sorted as strings), nodes, storages per node and the local network zone", async () => {
    const s = sim();
    await data(api(s, "POST", "/pools", { poolid: "rpool" }));
    await createVm(s, 1000, { name: "big", memory: 1024, cores: 2, scsi0: "local-lvm:1", pool: "rpool", tags: "b;a" });
    await createVm(s, 999, { name: "small" });
    const all = await data<Record<string, unknown>[]>(api(s, "GET", "/cluster/resources"));
    expect(all[0]).toEqual({ id: "/pool/rpool", pool: "rpool", type: "pool" });
    const guests = all.filter((r) => r.type === "qemu").map((r) => r.vmid);
    expect(guests.indexOf(1000)).toBeLessThan(guests.indexOf(999)); // "1000" sorts before "999"
    expect(all.find((r) => r.vmid === 1000)).toMatchObject({
      id: "qemu/1000",
      node: "pve1",
      status: "stopped",
      name: "big",
      template: 0,
      maxcpu: 2,
      maxmem: 1024 * 1024 ** 2,
      maxdisk: 1024 ** 3,
      pool: "rpool",
      tags: "a;b",
      uptime: 0,
    });
    expect(all.filter((r) => r.type === "storage").map((r) => r.id)).toEqual([
      "storage/pve1/local",
      "storage/pve2/local",
      "storage/pve3/local",
      "storage/pve1/local-lvm",
      "storage/pve2/local-lvm",
      "storage/pve3/local-lvm",
    ]);
    expect(all.filter((r) => r.type === "network")).toHaveLength(3);
    const vms = await data<Record<string, unknown>[]>(api(s, "GET", "/cluster/resources", { type: "vm" }));
    expect(new Set(vms.map((r) => r.type))).toEqual(new Set(["qemu"]));
    const nodes = await data<Record<string, unknown>[]>(api(s, "GET", "/cluster/resources", { type: "node" }));
    expect(nodes.map((r) => r.id)).toEqual(["node/pve1", "node/pve2", "node/pve3"]);
    const bad = await api(s, "GET", "/cluster/resources", { type: "pool" });
    expect(bad.status).toBe(400);
  });

  it("shows a user only what it may audit", async () => {
    const s = sim();
    await createVm(s, 120);
    await createVm(s, 121);
    await data(api(s, "POST", "/access/users", { userid: "viewer@pve", password: "viewer-pw" }));
    await data(api(s, "PUT", "/access/acl", { path: "/vms/121", roles: "PVEAuditor", users: "viewer@pve" }));
    const viewer = await login(s, "viewer@pve", "viewer-pw");
    const seen = await data<Record<string, unknown>[]>(api(s, "GET", "/cluster/resources", {}, viewer));
    expect(seen.filter((r) => r.type === "qemu").map((r) => r.vmid)).toEqual([121]);
    expect(seen.filter((r) => r.type === "storage")).toEqual([]);
    expect(seen.find((r) => r.type === "node")).not.toHaveProperty("maxmem");
  });
});

describe("volumes and storage content", () => {
  it("allocates vm-<vmid>-disk-<n>, lists it as content and counts it in storage usage", async () => {
    const s = sim();
    const before = await data<{ used: number; avail: number }>(api(s, "GET", "/nodes/pve1/storage/local-lvm/status"));
    await createVm(s, 130, { scsi0: "local-lvm:2", scsi1: "local-lvm:0.5" });
    const content = await data<Record<string, unknown>[]>(api(s, "GET", "/nodes/pve1/storage/local-lvm/content", { vmid: 130 }));
    expect(content).toEqual([
      { volid: "local-lvm:vm-130-disk-0", format: "raw", size: 2 * 1024 ** 3, vmid: 130, ctime: expect.any(Number), content: "images" },
      { volid: "local-lvm:vm-130-disk-1", format: "raw", size: 512 * 1024 ** 2, vmid: 130, ctime: expect.any(Number), content: "images" },
    ]);
    const after = await data<{ used: number; avail: number }>(api(s, "GET", "/nodes/pve1/storage/local-lvm/status"));
    expect(after.used - before.used).toBe(2.5 * 1024 ** 3);
    expect(before.avail - after.avail).toBe(2.5 * 1024 ** 3);
    // local storage: another node's local-lvm is another pool
    expect(await data<unknown[]>(api(s, "GET", "/nodes/pve2/storage/local-lvm/content", { vmid: 130 }))).toEqual([]);
  });

  it("allocates through the content API, reports attributes and deletes in an imgdel task without looking at configs", async () => {
    const s = sim();
    const volid = await data<string>(api(s, "POST", "/nodes/pve1/storage/local-lvm/content", { vmid: 140, filename: "vm-140-disk-7", size: "1G" }));
    expect(volid).toBe("local-lvm:vm-140-disk-7");
    const bad = await api(s, "POST", "/nodes/pve1/storage/local-lvm/content", { vmid: 140, filename: "vm-141-disk-0", size: "1G" });
    expect([bad.status, bad.json?.message]).toEqual([500, "illegal name 'vm-141-disk-0' - should be 'vm-140-*'\n"]);
    const qcow = await api(s, "POST", "/nodes/pve1/storage/local-lvm/content", { vmid: 140, filename: "vm-140-disk-8.qcow2", size: "1G" });
    expect([qcow.status, qcow.json?.message]).toEqual([500, "unsupported format 'qcow2'\n"]);
    expect(await data(api(s, "GET", `/nodes/pve1/storage/local-lvm/content/${volid}`))).toEqual({
      path: "/dev/pve/vm-140-disk-7",
      size: 1024 ** 3,
      used: 0,
      format: "raw",
    });
    await createVm(s, 141, { scsi0: "local-lvm:1" });
    const gone = await run(s, "DELETE", "/nodes/pve1/storage/local-lvm/content/local-lvm:vm-141-disk-0");
    expect(gone.status).toBe("OK");
    expect(gone.upid).toMatch(/:imgdel:141@local-lvm:root@pam!test:$/);
    expect(gone.log).toContain("Removed volume 'local-lvm:vm-141-disk-0'");
    expect(await data<Record<string, string>>(api(s, "GET", "/nodes/pve1/qemu/141/config"))).toHaveProperty("scsi0", "local-lvm:vm-141-disk-0,size=1G");
  });

  it("refuses disks on a storage without images content and a storage that is not on the node", async () => {
    const s = sim();
    const r = await api(s, "POST", "/nodes/pve1/qemu", { vmid: 150, scsi0: "local:1" });
    expect([r.status, r.json?.errors]).toEqual([400, { storage: "storage 'local' does not support vm images" }]);
    const missing = await api(s, "POST", "/nodes/pve1/qemu", { vmid: 150, scsi0: "nope:1" });
    expect([missing.status, missing.json?.message]).toEqual([500, "storage 'nope' does not exist\n"]);
    await data(api(s, "POST", "/storage", { storage: "only3", type: "dir", path: "/srv/only3", content: "images", nodes: "pve3" }));
    const elsewhere = await run(s, "POST", "/nodes/pve1/qemu", { vmid: 150, scsi0: "only3:1" });
    expect(elsewhere.status).toBe("unable to create VM 150 - storage 'only3' is not available on node 'pve1'");
    expect(await data<unknown[]>(api(s, "GET", "/nodes/pve1/qemu"))).not.toContainEqual(expect.objectContaining({ vmid: 150 }));
    const onFile = await createVm(s, 151, { scsi0: "only3:1,format=qcow2" }, "pve3");
    expect(onFile.log).toContain("scsi0: successfully created disk 'only3:151/vm-151-disk-0.qcow2,size=1G'");
  });
});
