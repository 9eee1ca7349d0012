/** pve-container power, template, resize, move_volume, migrate and destroy through HTTPS. */
import { describe, expect, it } from "vitest";
import type { Simulator } from "../../index";
import { api, createCt, data, finish, run, useGuestSimulator } from "../../testkit/guests";

/** The template conversion of CT 430 and the first volume move of CT 450 run long enough to be watched. */
const sim = useGuestSimulator({
  taskDuration: (t) => ((t.type === "vztemplate" && t.id === "430") || (t.type === "move_volume" && t.id === "450") ? 1500 : undefined),
});

const config = (s: Simulator, vmid: number, node = "pve1"): Promise<Record<string, unknown>> => data(api(s, "GET", `/nodes/${node}/lxc/${vmid}/config`));
const status = (s: Simulator, vmid: number, node = "pve1"): Promise<Record<string, unknown>> =>
  data(api(s, "GET", `/nodes/${node}/lxc/${vmid}/status/current`));
const volumes = async (s: Simulator, storage: string, vmid: number, node = "pve1"): Promise<string[]> =>
  (await data<{ volid: string }[]>(api(s, "GET", `/nodes/${node}/storage/${storage}/content`, { vmid }))).map((v) => v.volid);
const until = async (check: () => Promise<boolean>): Promise<void> => {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("condition not reached");
};

describe("power", () => {
  it("starts, shuts down, stops and reboots as vz* tasks, refusing what PVE refuses before forking", async () => {
    const s = sim();
    await createCt(s, 400, { hostname: "box", memory: 768, cores: 2, tags: "x" });
    expect(await status(s, 400)).toMatchObject({
      type: "lxc",
      vmid: 400,
      status: "stopped",
      name: "box",
      cpus: 2,
      maxmem: 768 * 1024 ** 2,
      maxdisk: 4 * 1024 ** 3,
      maxswap: 512 * 1024 ** 2,
      tags: "x",
      ha: { managed: 0 },
    });
    const notRunning = await api(s, "POST", "/nodes/pve1/lxc/400/status/stop");
    expect([notRunning.status, notRunning.json?.message]).toEqual([500, "CT 400 not running\n"]);
    expect((await api(s, "POST", "/nodes/pve1/lxc/400/status/reboot")).json?.message).toBe("VM 400 not running\n");
    const started = await run(s, "POST", "/nodes/pve1/lxc/400/status/start");
    expect([started.upid.split(":")[5], started.status]).toEqual(["vzstart", "OK"]);
    expect(await status(s, 400)).toMatchObject({ status: "running", pid: expect.any(Number) });
    expect((await api(s, "POST", "/nodes/pve1/lxc/400/status/start")).json?.message).toBe("CT 400 already running\n");
    const list = await data<Record<string, unknown>[]>(api(s, "GET", "/nodes/pve1/lxc"));
    expect(list.find((c) => c.vmid === 400)).toMatchObject({ status: "running", type: "lxc" });
    expect((await run(s, "POST", "/nodes/pve1/lxc/400/status/reboot")).upid).toMatch(/:vzreboot:400:/);
    expect((await run(s, "POST", "/nodes/pve1/lxc/400/status/shutdown", { timeout: 10 })).upid).toMatch(/:vzshutdown:400:/);
    expect((await status(s, 400)).status).toBe("stopped");
    const skip = await api(s, "POST", "/nodes/pve1/lxc/400/status/start", { skiplock: 1 });
    expect([skip.status, skip.json?.errors]).toEqual([400, { skiplock: "Only root may use this option." }]);
    const missing = await run(s, "POST", "/nodes/pve1/lxc/499/status/start");
    expect(missing.status).toBe("Configuration file 'nodes/pve1/lxc/499.conf' does not exist");
  });

  it("lists containers in /cluster/resources as type lxc", async () => {
    const s = sim();
    await createCt(s, 405, { hostname: "listed", tags: "b;a" }, "pve2");
    const all = await data<Record<string, unknown>[]>(api(s, "GET", "/cluster/resources", { type: "vm" }));
    expect(all.find((r) => r.vmid === 405)).toEqual({
      id: "lxc/405",
      vmid: 405,
      node: "pve2",
      type: "lxc",
      status: "stopped",
      name: "listed",
      template: 0,
      uptime: 0,
      maxcpu: 8,
      cpu: 0,
      maxmem: 512 * 1024 ** 2,
      mem: 0,
      maxdisk: 4 * 1024 ** 3,
      disk: 0,
      netin: 0,
      netout: 0,
      diskread: 0,
      diskwrite: 0,
      tags: "a;b",
    });
  });
});

describe("template", () => {
  it("answers null at once and converts in a vztemplate task: base volumes and template: 1", async () => {
    const s = sim();
    await createCt(s, 430, { rootfs: "local-lvm:2", mp0: "local-lvm:1,mp=/srv" });
    const reply = await api(s, "POST", "/nodes/pve1/lxc/430/template");
    expect([reply.status, reply.json?.data]).toEqual([200, null]);
    expect(await config(s, 430)).not.toHaveProperty("template"); // the worker has not run yet
    await until(async () => (await config(s, 430)).template === 1);
    expect(await config(s, 430)).toMatchObject({ template: 1, rootfs: "local-lvm:base-430-disk-0,size=2G", mp0: "local-lvm:base-430-disk-1,mp=/srv,size=1G" });
    const tasks = await data<{ type: string; status: string }[]>(api(s, "GET", "/nodes/pve1/tasks", { vmid: 430, typefilter: "vztemplate" }));
    expect(tasks).toEqual([expect.objectContaining({ type: "vztemplate", status: "OK" })]);
    expect((await api(s, "POST", "/nodes/pve1/lxc/430/template")).json?.message).toBe("you can't convert a template to a template\n");
    expect((await api(s, "POST", "/nodes/pve1/lxc/430/status/start")).status).toBe(200);
    const start = await run(s, "POST", "/nodes/pve1/lxc/430/status/start");
    expect(start.status).toBe("you can't start a CT if it's a template");
    await createCt(s, 431);
    await run(s, "POST", "/nodes/pve1/lxc/431/status/start");
    expect((await api(s, "POST", "/nodes/pve1/lxc/431/template")).json?.message).toBe("you can't convert a CT to template if the CT is running\n");
  });
});

describe("resize and move_volume", () => {
  it("grows a mount point with +N or an absolute size and refuses shrinking before the task", async () => {
    const s = sim();
    await createCt(s, 440, { rootfs: "local-lvm:2" });
    const grown = await run(s, "PUT", "/nodes/pve1/lxc/440/resize", { disk: "rootfs", size: "+1G" });
    expect([grown.upid.split(":")[5], grown.status]).toEqual(["resize", "OK"]);
    expect((await config(s, 440)).rootfs).toBe("local-lvm:vm-440-disk-0,size=3G");
    expect(await data<{ size: number }[]>(api(s, "GET", "/nodes/pve1/storage/local-lvm/content", { vmid: 440 }))).toEqual([
      expect.objectContaining({ size: 3 * 1024 ** 3 }),
    ]);
    await run(s, "PUT", "/nodes/pve1/lxc/440/resize", { disk: "rootfs", size: "5G" });
    expect((await config(s, 440)).rootfs).toBe("local-lvm:vm-440-disk-0,size=5G");
    const shrink = await api(s, "PUT", "/nodes/pve1/lxc/440/resize", { disk: "rootfs", size: "4G" });
    expect([shrink.status, shrink.json?.message]).toEqual([500, "unable to shrink disk size\n"]);
    const same = await api(s, "PUT", "/nodes/pve1/lxc/440/resize", { disk: "rootfs", size: "5G" });
    expect(same.json?.message).toBe("disk is already at specified size\n");
    await run(s, "POST", "/nodes/pve1/lxc/440/status/start");
    expect((await run(s, "PUT", "/nodes/pve1/lxc/440/resize", { disk: "rootfs", size: "+512M" })).status).toBe("OK"); // online
    expect((await config(s, 440)).rootfs).toBe("local-lvm:vm-440-disk-0,size=5632M");
  });

  it("moves a volume to another storage, keeping the source as unusedN without delete=1, with lock: disk meanwhile", async () => {
    const s = sim();
    await data(api(s, "POST", "/storage", { storage: "ctdir", type: "dir", path: "/srv/ct", content: "rootdir" }));
    await createCt(s, 450, { rootfs: "local-lvm:1", mp0: "local-lvm:1,mp=/data" });
    const reply = await api(s, "POST", "/nodes/pve1/lxc/450/move_volume", { volume: "mp0", storage: "ctdir" });
    expect(reply.status).toBe(200);
    expect(await config(s, 450)).toMatchObject({ lock: "disk" });
    expect((await api(s, "PUT", "/nodes/pve1/lxc/450/config", { cores: 2 })).json?.message).toBe("CT is locked (disk)\n");
    const moved = await finish(s, String(reply.json?.data));
    expect([moved.upid.split(":")[5], moved.status]).toEqual(["move_volume", "OK"]);
    const conf = await config(s, 450);
    expect(conf).toMatchObject({ mp0: "ctdir:450/vm-450-disk-0.raw,mp=/data,size=1G", unused0: "local-lvm:vm-450-disk-1" });
    expect(conf).not.toHaveProperty("lock");
    expect((await run(s, "POST", "/nodes/pve1/lxc/450/move_volume", { volume: "rootfs", storage: "ctdir", delete: 1 })).status).toBe("OK");
    expect((await config(s, 450)).rootfs).toBe("ctdir:450/vm-450-disk-1.raw,size=1G");
    expect(await volumes(s, "local-lvm", 450)).toEqual(["local-lvm:vm-450-disk-1"]); // only the kept unused0
    const unused = await api(s, "POST", "/nodes/pve1/lxc/450/move_volume", { volume: "unused0", storage: "ctdir" });
    expect(unused.json?.message).toBe("cannot move volume 'unused0', only configured volumes can be moved to another storage\n");
    await run(s, "POST", "/nodes/pve1/lxc/450/status/start");
    expect((await api(s, "POST", "/nodes/pve1/lxc/450/move_volume", { volume: "mp0", storage: "local-lvm" })).json?.message).toBe(
      "cannot move volumes of a running container\n",
    );
    const both = await api(s, "POST", "/nodes/pve1/lxc/450/move_volume", { volume: "mp0" });
    expect(both.json?.errors).toEqual({
      "target-vmid": "both 'storage' and 'target-vmid' missing, either needs to be set",
      storage: "both 'storage' and 'target-vmid' missing, either needs to be set",
    });
  });

  it("reassigns a volume to another container on the same node", async () => {
    const s = sim();
    await createCt(s, 460, { rootfs: "local-lvm:1", mp0: "local-lvm:1,mp=/data" });
    await createCt(s, 461, { rootfs: "local-lvm:1" });
    const moved = await run(s, "POST", "/nodes/pve1/lxc/460/move_volume", { volume: "mp0", "target-vmid": 461, "target-volume": "mp3" });
    expect(moved.upid).toMatch(/:move_volume:460-mp0>461-mp3:/);
    expect(moved.log).toEqual([
      "moving volume 'mp0' from container '460' to '461'",
      "removing volume 'mp0' from container '460' config",
      "target container '461' updated with 'mp3'",
      "TASK OK",
    ]);
    expect(await config(s, 460)).not.toHaveProperty("mp0");
    expect((await config(s, 461)).mp3).toBe("local-lvm:vm-461-disk-1,mp=/data,size=1G");
    const rootfs = await api(s, "POST", "/nodes/pve1/lxc/460/move_volume", { volume: "rootfs", "target-vmid": 461 });
    expect(rootfs.json?.message).toBe("Cannot move to/from 'rootfs'\n");
  });
});

describe("migrate", () => {
  it("refuses a running container without restart, fails a live migration in the task, and relocates with restart", async () => {
    const s = sim();
    await createCt(s, 470, { rootfs: "local-lvm:1" });
    expect((await api(s, "POST", "/nodes/pve1/lxc/470/migrate", { target: "pve1" })).json?.errors).toEqual({ target: "target is local node." });
    expect(await data(api(s, "GET", "/nodes/pve1/lxc/470/migrate"))).toEqual({ running: 0, "allowed-nodes": ["pve2", "pve3"], "not-allowed-nodes": {} });
    await run(s, "POST", "/nodes/pve1/lxc/470/status/start");
    const plain = await api(s, "POST", "/nodes/pve1/lxc/470/migrate", { target: "pve2" });
    expect([plain.status, plain.json?.message]).toEqual([500, "can't migrate running container without --online or --restart\n"]);
    const live = await run(s, "POST", "/nodes/pve1/lxc/470/migrate", { target: "pve2", online: 1 });
    expect(live.status).toBe("migration aborted");
    expect(live.log.some((l) => /ERROR: migration aborted \(duration \d\d:\d\d:\d\d\): lxc live migration is currently not implemented$/.test(l))).toBe(true);
    expect((await status(s, 470)).status).toBe("running"); // still on pve1
    const moved = await run(s, "POST", "/nodes/pve1/lxc/470/migrate", { target: "pve2", restart: 1 });
    expect([moved.upid.split(":")[5], moved.status]).toEqual(["vzmigrate", "OK"]);
    const text = moved.log.map((l) => l.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d /, ""));
    expect(text).toEqual([
      "shutdown CT 470",
      "starting migration of CT 470 to node 'pve2' (127.0.0.2)",
      "found local volume 'local-lvm:vm-470-disk-0' (in current VM config)",
      "volume 'local-lvm:vm-470-disk-0' is 'local-lvm:vm-470-disk-0' on the target",
      "start final cleanup",
      "start container on target node",
      expect.stringMatching(/^migration finished successfully \(duration \d\d:\d\d:\d\d\)$/),
      "TASK OK",
    ]);
    expect(await status(s, 470, "pve2")).toMatchObject({ status: "running" });
    expect(await config(s, 470, "pve2")).not.toHaveProperty("lock");
    expect(await volumes(s, "local-lvm", 470, "pve2")).toEqual(["local-lvm:vm-470-disk-0"]);
    expect(await volumes(s, "local-lvm", 470, "pve1")).toEqual([]);
  });

  it("only queues the migration of an HA-managed container; the manager relocates it", async () => {
    const s = sim();
    await createCt(s, 475, { rootfs: "local-lvm:1" });
    await data(api(s, "POST", "/cluster/ha/resources", { sid: "ct:475", state: "started" }));
    await until(async () => (await status(s, 475)).status === "running");
    const running = await api(s, "POST", "/nodes/pve1/lxc/475/migrate", { target: "pve3" });
    expect(running.json?.message).toBe("can't migrate running container without --online or --restart\n"); // checked before HA
    const queued = await run(s, "POST", "/nodes/pve1/lxc/475/migrate", { target: "pve3", restart: 1 });
    expect([queued.upid.split(":")[5], queued.log]).toEqual(["hamigrate", ["Requesting HA migration for CT 475 to node pve3", "TASK OK"]]);
    await until(async () => {
      const r = (await data<Record<string, unknown>[]>(api(s, "GET", "/cluster/resources", { type: "vm" }))).find((x) => x.vmid === 475);
      return r?.node === "pve3" && r.status === "running";
    });
    expect(await status(s, 475, "pve3")).toMatchObject({ status: "running", ha: { managed: 1 } });
  });
});

describe("destroy", () => {
  it("refuses protected, locked and running containers, then frees owned volumes; purge drops HA and backup-job entries", async () => {
    const s = sim();
    await createCt(s, 480, { protection: 1, rootfs: "local-lvm:1" });
    const protectedCt = await api(s, "DELETE", "/nodes/pve1/lxc/480");
    expect([protectedCt.status, protectedCt.json?.message]).toEqual([500, "can't remove CT 480 - protection mode enabled\n"]);
    await data(api(s, "PUT", "/nodes/pve1/lxc/480/config", { delete: "protection" }));
    await run(s, "POST", "/nodes/pve1/lxc/480/status/start");
    expect((await api(s, "DELETE", "/nodes/pve1/lxc/480")).json?.message).toBe("unable to destroy CT 480 - container is running\n");
    await data(api(s, "POST", "/cluster/backup", { vmid: "480,481", storage: "local", schedule: "daily" }));
    await data(api(s, "POST", "/cluster/ha/resources", { sid: "ct:480", state: "started" }));
    expect((await api(s, "DELETE", "/nodes/pve1/lxc/480", { force: 1 })).json?.message).toBe(
      "unable to remove CT 480 - used in HA resources and purge parameter not set.\n",
    );
    const forced = await run(s, "DELETE", "/nodes/pve1/lxc/480", { force: 1, purge: 1 });
    expect([forced.upid.split(":")[5], forced.status]).toEqual(["vzdestroy", "OK"]);
    expect(forced.log).toEqual([
      "forced to stop CT 480 before destroying!",
      "purging CT 480 from related configurations..",
      "NOTE: removed CT 480 from HA resource configuration.",
      "TASK OK",
    ]);
    expect((await api(s, "GET", "/nodes/pve1/lxc/480/config")).json?.message).toBe("Configuration file 'nodes/pve1/lxc/480.conf' does not exist\n");
    expect(await volumes(s, "local-lvm", 480)).toEqual([]);
    expect((await data<{ vmid: string }[]>(api(s, "GET", "/cluster/backup")))[0]).toMatchObject({ vmid: "481" });
    expect((await api(s, "GET", "/cluster/ha/resources/ct:480")).json?.message).toBe("no such resource 'ct:480'\n");
  });

  it("keeps volumes it does not own and frees unreferenced ones only when asked", async () => {
    const s = sim();
    await createCt(s, 490, { rootfs: "local-lvm:1" });
    await data(api(s, "POST", "/nodes/pve1/storage/local-lvm/content", { vmid: 490, filename: "vm-490-disk-7", size: "1G" }));
    expect((await run(s, "DELETE", "/nodes/pve1/lxc/490")).status).toBe("OK");
    expect(await volumes(s, "local-lvm", 490)).toEqual(["local-lvm:vm-490-disk-7"]);
    await createCt(s, 490, { rootfs: "local-lvm:1" });
    expect((await run(s, "DELETE", "/nodes/pve1/lxc/490", { "destroy-unreferenced-disks": 1 })).status).toBe("OK");
    expect(await volumes(s, "local-lvm", 490)).toEqual([]);
  });
});
