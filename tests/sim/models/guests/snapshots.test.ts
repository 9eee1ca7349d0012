/** Snapshots of containers and VMs through HTTPS: the tree with `current`, create/rollback/delete tasks, blockers, RAM state, clones from snapshots. */
import { describe, expect, it } from "vitest";
import type { Simulator } from "../../index";
import { api, createCt, createVm, data, run, useGuestSimulator } from "../../testkit/guests";
import { login } from "../../testkit/raw";

const sim = useGuestSimulator();

type Snap = Record<string, unknown> & { name: string };
const snapshots = (s: Simulator, type: "qemu" | "lxc", vmid: number): Promise<Snap[]> => data(api(s, "GET", `/nodes/pve1/${type}/${vmid}/snapshot`));
const config = (s: Simulator, type: "qemu" | "lxc", vmid: number, query: Record<string, string | number> = {}): Promise<Record<string, unknown>> =>
  data(api(s, "GET", `/nodes/pve1/${type}/${vmid}/config`, query));
const volumes = async (s: Simulator, storage: string, vmid: number): Promise<string[]> =>
  (await data<{ volid: string }[]>(api(s, "GET", `/nodes/pve1/storage/${storage}/content`, { vmid }))).map((v) => v.volid);

describe("container snapshots", () => {
  it("takes, lists, rolls back and deletes snapshots, keeping parent links and the current entry", async () => {
    const s = sim();
    await createCt(s, 700, { memory: 512, rootfs: "local-lvm:1" });
    const first = await run(s, "POST", "/nodes/pve1/lxc/700/snapshot", { snapname: "s1", description: "before upgrade" });
    expect([first.upid.split(":")[5], first.status]).toEqual(["vzsnapshot", "OK"]);
    const conf = await config(s, "lxc", 700);
    expect(conf.parent).toBe("s1");
    expect(await snapshots(s, "lxc", 700)).toEqual([
      // a container's description comes back from its config file with a newline after each line
      { name: "s1", snaptime: expect.any(Number), description: "before upgrade\n" },
      { name: "current", digest: conf.digest, running: 0, description: "You are here!", parent: "s1" },
    ]);
    const section = await data<Record<string, unknown>>(api(s, "GET", "/nodes/pve1/lxc/700/snapshot/s1/config"));
    expect(section).toMatchObject({ memory: 512, rootfs: "local-lvm:vm-700-disk-0,size=1G", description: "before upgrade\n", snaptime: expect.any(Number) });
    expect(section).not.toHaveProperty("parent");
    expect(await data(api(s, "GET", "/nodes/pve1/lxc/700/snapshot/s1"))).toEqual([{ cmd: "rollback" }, { cmd: "config" }]);
    // a second snapshot after changes; the rollback restores the first one's config and volume size
    await data(api(s, "PUT", "/nodes/pve1/lxc/700/config", { memory: 2048 }));
    await run(s, "PUT", "/nodes/pve1/lxc/700/resize", { disk: "rootfs", size: "2G" });
    expect((await run(s, "POST", "/nodes/pve1/lxc/700/snapshot", { snapname: "s2" })).status).toBe("OK");
    expect((await snapshots(s, "lxc", 700)).find((x) => x.name === "s2")).toMatchObject({ parent: "s1", description: "" });
    const again = await run(s, "POST", "/nodes/pve1/lxc/700/snapshot", { snapname: "s2" });
    expect(again.status).toBe("snapshot name 's2' already used");
    const rollback = await run(s, "POST", "/nodes/pve1/lxc/700/snapshot/s1/rollback", { start: 1 });
    expect([rollback.upid.split(":")[5], rollback.status]).toEqual(["vzrollback", "OK"]);
    expect(await config(s, "lxc", 700)).toMatchObject({ memory: 512, parent: "s1", rootfs: "local-lvm:vm-700-disk-0,size=1G" });
    expect(await data<{ size: number }[]>(api(s, "GET", "/nodes/pve1/storage/local-lvm/content", { vmid: 700 }))).toEqual([
      expect.objectContaining({ size: 1024 ** 3 }),
    ]);
    for (let i = 0; i < 100 && (await data<{ status: string }>(api(s, "GET", "/nodes/pve1/lxc/700/status/current"))).status !== "running"; i++)
      await new Promise((r) => setTimeout(r, 25));
    expect((await snapshots(s, "lxc", 700)).at(-1)).toMatchObject({ name: "current", running: 1, parent: "s1" });
    // the description changes in place; deleting s1 moves s2's parent link away
    await data(api(s, "PUT", "/nodes/pve1/lxc/700/snapshot/s2/config", { description: "after upgrade" }));
    const deleted = await run(s, "DELETE", "/nodes/pve1/lxc/700/snapshot/s1");
    expect([deleted.upid.split(":")[5], deleted.status]).toEqual(["vzdelsnapshot", "OK"]);
    expect(await snapshots(s, "lxc", 700)).toEqual([
      { name: "s2", snaptime: expect.any(Number), description: "after upgrade\n" },
      expect.objectContaining({ name: "current", running: 1 }),
    ]);
    expect(await config(s, "lxc", 700)).not.toHaveProperty("parent");
    const gone = await run(s, "POST", "/nodes/pve1/lxc/700/snapshot/s1/rollback");
    expect(gone.status).toBe("snapshot 's1' does not exist");
  });

  it("refuses reserved names, templates, locked containers and storages or mounts without snapshots", async () => {
    const s = sim();
    await createCt(s, 710, { rootfs: "local-lvm:1" });
    for (const name of ["current", "vzdump"]) {
      const r = await api(s, "POST", "/nodes/pve1/lxc/710/snapshot", { snapname: name });
      expect([r.status, r.json?.message]).toEqual([500, `unable to use snapshot name '${name}' (reserved name)\n`]);
    }
    const root = await login(s, "root@pam", "rootpw-123");
    await data(api(s, "PUT", "/nodes/pve1/lxc/710/config", { lock: "backup" }, root));
    expect((await run(s, "POST", "/nodes/pve1/lxc/710/snapshot", { snapname: "snap1" })).status).toBe("CT is locked (backup)");
    // a container's lock cannot be removed through the API (PUT config checks it, with no skiplock)
    expect((await api(s, "PUT", "/nodes/pve1/lxc/710/config", { delete: "lock" }, root)).json?.message).toBe("CT is locked (backup)\n");
    await data(api(s, "POST", "/storage", { storage: "snapdir", type: "dir", path: "/srv/snapdir", content: "rootdir" }));
    await createCt(s, 711, { rootfs: "snapdir:1" });
    expect((await run(s, "POST", "/nodes/pve1/lxc/711/snapshot", { snapname: "snap1" })).status).toBe("snapshot feature is not available");
    expect((await snapshots(s, "lxc", 711)).map((x) => x.name)).toEqual(["current"]); // nothing left behind
    expect(await config(s, "lxc", 711)).not.toHaveProperty("lock");
    await run(
      s,
      "POST",
      "/nodes/pve1/lxc",
      { vmid: 712, ostemplate: "local:vztmpl/debian-12-standard_12.12-1_amd64.tar.zst", rootfs: "local-lvm:1", mp0: "/srv/share,mp=/share" },
      root,
    );
    expect((await run(s, "POST", "/nodes/pve1/lxc/712/snapshot", { snapname: "snap1" })).status).toBe("snapshot feature is not available");
    await createCt(s, 713, { rootfs: "local-lvm:1" });
    expect((await api(s, "POST", "/nodes/pve1/lxc/713/template")).status).toBe(200);
    for (let i = 0; i < 100 && (await config(s, "lxc", 713)).template !== 1; i++) await new Promise((r) => setTimeout(r, 25));
    expect((await run(s, "POST", "/nodes/pve1/lxc/713/snapshot", { snapname: "snap1" })).status).toBe("you can't take a snapshot if it's a template");
  });

  it("rolls back on ZFS only to the most recent snapshot", async () => {
    const s = sim();
    await data(api(s, "POST", "/storage", { storage: "tank", type: "zfspool", pool: "tank/ct", content: "rootdir,images" }));
    await createCt(s, 720, { rootfs: "tank:1" });
    expect((await config(s, "lxc", 720)).rootfs).toBe("tank:subvol-720-disk-0,size=1G");
    await run(s, "POST", "/nodes/pve1/lxc/720/snapshot", { snapname: "first" });
    await run(s, "POST", "/nodes/pve1/lxc/720/snapshot", { snapname: "second" });
    const older = await run(s, "POST", "/nodes/pve1/lxc/720/snapshot/first/rollback");
    expect(older.status).toBe("can't rollback, 'first' is not most recent snapshot on 'tank:subvol-720-disk-0'");
    expect((await run(s, "POST", "/nodes/pve1/lxc/720/snapshot/second/rollback")).status).toBe("OK");
  });

  it("full-clones a running container from a snapshot", async () => {
    const s = sim();
    await createCt(s, 730, { rootfs: "local-lvm:1", hostname: "live" });
    await run(s, "POST", "/nodes/pve1/lxc/730/status/start");
    expect((await api(s, "POST", "/nodes/pve1/lxc/730/clone", { newid: 731 })).json?.message).toBe(
      "Full clone of a running container is only possible from a snapshot\n",
    );
    await run(s, "POST", "/nodes/pve1/lxc/730/snapshot", { snapname: "base" });
    const clone = await run(s, "POST", "/nodes/pve1/lxc/730/clone", { newid: 731, snapname: "base" });
    expect(clone.status).toBe("OK");
    expect(await config(s, "lxc", 731)).toMatchObject({ hostname: "live", rootfs: "local-lvm:vm-731-disk-0,size=1G" });
    expect(await config(s, "lxc", 731)).not.toHaveProperty("parent");
    expect((await snapshots(s, "lxc", 731)).map((x) => x.name)).toEqual(["current"]);
  });
});

describe("VM snapshots", () => {
  it("saves the RAM of a running VM with vmstate, resumes from it on rollback, and frees it on delete", async () => {
    const s = sim();
    await createVm(s, 740, { memory: 1024, scsi0: "local-lvm:1", ide2: "local-lvm:cloudinit" });
    await run(s, "POST", "/nodes/pve1/qemu/740/status/start");
    const before = await config(s, "qemu", 740);
    const taken = await run(s, "POST", "/nodes/pve1/qemu/740/snapshot", { snapname: "ram", vmstate: 1, description: "with RAM" });
    expect(taken.upid).toMatch(/:qmsnapshot:740:/);
    expect(taken.log).toEqual([
      "saving VM state and RAM using storage 'local-lvm'",
      "completed saving the VM state in 1s, saved 0.25 GiB",
      "snapshotting 'drive-scsi0' (local-lvm:vm-740-disk-0)",
      "TASK OK",
    ]);
    expect(await volumes(s, "local-lvm", 740)).toContain("local-lvm:vm-740-state-ram");
    expect(await snapshots(s, "qemu", 740)).toEqual([
      { name: "ram", snaptime: expect.any(Number), vmstate: 1, description: "with RAM" },
      expect.objectContaining({ name: "current", running: 1, parent: "ram" }),
    ]);
    expect(await data(api(s, "GET", "/nodes/pve1/qemu/740/snapshot/ram/config"))).toMatchObject({
      vmstate: "local-lvm:vm-740-state-ram",
      runningmachine: "pc-i440fx-10.0+pve0",
      memory: "1024",
    });
    expect(await config(s, "qemu", 740, { snapshot: "ram" })).toMatchObject({ vmstate: "local-lvm:vm-740-state-ram" });
    const rollback = await run(s, "POST", "/nodes/pve1/qemu/740/snapshot/ram/rollback");
    expect([rollback.upid.split(":")[5], rollback.status]).toEqual(["qmrollback", "OK"]);
    expect(await data(api(s, "GET", "/nodes/pve1/qemu/740/status/current"))).toMatchObject({ status: "running" }); // resumed from the saved RAM
    const after = await config(s, "qemu", 740);
    expect(after.vmgenid).not.toBe(before.vmgenid); // a new generation
    expect(after).not.toHaveProperty("runningmachine");
    const deleted = await run(s, "DELETE", "/nodes/pve1/qemu/740/snapshot/ram");
    expect([deleted.upid.split(":")[5], deleted.status]).toEqual(["qmdelsnapshot", "OK"]);
    expect(await volumes(s, "local-lvm", 740)).not.toContain("local-lvm:vm-740-state-ram");
    expect(await config(s, "qemu", 740)).not.toHaveProperty("parent");
  });

  it("refuses reserved names, blocks template conversion and disk moves with delete, and clones from a snapshot", async () => {
    const s = sim();
    await createVm(s, 750, { scsi0: "local-lvm:1", name: "src" });
    for (const [name, message] of [
      ["current", "unable to use snapshot name 'current' (reserved name)\n"],
      ["Pending", "unable to use snapshot name 'pending' (reserved name)\n"],
    ]) {
      expect((await api(s, "POST", "/nodes/pve1/qemu/750/snapshot", { snapname: String(name) })).json?.message).toBe(message);
    }
    expect((await api(s, "POST", "/nodes/pve1/qemu/799/snapshot", { snapname: "snap1" })).json?.message).toBe(
      "Configuration file 'nodes/pve1/qemu-server/799.conf' does not exist\n",
    );
    expect((await run(s, "POST", "/nodes/pve1/qemu/750/snapshot", { snapname: "clean" })).status).toBe("OK");
    expect((await api(s, "POST", "/nodes/pve1/qemu/750/template")).json?.message).toBe("unable to create template, because VM contains snapshots\n");
    await data(api(s, "POST", "/storage", { storage: "vmdir", type: "dir", path: "/srv/vmdir", content: "images" }));
    const move = await api(s, "POST", "/nodes/pve1/qemu/750/move_disk", { disk: "scsi0", storage: "vmdir", delete: 1 });
    expect(move.json?.message).toBe("you can't move a disk with snapshots and delete the source\n");
    await data(api(s, "PUT", "/nodes/pve1/qemu/750/config", { name: "changed" }));
    const linked = await run(s, "POST", "/nodes/pve1/qemu/750/clone", { newid: 751, snapname: "clean", full: 0 });
    expect(linked.log).toEqual(["creating a clone of VM 750 with ID 751", "create linked clone of drive scsi0 (local-lvm:vm-750-disk-0)", "TASK OK"]);
    expect(await config(s, "qemu", 751)).toMatchObject({ name: "Copy-of-VM-src", scsi0: "local-lvm:vm-751-disk-0,size=1G" });
    expect((await run(s, "POST", "/nodes/pve1/qemu/750/clone", { newid: 752, snapname: "clean" })).status).toBe("OK"); // full by default
    // a VM disk on a directory storage is raw: no snapshots
    await createVm(s, 753, { scsi0: "vmdir:1" });
    expect((await run(s, "POST", "/nodes/pve1/qemu/753/snapshot", { snapname: "snap1" })).status).toBe("snapshot feature is not available");
    await createVm(s, 754, { scsi0: "vmdir:1,format=qcow2" });
    expect((await run(s, "POST", "/nodes/pve1/qemu/754/snapshot", { snapname: "snap1" })).status).toBe("OK");
  });
});
