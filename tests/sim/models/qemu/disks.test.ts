/** qemu-server clone, template, resize, move_disk and migrate through HTTPS. */
import { describe, expect, it } from "vitest";
import type { Simulator } from "../../index";
import { api, createVm, data, finish, run, useGuestSimulator } from "../../testkit/guests";

/** Clones of VM 610 take long enough to be watched. */
const sim = useGuestSimulator({ taskDuration: (t) => (t.type === "qmclone" && t.id === "610" ? 1500 : undefined) });

const config = (s: Simulator, vmid: number, node = "pve1"): Promise<Record<string, string | number>> =>
  data(api(s, "GET", `/nodes/${node}/qemu/${vmid}/config`));
const volumes = async (s: Simulator, storage: string, vmid: number, node = "pve1"): Promise<string[]> =>
  (await data<{ volid: string }[]>(api(s, "GET", `/nodes/${node}/storage/${storage}/content`, { vmid }))).map((v) => v.volid);

describe("template and clone", () => {
  it("converts to a template with base images and refuses what template refuses", async () => {
    const s = sim();
    await createVm(s, 600, { scsi0: "local-lvm:2", ide2: "local-lvm:cloudinit", name: "tmpl" });
    const done = await run(s, "POST", "/nodes/pve1/qemu/600/template");
    expect(done.upid).toMatch(/:qmtemplate:600:/);
    const conf = await config(s, 600);
    expect(conf).toMatchObject({ template: 1, scsi0: "local-lvm:base-600-disk-0,size=2G", ide2: "local-lvm:vm-600-cloudinit,media=cdrom" });
    const again = await api(s, "POST", "/nodes/pve1/qemu/600/template");
    expect([again.status, again.json?.message]).toEqual([500, "you can't convert a template to a template\n"]);
    await createVm(s, 601);
    await run(s, "POST", "/nodes/pve1/qemu/601/status/start");
    expect((await api(s, "POST", "/nodes/pve1/qemu/601/template")).json?.message).toBe("you can't convert a VM to template if VM is running\n");
  });

  it("makes linked clones of a template by default and full clones on request", async () => {
    const s = sim();
    await createVm(s, 602, { scsi0: "local-lvm:2", net0: "virtio,bridge=vmbr0", name: "base", template: 1, tags: "gold" });
    const linked = await run(s, "POST", "/nodes/pve1/qemu/602/clone", { newid: 603, name: "web1" });
    expect(linked.upid).toMatch(/:qmclone:602:/);
    expect(linked.log).toEqual(["creating a clone of VM 602 with ID 603", "create linked clone of drive scsi0 (local-lvm:base-602-disk-0)", "TASK OK"]);
    const src = await config(s, 602);
    const clone = await config(s, 603);
    expect(clone).toMatchObject({ name: "web1", scsi0: "local-lvm:vm-603-disk-0,size=2G", tags: "gold" });
    expect(clone).not.toHaveProperty("template");
    expect(clone.net0).not.toBe(src.net0); // always a new MAC
    expect(clone.smbios1).not.toBe(src.smbios1);
    const full = await run(s, "POST", "/nodes/pve1/qemu/602/clone", { newid: 604, full: 1 });
    expect(full.log).toContain("create full clone of drive scsi0 (local-lvm:base-602-disk-0)");
    expect(full.log).toContain("allocated target volume 'local-lvm:vm-604-disk-0'");
    expect((await config(s, 604)).name).toBe("Copy-of-VM-base");
    const linkedStorage = await api(s, "POST", "/nodes/pve1/qemu/602/clone", { newid: 605, storage: "local-lvm" });
    expect(linkedStorage.json?.message).toBe("parameter 'storage' not allowed for linked clones\n");
    const linkedFormat = await api(s, "POST", "/nodes/pve1/qemu/602/clone", { newid: 605, format: "qcow2" });
    expect(linkedFormat.json?.message).toBe("parameter 'format' not allowed for linked clones\n");
    const fromVm = await api(s, "POST", "/nodes/pve1/qemu/603/clone", { newid: 605, full: 0 });
    expect(fromVm.json?.message).toBe("Linked clone feature is not supported for 'local-lvm:vm-603-disk-0' (scsi0)\n");
    const snap = await api(s, "POST", "/nodes/pve1/qemu/602/clone", { newid: 605, snapname: "nope" });
    expect(snap.json?.message).toBe("snapshot 'nope' does not exist\n");
    const remote = await api(s, "POST", "/nodes/pve1/qemu/602/clone", { newid: 605, target: "pve2" });
    expect(remote.json?.message).toBe("can't clone VM to node 'pve2' (VM uses local storage)\n");
    const destroyBase = await run(s, "DELETE", "/nodes/pve1/qemu/602");
    expect(destroyBase.status).toBe("OK"); // LVM-thin lets a base go while clones use it
  });

  it("writes lock: clone for the new VM inside the worker; the id taken here is refused at once, on another node in the task", async () => {
    const s = sim();
    await createVm(s, 610, { scsi0: "local-lvm:1", template: 1 });
    const first = await api(s, "POST", "/nodes/pve1/qemu/610/clone", { newid: 611 });
    for (let i = 0; i < 100 && (await api(s, "GET", "/nodes/pve1/qemu/611/config")).status !== 200; i++) await new Promise((r) => setTimeout(r, 20));
    // file_set_contents writes "# qmclone temporary file\nlock: clone\n": the comment reads back as the description
    expect(await config(s, 611)).toEqual({ description: " qmclone temporary file", lock: "clone", digest: expect.any(String) });
    const same = await api(s, "POST", "/nodes/pve1/qemu/610/clone", { newid: 611 });
    expect([same.status, same.json?.message]).toEqual([500, "unable to create VM 611: config file already exists\n"]);
    expect((await finish(s, String(first.json?.data))).status).toBe("OK");
    await createVm(s, 612, {}, "pve2");
    const elsewhere = await api(s, "POST", "/nodes/pve1/qemu/610/clone", { newid: 612 });
    expect(elsewhere.status).toBe(200);
    expect((await finish(s, String(elsewhere.json?.data))).status).toBe(
      "close (rename) atomic file '/etc/pve/nodes/pve1/qemu-server/612.conf' failed: File exists",
    );
    expect(await volumes(s, "local-lvm", 612)).toEqual([]);
    expect((await config(s, 612, "pve2")).lock).toBeUndefined();
  });

  it("allocates a fully cloned EFI disk with the OVMF vars size, not the source volume's", async () => {
    const s = sim();
    await data(api(s, "POST", "/storage", { storage: "dir1", type: "dir", path: "/mnt/dir1", content: "images" }));
    await createVm(s, 615, { efidisk0: "local-lvm:1,efitype=4m" });
    expect((await config(s, 615)).efidisk0).toBe("local-lvm:vm-615-disk-0,efitype=4m,size=4M"); // LVM extents
    expect((await run(s, "POST", "/nodes/pve1/qemu/615/clone", { newid: 616, storage: "dir1" })).status).toBe("OK");
    expect((await config(s, 616)).efidisk0).toBe("dir1:616/vm-616-disk-0.raw,efitype=4m,size=528K");
  });

  it("clones to another node when every disk is on shared storage", async () => {
    const s = sim();
    await data(
      api(s, "POST", "/storage", { storage: "shared-nfs", type: "nfs", server: "10.0.0.9", export: "/export", content: "images", path: "/mnt/pve/shared-nfs" }),
    );
    await createVm(s, 620, { scsi0: "shared-nfs:1,format=qcow2", template: 1 });
    expect((await config(s, 620)).scsi0).toBe("shared-nfs:620/base-620-disk-0.qcow2,size=1G");
    const done = await run(s, "POST", "/nodes/pve1/qemu/620/clone", { newid: 621, target: "pve3" });
    expect(done.status).toBe("OK");
    expect((await config(s, 621, "pve3")).scsi0).toBe("shared-nfs:620/base-620-disk-0.qcow2/621/vm-621-disk-0.qcow2,size=1G");
    const content = await data<{ volid: string; parent?: string }[]>(api(s, "GET", "/nodes/pve2/storage/shared-nfs/content", { vmid: 621 }));
    expect(content).toEqual([
      expect.objectContaining({ volid: "shared-nfs:620/base-620-disk-0.qcow2/621/vm-621-disk-0.qcow2", parent: "620/base-620-disk-0.qcow2" }),
    ]);
    const base = await run(s, "DELETE", "/nodes/pve1/qemu/620");
    expect(base.status).toBe("base volume 'shared-nfs:620/base-620-disk-0.qcow2' is still in use by linked cloned");
  });
});

describe("resize", () => {
  it("grows with +N and absolute sizes, refuses shrinking in the task, and ignores the same size", async () => {
    const s = sim();
    await createVm(s, 630, { scsi0: "local-lvm:2" });
    expect((await run(s, "PUT", "/nodes/pve1/qemu/630/resize", { disk: "scsi0", size: "+1G" })).status).toBe("OK");
    expect((await config(s, 630)).scsi0).toBe("local-lvm:vm-630-disk-0,size=3G");
    expect((await run(s, "PUT", "/nodes/pve1/qemu/630/resize", { disk: "scsi0", size: "5G" })).status).toBe("OK");
    expect((await config(s, 630)).scsi0).toBe("local-lvm:vm-630-disk-0,size=5G");
    const shrink = await run(s, "PUT", "/nodes/pve1/qemu/630/resize", { disk: "scsi0", size: "4G" });
    expect(shrink.upid).toMatch(/:resize:630:/);
    expect(shrink.status).toBe("shrinking disks is not supported");
    const { digest } = (await config(s, 630)) as { digest: string };
    expect((await run(s, "PUT", "/nodes/pve1/qemu/630/resize", { disk: "scsi0", size: "5G", digest })).status).toBe("OK");
    expect((await config(s, 630)).digest).toBe(digest);
    expect((await run(s, "PUT", "/nodes/pve1/qemu/630/resize", { disk: "scsi1", size: "+1G" })).status).toBe("disk 'scsi1' does not exist");
    const bad = await api(s, "PUT", "/nodes/pve1/qemu/630/resize", { disk: "scsi0", size: "-1G" });
    expect([bad.status, bad.json?.errors]).toEqual([400, { size: "value does not match the regex pattern" }]);
    const after = await data<{ size: number }[]>(api(s, "GET", "/nodes/pve1/storage/local-lvm/content", { vmid: 630 }));
    expect(after[0]?.size).toBe(5 * 1024 ** 3);
  });

  it("parses the volume before the CD-ROM check: an empty drive is no volume ID, a cloud-init drive is a CD-ROM", async () => {
    const s = sim();
    await createVm(s, 631, { ide2: "none,media=cdrom", ide3: "local-lvm:cloudinit" });
    expect((await run(s, "PUT", "/nodes/pve1/qemu/631/resize", { disk: "ide2", size: "+1G" })).status).toBe("unable to parse volume ID 'none'");
    expect((await run(s, "PUT", "/nodes/pve1/qemu/631/resize", { disk: "ide3", size: "+1G" })).status).toBe("you can't resize a cdrom");
  });
});

describe("move_disk", () => {
  it("keeps the source as unusedN without delete=1 and removes it with delete=1", async () => {
    const s = sim();
    await data(api(s, "PUT", "/storage/local", { content: "images,iso,backup,vztmpl" }));
    await createVm(s, 640, { scsi0: "local-lvm:1", scsi1: "local-lvm:1" });
    const kept = await run(s, "POST", "/nodes/pve1/qemu/640/move_disk", { disk: "scsi0", storage: "local", format: "qcow2" });
    expect(kept.upid).toMatch(/:qmmove:640:/);
    expect(kept.log).toContain("adding source volume 'local-lvm:vm-640-disk-0' as 'unused0' to config");
    expect(await config(s, 640)).toMatchObject({ scsi0: "local:640/vm-640-disk-0.qcow2,size=1G", unused0: "local-lvm:vm-640-disk-0" });
    const moved = await run(s, "POST", "/nodes/pve1/qemu/640/move_disk", { disk: "scsi1", storage: "local", delete: 1 });
    expect(moved.log).toContain("removing source volume 'local-lvm:vm-640-disk-1' after successful copy");
    const conf = await config(s, 640);
    expect(conf.scsi1).toBe("local:640/vm-640-disk-1.raw,size=1G");
    expect(conf).not.toHaveProperty("unused1");
    expect(await volumes(s, "local-lvm", 640)).toEqual(["local-lvm:vm-640-disk-0"]);
    const same = await api(s, "POST", "/nodes/pve1/qemu/640/move_disk", { disk: "scsi1", storage: "local" });
    expect(same.json?.message).toBe("you can't move to the same storage with same format\n");
    const neither = await api(s, "POST", "/nodes/pve1/qemu/640/move_disk", { disk: "scsi1" });
    expect(neither.json?.errors).toEqual({
      "target-vmid": "both 'storage' and 'target-vmid' missing, either needs to be set",
      storage: "both 'storage' and 'target-vmid' missing, either needs to be set",
    });
    const stale = await api(s, "POST", "/nodes/pve1/qemu/640/move_disk", { disk: "scsi1", storage: "local-lvm", digest: "0".repeat(40) });
    expect(stale.json?.message).toBe("detected modified configuration - file changed by other user? Try again.\n");
  });

  it("reassigns a disk to another stopped VM on the same node without copying it", async () => {
    const s = sim();
    await createVm(s, 641, { scsi0: "local-lvm:1", scsi1: "local-lvm:2" });
    await createVm(s, 642);
    const done = await run(s, "POST", "/nodes/pve1/qemu/641/move_disk", { disk: "scsi1", "target-vmid": 642, "target-disk": "scsi3" });
    expect(done.upid).toMatch(/:qmmove:641-scsi1>642-scsi3:/);
    expect(await config(s, 641)).not.toHaveProperty("scsi1");
    expect((await config(s, 642)).scsi3).toBe("local-lvm:vm-642-disk-0,size=2G");
    expect(await volumes(s, "local-lvm", 641)).toEqual(["local-lvm:vm-641-disk-0"]);
  });

  it("takes a reassigned disk out of the source's boot order, also from a legacy boot setting", async () => {
    const s = sim();
    await createVm(s, 643, { scsi0: "local-lvm:1", ide2: "none,media=cdrom", net0: "virtio,bridge=vmbr0" });
    await createVm(s, 644);
    const done = await run(s, "POST", "/nodes/pve1/qemu/643/move_disk", { disk: "scsi0", "target-vmid": 644 });
    expect(done.log).toContain("removing disk 'scsi0' from boot order config");
    expect((await config(s, 643)).boot).toBe("order=ide2;net0");
    await createVm(s, 645, {
      scsi0: "local-lvm:1",
      scsi1: "local-lvm:1",
      ide2: "none,media=cdrom",
      net0: "virtio,bridge=vmbr0",
      boot: "cdn",
      bootdisk: "scsi1",
    });
    await run(s, "POST", "/nodes/pve1/qemu/645/move_disk", { disk: "scsi1", "target-vmid": 644 });
    expect((await config(s, 645)).boot).toBe("order=ide2;net0");
    await run(s, "POST", "/nodes/pve1/qemu/645/move_disk", { disk: "scsi0", "target-vmid": 644, "target-disk": "scsi5" });
    expect((await config(s, 645)).boot).toBe("order=ide2;net0"); // not in the order: left alone
  });
});

describe("migrate", () => {
  it("reports the preconditions, migrates a stopped VM with its local disks and refuses a running one without online", async () => {
    const s = sim();
    await createVm(s, 650, { scsi0: "local-lvm:1" });
    expect(await data(api(s, "GET", "/nodes/pve1/qemu/650/migrate"))).toEqual({
      running: 0,
      allowed_nodes: ["pve2", "pve3"],
      not_allowed_nodes: {},
      local_resources: [],
      "mapped-resources": [],
      "mapped-resource-info": {},
      "has-dbus-vmstate": 1,
      local_disks: [{ volid: "local-lvm:vm-650-disk-0", size: 1024 ** 3, cdrom: 0, is_unused: 0 }],
    });
    const moved = await run(s, "POST", "/nodes/pve1/qemu/650/migrate", { target: "pve2" });
    expect(moved.upid).toMatch(/:qmigrate:650:/);
    expect(moved.log.some((l) => /starting migration of VM 650 to node 'pve2'/.test(l))).toBe(true);
    expect(moved.log.some((l) => /migration finished successfully/.test(l))).toBe(true);
    expect((await api(s, "GET", "/nodes/pve1/qemu/650/config")).status).toBe(500);
    expect((await config(s, 650, "pve2")).scsi0).toBe("local-lvm:vm-650-disk-0,size=1G");
    expect(await volumes(s, "local-lvm", 650, "pve2")).toEqual(["local-lvm:vm-650-disk-0"]);
    expect(await volumes(s, "local-lvm", 650, "pve1")).toEqual([]);
    await run(s, "POST", "/nodes/pve2/qemu/650/status/start");
    const offline = await api(s, "POST", "/nodes/pve2/qemu/650/migrate", { target: "pve3" });
    expect([offline.status, offline.json?.message]).toEqual([500, "can't migrate running VM without --online\n"]);
    const local = await run(s, "POST", "/nodes/pve2/qemu/650/migrate", { target: "pve3", online: 1 });
    expect(local.status).toBe("migration aborted");
    expect(
      local.log.some((l) =>
        l.endsWith("can't migrate local disk 'local-lvm:vm-650-disk-0': can't live migrate attached local disks without with-local-disks option"),
      ),
    ).toBe(true);
    expect(
      local.log.some((l) => l.endsWith("ERROR: migration aborted (duration 00:00:00): Problem found while scanning volumes - can't migrate VM - check log")),
    ).toBe(true);
    expect((await config(s, 650, "pve2")).lock).toBeUndefined();
    const online = await run(s, "POST", "/nodes/pve2/qemu/650/migrate", { target: "pve3", online: 1, "with-local-disks": 1 });
    expect(online.status).toBe("OK");
    expect(await data(api(s, "GET", "/nodes/pve3/qemu/650/status/current"))).toMatchObject({ status: "running" });
    const self = await api(s, "POST", "/nodes/pve3/qemu/650/migrate", { target: "pve3" });
    expect(self.json?.errors).toEqual({ target: "target is local node." });
  });

  it("scans local volumes as scan_local_volumes does: a physical CD-ROM or a linked clone aborts, cloud-init moves as generated", async () => {
    const s = sim();
    const tail = (log: string[]): string[] => log.map((line) => line.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d /, ""));
    await createVm(s, 655, { scsi0: "local-lvm:1", ide2: "cdrom,media=cdrom" });
    const cdrom = await run(s, "POST", "/nodes/pve1/qemu/655/migrate", { target: "pve2" });
    expect(cdrom.status).toBe("migration aborted");
    expect(tail(cdrom.log)).toEqual(
      expect.arrayContaining([
        "found local disk 'local-lvm:vm-655-disk-0' (attached)",
        "can't migrate local cdrom drive",
        "ERROR: Problem found while scanning volumes - can't migrate VM - check log",
        "aborting phase 1 - cleanup resources",
      ]),
    );
    expect((await config(s, 655)).lock).toBeUndefined();
    await createVm(s, 656, { scsi0: "local-lvm:1", ide3: "local-lvm:cloudinit" });
    const ci = await run(s, "POST", "/nodes/pve1/qemu/656/migrate", { target: "pve2" });
    expect(ci.status).toBe("OK");
    expect(tail(ci.log)).toEqual(
      expect.arrayContaining(["found generated disk 'local-lvm:vm-656-cloudinit' (in current VM config)", "copying local disk images"]),
    );
    expect(await volumes(s, "local-lvm", 656, "pve2")).toEqual(["local-lvm:vm-656-cloudinit", "local-lvm:vm-656-disk-0"]);
    await data(api(s, "POST", "/storage", { storage: "dir2", type: "dir", path: "/mnt/dir2", content: "images" }));
    await createVm(s, 657, { scsi0: "dir2:1,format=qcow2", template: 1 });
    expect((await run(s, "POST", "/nodes/pve1/qemu/657/clone", { newid: 658 })).status).toBe("OK");
    const linked = await run(s, "POST", "/nodes/pve1/qemu/658/migrate", { target: "pve2" });
    expect(linked.status).toBe("migration aborted");
    expect(tail(linked.log)).toContain(
      "ERROR: Problem found while scanning volumes - can't migrate 'dir2:657/base-657-disk-0.qcow2/658/vm-658-disk-0.qcow2' as it's a clone of 'base-657-disk-0.qcow2' at /usr/share/perl5/PVE/QemuMigrate.pm line 586.",
    );
  });

  it("only queues the migration of an HA-managed VM; /cluster/resources shows it on the target later", async () => {
    const s = sim();
    await createVm(s, 660, { scsi0: "local-lvm:1" });
    await data(api(s, "POST", "/cluster/ha/resources", { sid: "660", state: "stopped" }));
    const queued = await run(s, "POST", "/nodes/pve1/qemu/660/migrate", { target: "pve2" });
    expect(queued.upid).toMatch(/:hamigrate:660:/);
    expect(queued.log).toEqual(["Requesting HA migration for VM 660 to node pve2", "TASK OK"]);
    const where = async (): Promise<unknown> =>
      (await data<{ vmid?: number; node?: string }[]>(api(s, "GET", "/cluster/resources", { type: "vm" }))).find((r) => r.vmid === 660)?.node;
    for (let i = 0; i < 100 && (await where()) !== "pve2"; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await where()).toBe("pve2");
  });
});
