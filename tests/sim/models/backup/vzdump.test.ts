/** vzdump, restores of VMs and containers from its archives, prune-backups and not-backed-up through HTTPS. */
import { describe, expect, it } from "vitest";
import type { Simulator } from "../../index";
import { api, createCt, createVm, data, run, useGuestSimulator, type TaskRun } from "../../testkit/guests";
import { login } from "../../testkit/raw";

const ROOT_PASSWORD = "backup-root-pw";
const sim = useGuestSimulator({ rootPassword: ROOT_PASSWORD });

interface BackupItem {
  volid: string;
  vmid: number;
  subtype: string;
  format: string;
  size: number;
  ctime: number;
  notes?: string;
  protected?: number;
}

const backups = (s: Simulator, storage = "local"): Promise<BackupItem[]> =>
  data(api(s, "GET", `/nodes/pve1/storage/${storage}/content`, { content: "backup" }));
const config = (s: Simulator, type: "qemu" | "lxc", vmid: number): Promise<Record<string, unknown>> =>
  data(api(s, "GET", `/nodes/pve1/${type}/${vmid}/config`));
const backupOf = async (s: Simulator, vmid: number): Promise<BackupItem> => {
  const found = (await backups(s)).find((b) => b.vmid === vmid);
  if (!found) throw new Error(`no backup of ${vmid}`);
  return found;
};
const vzdump = (s: Simulator, params: Record<string, string | number>): Promise<TaskRun> =>
  run(s, "POST", "/nodes/pve1/vzdump", { storage: "local", ...params });
const notBackedUp = async (s: Simulator): Promise<Record<string, unknown>[]> =>
  (await data<Record<string, unknown>[]>(api(s, "GET", "/cluster/backup-info/not-backed-up"))).filter((g) => Number(g.vmid) >= 900);
/** A config without what a restore gives anew or points at the new guest's volumes. */
const comparable = (conf: Record<string, unknown>): Record<string, unknown> => {
  const { digest: _d, vmgenid: _g, ...rest } = conf;
  return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, typeof v === "string" ? v.replace(/vm-\d+-disk/g, "vm-N-disk") : v]));
};

describe("vzdump", () => {
  it("writes a vma archive of a VM and a tar archive of a container with notes and protection, in one vzdump task", async () => {
    const s = sim();
    await createVm(s, 100, { name: "web", memory: 2048, scsi0: "local-lvm:4", net0: "virtio,bridge=vmbr0" });
    await createCt(s, 200, { hostname: "box", rootfs: "local-lvm:2", mp0: "local-lvm:1,mp=/srv,backup=1", mp1: "local-lvm:1,mp=/tmp/x" });
    const job = await vzdump(s, { vmid: "100,200", compress: "zstd", "notes-template": "{{guestname}} on {{node}} ({{vmid}})\\n{{cluster}}", protected: 1 });
    expect(job.status).toBe("OK");
    expect(job.upid.split(":")[5]).toBe("vzdump");
    expect(job.log).toContain("INFO: include disk 'scsi0' 'local-lvm:vm-100-disk-0' 4G");
    expect(job.log).toContain("INFO: including mount point mp0 ('/srv') in backup");
    expect(job.log).toContain("INFO: excluding volume mount point mp1 ('/tmp/x') from backup (disabled)");
    expect(job.log.filter((l) => l === "INFO: backup mode: stop")).toHaveLength(2);
    expect(job.log.at(-2)).toBe("INFO: Backup job finished successfully");
    const vm = await backupOf(s, 100);
    const ct = await backupOf(s, 200);
    expect(vm).toMatchObject({ subtype: "qemu", format: "vma.zst", notes: "web on pve1 (100)\nsim", protected: 1 });
    expect(vm.volid).toMatch(/^local:backup\/vzdump-qemu-100-\d{4}_\d\d_\d\d-\d\d_\d\d_\d\d\.vma\.zst$/);
    expect(ct).toMatchObject({ subtype: "lxc", format: "tar.zst", notes: "box on pve1 (200)\nsim", protected: 1 });
    expect(ct.volid).toMatch(/^local:backup\/vzdump-lxc-200-.*\.tar\.zst$/);
    // the guests are unlocked again, and the archive carries the config without lock
    expect((await config(s, "qemu", 100)).lock).toBeUndefined();
    const vmConf = await data<string>(api(s, "GET", "/nodes/pve1/vzdump/extractconfig", { volume: vm.volid }));
    expect(vmConf).toContain("name: web\n");
    expect(vmConf).toContain("#qmdump#map:scsi0:drive-scsi0:local-lvm:raw:\n");
    const ctConf = await data<string>(api(s, "GET", "/nodes/pve1/vzdump/extractconfig", { volume: ct.volid }));
    expect(ctConf).toContain("hostname: box\n");
    // a protected backup cannot be deleted; the flag and notes are volume attributes
    const del = await run(s, "DELETE", `/nodes/pve1/storage/local/content/${encodeURIComponent(vm.volid)}`);
    expect(del.status).not.toBe("OK");
    expect(await data(api(s, "GET", `/nodes/pve1/storage/local/content/${encodeURIComponent(vm.volid)}`))).toMatchObject({
      notes: "web on pve1 (100)\nsim",
      protected: 1,
    });
    await data(api(s, "PUT", `/nodes/pve1/storage/local/content/${encodeURIComponent(vm.volid)}`, { protected: 0, notes: "" }));
    expect(await data(api(s, "GET", `/nodes/pve1/storage/local/content/${encodeURIComponent(vm.volid)}`))).toMatchObject({ notes: "", protected: 0 });
    expect((await run(s, "DELETE", `/nodes/pve1/storage/local/content/${encodeURIComponent(vm.volid)}`)).status).toBe("OK");
    expect((await backups(s)).filter((b) => b.vmid === 100 || b.vmid === 200).map((b) => b.vmid)).toEqual([200]);
  });

  it("refuses what PVE refuses before the worker, with PVE's texts", async () => {
    const s = sim();
    await createVm(s, 300, { scsi0: "local-lvm:1" });
    const both = await api(s, "POST", "/nodes/pve1/vzdump", { vmid: 300, all: 1 });
    expect([both.status, both.json?.errors]).toEqual([400, { all: "option conflicts with option 'vmid'" }]);
    const pool = await api(s, "POST", "/nodes/pve1/vzdump", { vmid: 300, pool: "p" });
    expect(pool.json?.errors).toEqual({ pool: "option conflicts with option 'vmid'" });
    const none = await api(s, "POST", "/nodes/pve1/vzdump", { storage: "local" });
    expect([none.status, none.json?.errors]).toEqual([400, { vmid: "property is missing" }]);
    const notes = await api(s, "POST", "/nodes/pve1/vzdump", { vmid: 300, storage: "local", "notes-template": "{{guestname}} {{foo}}" });
    expect(notes.status).toBe(400);
    expect(String((notes.json?.errors as Record<string, string>)["notes-template"])).toMatch(/^found unknown: variable 'foo' at char 18\n$/);
    const stdout = await api(s, "POST", "/nodes/pve1/vzdump", { vmid: 300, stdout: 1 });
    expect(stdout.json?.errors).toEqual({ stdout: "option is only allowed on the command line interface." });
    // a guest on another node: silent OK without a task
    await createVm(s, 350, {}, "pve2");
    const elsewhere = await api(s, "POST", "/nodes/pve1/vzdump", { vmid: 350 });
    expect([elsewhere.status, elsewhere.json?.data]).toEqual([200, "OK"]);
    // what the simulator does not model answers 501
    const token = await api(s, "POST", "/nodes/pve1/vzdump", { vmid: 300, dumpdir: "/tmp" });
    expect([token.status, token.json?.errors]).toEqual([400, { dumpdir: "Only root may set this option." }]); // a token of root is not root@pam
    const rootTicket = await login(s, "root@pam", ROOT_PASSWORD);
    expect((await api(s, "POST", "/nodes/pve1/vzdump", { vmid: 300, dumpdir: "/tmp" }, rootTicket)).status).toBe(501);
    expect((await api(s, "POST", "/nodes/pve1/vzdump", { stop: 1 })).status).toBe(501);
  });

  it("fails the job for a missing guest and a storage without backup content, and keeps going for the others", async () => {
    const s = sim();
    await createVm(s, 310, { scsi0: "local-lvm:1" });
    const job = await vzdump(s, { vmid: "310,999" });
    expect(job.status).toBe("job errors");
    expect(job.log).toContain("ERROR: Backup of VM 999 failed - unable to find VM '999'");
    expect((await backups(s)).filter((b) => b.vmid === 310 || b.vmid === 999).map((b) => b.vmid)).toEqual([310]);
    const wrong = await vzdump(s, { vmid: 310, storage: "local-lvm" });
    expect(wrong.status).toBe("could not get storage information for 'local-lvm': can't use storage 'local-lvm' for backups - wrong content type");
  });

  it("backs up a running container in snapshot mode through a temporary vzdump snapshot, and falls back to suspend where volumes cannot snapshot", async () => {
    const s = sim();
    await createCt(s, 410, { rootfs: "local-lvm:1" });
    await run(s, "POST", "/nodes/pve1/lxc/410/status/start");
    const snap = await vzdump(s, { vmid: 410, mode: "snapshot" });
    expect(snap.status).toBe("OK");
    expect(snap.log).toContain("INFO: backup mode: snapshot");
    expect(snap.log).toContain("INFO: create storage snapshot 'vzdump'");
    expect(snap.log).toContain("INFO: cleanup temporary 'vzdump' snapshot");
    expect(await data<{ name: string }[]>(api(s, "GET", "/nodes/pve1/lxc/410/snapshot"))).toEqual([expect.objectContaining({ name: "current" })]);
    expect((await data<Record<string, unknown>>(api(s, "GET", "/nodes/pve1/lxc/410/status/current"))).status).toBe("running");
    await data(api(s, "POST", "/storage", { storage: "plain", type: "dir", path: "/mnt/plain", content: "images,rootdir" }));
    await createCt(s, 411, { rootfs: "plain:1" });
    await run(s, "POST", "/nodes/pve1/lxc/411/status/start");
    const raw = await vzdump(s, { vmid: 411, mode: "snapshot" });
    expect(raw.status).toBe("OK");
    expect(raw.log).toContain("INFO: mode failure - some volumes do not support snapshots");
    expect(raw.log).toContain("INFO: trying 'suspend' mode instead");
    expect(raw.log).toContain("INFO: backup mode: suspend");
  });

  it("stop mode stops a running VM and starts it again after the backup", async () => {
    const s = sim();
    await createVm(s, 420, { scsi0: "local-lvm:1" });
    await run(s, "POST", "/nodes/pve1/qemu/420/status/start");
    const job = await vzdump(s, { vmid: 420, mode: "stop" });
    expect(job.status).toBe("OK");
    expect(job.log).toContain("INFO: stopping virtual guest");
    expect(job.log).toContain("INFO: restarting vm");
    expect((await data<Record<string, unknown>>(api(s, "GET", "/nodes/pve1/qemu/420/status/current"))).status).toBe("running");
    expect((await config(s, "qemu", 420)).lock).toBeUndefined();
  });
});

describe("restore", () => {
  it("round trip: a VM backed up and restored to a new VMID has the same config on new volumes, with new MACs and UUIDs for unique", async () => {
    const s = sim();
    await createVm(s, 500, {
      name: "web",
      memory: 2048,
      cores: 2,
      scsi0: "local-lvm:4",
      virtio1: "local-lvm:2",
      net0: "virtio,bridge=vmbr0",
      description: "two\nlines",
      tags: "a;b",
    });
    expect((await vzdump(s, { vmid: 500, compress: "zstd" })).status).toBe("OK");
    const archive = (await backupOf(s, 500)).volid;
    const plain = await run(s, "POST", "/nodes/pve1/qemu", { vmid: 501, archive });
    expect(plain.status).toBe("OK");
    expect(plain.upid.split(":")[5]).toBe("qmrestore");
    expect(plain.log).toContain("DEV: dev_id=1 size: 4294967296 devname: drive-scsi0");
    const source = await config(s, "qemu", 500);
    const restored = await config(s, "qemu", 501);
    expect(comparable(restored)).toEqual(comparable(source));
    expect(restored.scsi0).toBe("local-lvm:vm-501-disk-0,size=4G");
    expect(restored.virtio1).toBe("local-lvm:vm-501-disk-1,size=2G");
    expect(restored.vmgenid).not.toBe(source.vmgenid);
    expect(restored.net0).toBe(source.net0); // the MAC is kept without unique
    const unique = await run(s, "POST", "/nodes/pve1/qemu", { vmid: 502, archive, unique: 1, memory: 1024 });
    expect(unique.status).toBe("OK");
    const third = await config(s, "qemu", 502);
    expect(third.net0).not.toBe(source.net0);
    expect(String(third.net0)).toMatch(/^virtio=BC:24:11:[0-9A-F:]{8},bridge=vmbr0$/);
    expect(third.smbios1).not.toBe(source.smbios1);
    expect(third.memory).toBe("1024");
    expect(third.scsi0).toBe("local-lvm:vm-502-disk-0,size=4G");
    const noImages = await run(s, "POST", "/nodes/pve1/qemu", { vmid: 503, archive, storage: "local" });
    expect(noImages.status).toBe("Content type 'images' is not available on storage 'local'");
  });

  it("round trip: a container backed up and restored to a new VMID has the same config on new volumes", async () => {
    const s = sim();
    await createCt(s, 600, {
      hostname: "box",
      memory: 1024,
      cores: 2,
      rootfs: "local-lvm:2",
      mp0: "local-lvm:1,mp=/srv,backup=1",
      net0: "name=eth0,bridge=vmbr0,ip=dhcp",
    });
    expect((await vzdump(s, { vmid: 600 })).status).toBe("OK");
    const archive = (await backupOf(s, 600)).volid;
    const done = await run(s, "POST", "/nodes/pve1/lxc", { vmid: 601, ostemplate: archive, restore: 1, storage: "local-lvm" });
    expect(done.status).toBe("OK");
    expect(done.upid.split(":")[5]).toBe("vzrestore");
    const source = await config(s, "lxc", 600);
    const restored = await config(s, "lxc", 601);
    expect(comparable(restored)).toEqual(comparable(source));
    expect(restored.rootfs).toBe("local-lvm:vm-601-disk-0,size=2G");
    const unique = await run(s, "POST", "/nodes/pve1/lxc", { vmid: 602, ostemplate: archive, restore: 1, storage: "local-lvm", unique: 1, hostname: "other" });
    expect(unique.status).toBe("OK");
    const third = await config(s, "lxc", 602);
    expect(third.hostname).toBe("other");
    expect(third.net0).not.toBe(source.net0);
  });

  it("refuses a restore the way qemu-server does", async () => {
    const s = sim();
    await createVm(s, 700, { scsi0: "local-lvm:1" });
    expect((await vzdump(s, { vmid: 700 })).status).toBe("OK");
    const archive = (await backupOf(s, 700)).volid;
    const drive = await api(s, "POST", "/nodes/pve1/qemu", { vmid: 701, archive, scsi1: "local-lvm:1" });
    expect([drive.status, drive.json?.errors]).toEqual([400, { scsi1: "option conflicts with option 'archive'" }]);
    const pipe = await api(s, "POST", "/nodes/pve1/qemu", { vmid: 701, archive: "-" });
    expect([pipe.status, pipe.json?.message]).toEqual([500, "pipe requires cli environment\n"]);
    const missing = await api(s, "POST", "/nodes/pve1/qemu", { vmid: 701, archive: "local:backup/vzdump-qemu-700-2020_01_01-00_00_00.vma" });
    expect(missing.json?.message).toBe("can't find file 'local:backup/vzdump-qemu-700-2020_01_01-00_00_00.vma'\n");
    const exists = await api(s, "POST", "/nodes/pve1/qemu", { vmid: 700, archive });
    expect(exists.json?.message).toBe("unable to restore VM 700 - VM 700 already exists on node 'pve1'\n");
    const live = await run(s, "POST", "/nodes/pve1/qemu", { vmid: 703, archive, "live-restore": 1 });
    expect(live.status).toBe("live-restore is only compatible with backup images from a Proxmox Backup Server");
    expect(live.log).toContain("error before or during data restore, some or all disks were not completely restored. VM 703 state is NOT cleaned up.");
    expect(await config(s, "qemu", 703)).toEqual({ digest: expect.any(String) }); // left for the operator, unlocked
  });

  it("restores over an existing VM with force, freeing the disks it restores and keeping the others as unused", async () => {
    const s = sim();
    await createVm(s, 710, { scsi0: "local-lvm:1", name: "old" });
    expect((await vzdump(s, { vmid: 710 })).status).toBe("OK");
    const archive = (await backupOf(s, 710)).volid;
    await data(api(s, "PUT", "/nodes/pve1/qemu/710/config", { scsi1: "local-lvm:1", name: "changed" }));
    const done = await run(s, "POST", "/nodes/pve1/qemu", { vmid: 710, archive, force: 1 });
    expect(done.status).toBe("OK");
    const conf = await config(s, "qemu", 710);
    expect(conf.name).toBe("old");
    expect(conf.scsi1).toBeUndefined();
    expect(conf.unused0).toBe("local-lvm:vm-710-disk-1");
    await data(api(s, "PUT", "/nodes/pve1/qemu/710/config", { protection: 1 }));
    const prot = await run(s, "POST", "/nodes/pve1/qemu", { vmid: 710, archive, force: 1 });
    expect(prot.status).toBe("unable to restore VM 710 - - protection mode enabled");
  });
});

describe("prune-backups", () => {
  it("lists marks for a dry run and removes what the retention does not keep, sparing protected ones", async () => {
    const s = sim();
    await createVm(s, 800, { scsi0: "local-lvm:1" });
    for (let i = 0; i < 3; i++) {
      expect((await vzdump(s, { vmid: 800 })).status).toBe("OK");
      await new Promise((r) => setTimeout(r, 1100)); // archive names have one-second resolution
    }
    const [oldest] = (await backups(s)).filter((b) => b.vmid === 800).sort((a, b) => a.ctime - b.ctime);
    await data(api(s, "PUT", `/nodes/pve1/storage/local/content/${encodeURIComponent(oldest?.volid ?? "")}`, { protected: 1 }));
    const dry = await data<{ volid: string; mark: string; type: string; vmid: number }[]>(
      api(s, "GET", "/nodes/pve1/storage/local/prunebackups", { "prune-backups": "keep-last=1", vmid: 800 }),
    );
    const marks = dry.sort((a, b) => a.volid.localeCompare(b.volid)).map((e) => e.mark);
    expect(marks).toEqual(["protected", "remove", "keep"]);
    expect(dry.every((e) => e.type === "qemu" && e.vmid === 800)).toBe(true);
    const none = await api(s, "GET", "/nodes/pve1/storage/local/prunebackups");
    expect(none.json?.message).toBe("no prune-backups options configured for storage 'local'\n");
    const wrong = await api(s, "GET", "/nodes/pve1/storage/local-lvm/prunebackups", { "prune-backups": "keep-last=1" });
    expect(wrong.json?.message).toBe("storage 'local-lvm' does not support backups\n");
    const pruned = await run(s, "DELETE", "/nodes/pve1/storage/local/prunebackups", { "prune-backups": "keep-last=1", vmid: 800 });
    expect(pruned.status).toBe("OK");
    expect(pruned.upid.split(":")[5]).toBe("prunebackups");
    expect(pruned.upid.split(":")[6]).toBe("800@local");
    expect(pruned.log.filter((l) => l.startsWith("removing backup "))).toHaveLength(1);
    expect((await backups(s)).filter((b) => b.vmid === 800).length).toBe(2);
  });

  it("vzdump prunes with its retention after the backup", async () => {
    const s = sim();
    await createVm(s, 810, { scsi0: "local-lvm:1" });
    expect((await vzdump(s, { vmid: 810 })).status).toBe("OK");
    await new Promise((r) => setTimeout(r, 1100));
    const second = await vzdump(s, { vmid: 810, "prune-backups": "keep-last=1" });
    expect(second.status).toBe("OK");
    expect(second.log).toContain("INFO: prune older backups with retention: keep-last=1");
    expect(second.log).toContain("INFO: pruned 1 backup(s) not covered by keep-retention policy");
    expect((await backups(s)).filter((b) => b.vmid === 810).length).toBe(1);
  });
});

describe("not-backed-up", () => {
  it("lists the guests no vzdump job covers, with their names", async () => {
    const s = sim();
    await createVm(s, 900, { name: "web" });
    await createVm(s, 901, {});
    await createCt(s, 902, { hostname: "box" });
    // the index declares no permissions: root@pam only
    expect((await api(s, "GET", "/cluster/backup-info")).status).toBe(403);
    expect(await data(api(s, "GET", "/cluster/backup-info", {}, await login(s, "root@pam", ROOT_PASSWORD)))).toEqual([{ subdir: "not-backed-up" }]);
    expect(await notBackedUp(s)).toEqual([
      { vmid: 900, type: "qemu", name: "web" },
      { vmid: 901, type: "qemu" },
      { vmid: 902, type: "lxc", name: "box" },
    ]);
    await data(api(s, "POST", "/cluster/backup", { vmid: "900,902", schedule: "daily", storage: "local", enabled: 0 }));
    expect(await notBackedUp(s)).toEqual([{ vmid: 901, type: "qemu" }]);
  });
});
