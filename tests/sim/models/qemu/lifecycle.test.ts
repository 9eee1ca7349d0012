/** qemu-server power, guest agent, HA and destroy through HTTPS. */
import { describe, expect, it } from "vitest";
import type { Simulator } from "../../index";
import { api, createVm, data, run, useGuestSimulator } from "../../testkit/guests";
import { login } from "../../testkit/raw";

/** The guest agent of these VMs answers 300 ms after start; VM 560's guest has none installed. */
const sim = useGuestSimulator({ qemu: { agentStartMs: 300, agentInstalled: (vmid) => vmid !== 560 } });

const status = (s: Simulator, vmid: number, node = "pve1"): Promise<Record<string, unknown>> =>
  data(api(s, "GET", `/nodes/${node}/qemu/${vmid}/status/current`));
const until = async (check: () => Promise<boolean>): Promise<void> => {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("condition not reached");
};

describe("power", () => {
  it("starts and stops as qmstart/qmstop tasks, refusing what PVE refuses", async () => {
    const s = sim();
    await createVm(s, 500, { memory: 1024, cores: 2, scsi0: "local-lvm:1" });
    expect(await status(s, 500)).toMatchObject({
      status: "stopped",
      qmpstatus: "stopped",
      maxmem: 1024 ** 3,
      maxdisk: 1024 ** 3,
      cpus: 2,
      name: "VM 500",
      ha: { managed: 0 },
    });
    const started = await run(s, "POST", "/nodes/pve1/qemu/500/status/start");
    expect(started.upid).toMatch(/:qmstart:500:root@pam!test:$/);
    expect(started.status).toBe("OK");
    expect(await status(s, 500)).toMatchObject({ status: "running", qmpstatus: "running", pid: expect.any(Number) });
    const twice = await run(s, "POST", "/nodes/pve1/qemu/500/status/start");
    expect(twice.status).toBe("VM 500 already running");
    const missing = await run(s, "POST", "/nodes/pve1/qemu/599/status/start");
    expect(missing.status).toBe("Configuration file 'nodes/pve1/qemu-server/599.conf' does not exist");
    const reboot = await api(s, "POST", "/nodes/pve1/qemu/599/status/reboot");
    expect([reboot.status, reboot.json?.message]).toEqual([500, "unable to find configuration file for VM 599 on node 'pve1'\n"]);
    expect((await run(s, "POST", "/nodes/pve1/qemu/500/status/stop")).status).toBe("OK");
    expect((await status(s, 500)).status).toBe("stopped");
    expect((await run(s, "POST", "/nodes/pve1/qemu/500/status/stop")).status).toBe("OK"); // stopping a stopped VM is fine
    const notRunning = await api(s, "POST", "/nodes/pve1/qemu/500/status/reboot");
    expect(notRunning.json?.message).toBe("VM 500 not running\n");
    const root = await api(s, "POST", "/nodes/pve1/qemu/500/status/start", { skiplock: 1 });
    expect([root.status, root.json?.errors]).toEqual([400, { skiplock: "Only root may use this option." }]);
  });

  it("starts a VM created with start=1 in a qmstart task of its own, whose failure the create task does not see", async () => {
    const s = sim();
    const tasks = async (vmid: number): Promise<{ upid: string; status?: string }[]> =>
      data(api(s, "GET", "/nodes/pve1/tasks", { vmid, typefilter: "qmstart", source: "all" }));
    const template = await createVm(s, 530, { start: 1, template: 1 });
    expect(template.log).toContain("Execute autostart");
    expect(template.log.join("\n")).not.toContain("template");
    await until(async () => (await tasks(530)).some((t) => t.status !== undefined && t.status !== "RUNNING"));
    expect((await tasks(530))[0]?.status).toBe("you can't start a vm if it's a template");
    await createVm(s, 531, { start: 1 });
    await until(async () => (await status(s, 531)).status === "running");
    expect((await tasks(531))[0]?.upid).toMatch(/:qmstart:531:root@pam!test:$/);
  });

  it("reports what vmstatus gathers for a running VM: pressure, per-NIC tap counters, per-drive blockstats, the balloon only with a balloon device", async () => {
    const s = sim();
    await createVm(s, 537, { memory: 1024, scsi0: "local-lvm:1", ide2: "none,media=cdrom", net0: "virtio,bridge=vmbr0", net2: "e1000,bridge=vmbr0" });
    await run(s, "POST", "/nodes/pve1/qemu/537/status/start");
    const running = await status(s, 537);
    const pressure = ["pressurecpusome", "pressurecpufull", "pressureiosome", "pressureiofull", "pressurememorysome", "pressurememoryfull"];
    for (const key of pressure) expect(running[key]).toBe(0);
    expect(Object.keys(running.nics as object)).toEqual(["tap537i0", "tap537i2"]);
    expect((running.nics as Record<string, unknown>).tap537i0).toEqual({ netin: 0, netout: 0 });
    expect(Object.keys(running.blockstat as object).sort()).toEqual(["ide2", "scsi0"]);
    expect((running.blockstat as Record<string, unknown>).scsi0).toMatchObject({
      rd_bytes: 0,
      wr_bytes: 0,
      rd_operations: 0,
      wr_operations: 0,
      account_invalid: true,
      timed_stats: [],
    });
    expect(running).toMatchObject({ balloon: 1024 ** 3, ballooninfo: { actual: 1024 ** 3, max_mem: 1024 ** 3 }, diskread: 0, diskwrite: 0 });
    const listed = (await data<Record<string, unknown>[]>(api(s, "GET", "/nodes/pve1/qemu"))).find((v) => v.vmid === 537);
    expect(listed?.pressurememoryfull).toBe(0);
    expect(listed?.nics).toBeUndefined();
    await createVm(s, 538, { memory: 512, balloon: 0 });
    await run(s, "POST", "/nodes/pve1/qemu/538/status/start");
    const bare = await status(s, 538);
    expect([bare.balloon, bare.ballooninfo, bare.freemem, bare.nics, bare.blockstat, bare.diskread]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      0,
    ]);
    await run(s, "POST", "/nodes/pve1/qemu/538/status/stop");
    const stopped = await status(s, 538);
    expect([stopped.pressurecpusome, stopped.diskread, stopped.qmpstatus]).toEqual([undefined, undefined, "stopped"]);
  });

  it("answers clipboard as null when vga is set without one, as vm_status copies the parsed key", async () => {
    const s = sim();
    await createVm(s, 539, { vga: "std" });
    await createVm(s, 540, { vga: "qxl,clipboard=vnc" });
    await createVm(s, 541);
    const reply = await api(s, "GET", "/nodes/pve1/qemu/539/status/current");
    expect(reply.json?.data).toHaveProperty("clipboard", null);
    expect(await status(s, 540)).toMatchObject({ clipboard: "vnc", spice: 1 });
    expect(await status(s, 541)).not.toHaveProperty("clipboard");
  });

  it("refuses to start a template or a locked VM in the task", async () => {
    const s = sim();
    await createVm(s, 501, { template: 1 });
    expect((await run(s, "POST", "/nodes/pve1/qemu/501/status/start")).status).toBe("you can't start a vm if it's a template");
    await createVm(s, 502);
    const root = await login(s, "root@pam", "rootpw-123");
    await data(api(s, "PUT", "/nodes/pve1/qemu/502/config", { lock: "backup" }, root));
    expect((await run(s, "POST", "/nodes/pve1/qemu/502/status/start")).status).toBe("VM is locked (backup)");
    expect((await run(s, "POST", "/nodes/pve1/qemu/502/status/start", { skiplock: 1 }, root)).status).toBe("OK");
  });

  it("applies pending changes on reboot, which restarts the VM in a new qmstart task", async () => {
    const s = sim();
    await createVm(s, 510, { cores: 1 });
    await run(s, "POST", "/nodes/pve1/qemu/510/status/start");
    await run(s, "POST", "/nodes/pve1/qemu/510/config", { cores: 4 });
    expect(await data<unknown[]>(api(s, "GET", "/nodes/pve1/qemu/510/pending"))).toContainEqual({ key: "cores", value: 1, pending: 4 });
    const reboot = await run(s, "POST", "/nodes/pve1/qemu/510/status/reboot");
    expect(reboot.status).toBe("OK");
    await until(async () => (await status(s, 510)).status === "running");
    expect(await data<unknown[]>(api(s, "GET", "/nodes/pve1/qemu/510/pending"))).toContainEqual({ key: "cores", value: 4 });
    expect((await status(s, 510)).cpus).toBe(4);
    const tasks = await data<{ user: string; tokenid?: string }[]>(api(s, "GET", "/nodes/pve1/tasks", { vmid: 510, typefilter: "qmstart" }));
    // newest first: qmeventd's restart runs as root@pam itself, the first start was the token's
    expect(tasks.map((t) => `${t.user}${t.tokenid ? `!${t.tokenid}` : ""}`)).toEqual(["root@pam", "root@pam!test"]);
  });

  it("applies pending changes when a shutdown stops the VM, and pauses and resumes", async () => {
    const s = sim();
    await createVm(s, 520, { memory: 1024 });
    await run(s, "POST", "/nodes/pve1/qemu/520/status/start");
    await run(s, "POST", "/nodes/pve1/qemu/520/config", { memory: 2048 });
    expect((await run(s, "POST", "/nodes/pve1/qemu/520/status/suspend")).upid).toMatch(/:qmpause:520:/);
    expect((await status(s, 520)).qmpstatus).toBe("paused");
    const shutdown = await api(s, "POST", "/nodes/pve1/qemu/520/status/shutdown");
    expect([shutdown.status, shutdown.json?.message]).toEqual([500, "VM is paused - cannot shutdown\n"]);
    expect((await run(s, "POST", "/nodes/pve1/qemu/520/status/resume")).status).toBe("OK");
    expect((await status(s, 520)).qmpstatus).toBe("running");
    expect((await run(s, "POST", "/nodes/pve1/qemu/520/status/shutdown")).status).toBe("OK");
    expect(await data<Record<string, unknown>>(api(s, "GET", "/nodes/pve1/qemu/520/config", { current: 1 }))).toMatchObject({ memory: "2048" });
  });

  it("hibernates to the storage find_vmstate_storage picks, and a start from it frees the state volume", async () => {
    const s = sim();
    const config = (vmid: number): Promise<Record<string, unknown>> => data(api(s, "GET", `/nodes/pve1/qemu/${vmid}/config`));
    const volumes = async (vmid: number): Promise<{ volid: string; size: number }[]> => data(api(s, "GET", "/nodes/pve1/storage/local-lvm/content", { vmid }));
    await createVm(s, 533, { memory: 1024, scsi0: "local-lvm:1" });
    await run(s, "POST", "/nodes/pve1/qemu/533/status/start");
    const hibernate = await run(s, "POST", "/nodes/pve1/qemu/533/status/suspend", { todisk: 1 });
    expect([hibernate.upid, hibernate.status]).toEqual([expect.stringMatching(/:qmsuspend:533:/), "OK"]);
    expect(hibernate.log).toContain("State saved, quitting");
    const state = String((await config(533)).vmstate);
    // a local storage the VM has a disk on; 2 × memory + 500 MiB of driver state
    expect(state).toMatch(/^local-lvm:vm-533-state-suspend-\d{4}-\d{2}-\d{2}$/);
    expect((await volumes(533)).find((v) => v.volid === state)?.size).toBe((2 * 1024 + 500) * 1024 * 1024);
    expect(await config(533)).toMatchObject({ lock: "suspended", runningmachine: expect.any(String) });
    expect((await status(s, 533)).status).toBe("stopped");
    const resumed = await run(s, "POST", "/nodes/pve1/qemu/533/status/resume");
    expect([resumed.upid, resumed.status]).toEqual([expect.stringMatching(/:qmresume:533:/), "OK"]);
    expect(resumed.log).toEqual(expect.arrayContaining(["Resuming suspended VM", "Resumed VM, removing state"]));
    expect((await status(s, 533)).status).toBe("running");
    const after = await config(533);
    expect([after.lock, after.vmstate, after.runningmachine]).toEqual([undefined, undefined, undefined]);
    expect((await volumes(533)).map((v) => v.volid)).toEqual(["local-lvm:vm-533-disk-0"]);
    // no disk: the fallback is `local`, a directory storage, so the state file is named .raw
    await createVm(s, 534, { memory: 512 });
    await run(s, "POST", "/nodes/pve1/qemu/534/status/start");
    await run(s, "POST", "/nodes/pve1/qemu/534/status/suspend", { todisk: 1 });
    expect(String((await config(534)).vmstate)).toMatch(/^local:534\/vm-534-state-suspend-\d{4}-\d{2}-\d{2}\.raw$/);
  });

  it("pauses and resumes under a backup lock, and resuming a VM that runs is done before any lock check", async () => {
    const s = sim();
    const root = await login(s, "root@pam", "rootpw-123");
    await createVm(s, 535);
    await run(s, "POST", "/nodes/pve1/qemu/535/status/start");
    await data(api(s, "PUT", "/nodes/pve1/qemu/535/config", { lock: "backup" }, root));
    expect((await run(s, "POST", "/nodes/pve1/qemu/535/status/suspend")).status).toBe("OK");
    expect((await status(s, 535)).qmpstatus).toBe("paused");
    expect((await run(s, "POST", "/nodes/pve1/qemu/535/status/suspend", { todisk: 1 })).status).toBe("cannot suspend to disk during backup");
    expect((await run(s, "POST", "/nodes/pve1/qemu/535/status/resume")).status).toBe("OK");
    expect((await status(s, 535)).qmpstatus).toBe("running");
    await createVm(s, 536);
    await run(s, "POST", "/nodes/pve1/qemu/536/status/start");
    await data(api(s, "PUT", "/nodes/pve1/qemu/536/config", { lock: "snapshot" }, root));
    expect((await run(s, "POST", "/nodes/pve1/qemu/536/status/resume")).status).toBe("OK");
    expect((await run(s, "POST", "/nodes/pve1/qemu/536/status/suspend")).status).toBe("VM is locked (snapshot)");
  });

  it("forks a shutdown for a VM that is not on the node and fails it in the task, as vm_is_paused only warns", async () => {
    const s = sim();
    const missing = await run(s, "POST", "/nodes/pve1/qemu/529/status/shutdown");
    expect(missing.upid).toMatch(/:qmshutdown:529:/);
    expect(missing.status).toBe("unable to find configuration file for VM 529 on node 'pve1'");
    const reboot = await api(s, "POST", "/nodes/pve1/qemu/529/status/reboot");
    expect([reboot.status, reboot.json?.message]).toEqual([500, "unable to find configuration file for VM 529 on node 'pve1'\n"]);
    await createVm(s, 528);
    await run(s, "POST", "/nodes/pve1/qemu/528/status/start");
    await run(s, "POST", "/nodes/pve1/qemu/528/status/suspend");
    const forced = await run(s, "POST", "/nodes/pve1/qemu/528/status/shutdown", { forceStop: 1 });
    expect(forced.status).toBe("OK");
    expect(forced.log).not.toContain("VM is paused - stop instead of shutdown"); // warned by the API daemon, before the fork
    expect((await status(s, 528)).status).toBe("stopped");
  });
});

describe("guest agent", () => {
  it("says the agent is absent until it is configured, the VM runs and the guest has booted it", async () => {
    const s = sim();
    await createVm(s, 550, { net0: "virtio,bridge=vmbr0", ipconfig0: "ip=192.0.2.10/24,gw=192.0.2.1", name: "agent-vm" });
    const none = await api(s, "POST", "/nodes/pve1/qemu/550/agent/ping");
    expect([none.status, none.json?.message]).toEqual([500, "No QEMU guest agent configured\n"]);
    await data(api(s, "PUT", "/nodes/pve1/qemu/550/config", { agent: "enabled=1" }));
    const stopped = await api(s, "POST", "/nodes/pve1/qemu/550/agent/ping");
    expect(stopped.json?.message).toBe("VM 550 is not running\n");
    await run(s, "POST", "/nodes/pve1/qemu/550/status/start");
    const booting = await api(s, "POST", "/nodes/pve1/qemu/550/agent/ping");
    expect([booting.status, booting.reason]).toEqual([500, "QEMU guest agent is not running"]);
    await until(async () => (await api(s, "POST", "/nodes/pve1/qemu/550/agent/ping")).status === 200);
    expect(await data(api(s, "POST", "/nodes/pve1/qemu/550/agent/ping"))).toEqual({ result: {} });
    const nics = await data<{ result: { name: string; "hardware-address": string; "ip-addresses": { "ip-address": string }[] }[] }>(
      api(s, "GET", "/nodes/pve1/qemu/550/agent/network-get-interfaces"),
    );
    const mac = String((await data<Record<string, string>>(api(s, "GET", "/nodes/pve1/qemu/550/config"))).net0)
      .split(",")[0]
      ?.split("=")[1]
      ?.toLowerCase();
    expect(nics.result.map((n) => n.name)).toEqual(["lo", "eth0"]);
    expect(nics.result[1]).toMatchObject({ "hardware-address": mac, "ip-addresses": [{ "ip-address": "192.0.2.10", prefix: 24 }] });
    expect(await data(api(s, "GET", "/nodes/pve1/qemu/550/agent/get-osinfo"))).toMatchObject({ result: { id: "debian", "pretty-name": expect.any(String) } });
    expect(await data(api(s, "GET", "/nodes/pve1/qemu/550/agent/get-host-name"))).toEqual({ result: { "host-name": "agent-vm" } });
  });

  it("runs commands with exec/exec-status, freezes and thaws, writes and reads files, sets passwords", async () => {
    const s = sim();
    await createVm(s, 551, { agent: "1" });
    await run(s, "POST", "/nodes/pve1/qemu/551/status/start");
    await until(async () => (await api(s, "POST", "/nodes/pve1/qemu/551/agent/ping")).status === 200);
    const { pid } = await data<{ pid: number }>(api(s, "POST", "/nodes/pve1/qemu/551/agent/exec", { command: ["echo", "hello", "world"] }));
    expect(await data(api(s, "GET", "/nodes/pve1/qemu/551/agent/exec-status", { pid }))).toEqual({ exited: 1, exitcode: 0, "out-data": "hello world\n" });
    const failing = await data<{ pid: number }>(api(s, "POST", "/nodes/pve1/qemu/551/agent/exec", { command: ["false"] }));
    expect(await data(api(s, "GET", "/nodes/pve1/qemu/551/agent/exec-status", { pid: failing.pid }))).toEqual({ exited: 1, exitcode: 1 });
    const piped = await data<{ pid: number }>(api(s, "POST", "/nodes/pve1/qemu/551/agent/exec", { command: ["cat"], "input-data": "from stdin" }));
    expect(await data(api(s, "GET", "/nodes/pve1/qemu/551/agent/exec-status", { pid: piped.pid }))).toMatchObject({ "out-data": "from stdin" });
    const unknown = await api(s, "POST", "/nodes/pve1/qemu/551/agent/exec", { command: ["frobnicate"] });
    expect(unknown.json?.message).toMatch(/^Agent error: Guest agent command failed, error was 'Failed to execute child process/);
    expect(await data(api(s, "POST", "/nodes/pve1/qemu/551/agent/fsfreeze-freeze"))).toEqual({ result: 1 });
    expect(await data(api(s, "POST", "/nodes/pve1/qemu/551/agent/fsfreeze-status"))).toEqual({ result: "frozen" });
    expect(await data(api(s, "POST", "/nodes/pve1/qemu/551/agent/fsfreeze-thaw"))).toEqual({ result: 1 });
    expect(await data(api(s, "POST", "/nodes/pve1/qemu/551/agent/file-write", { file: "/etc/motd", content: "welcome" }))).toBeNull();
    expect(await data(api(s, "GET", "/nodes/pve1/qemu/551/agent/file-read", { file: "/etc/motd" }))).toEqual({ content: "welcome", "bytes-read": 7 });
    expect(await data(api(s, "POST", "/nodes/pve1/qemu/551/agent/set-user-password", { username: "root", password: "new-password" }))).toEqual({ result: {} });
    const short = await api(s, "POST", "/nodes/pve1/qemu/551/agent/set-user-password", { username: "root", password: "abc" });
    expect(short.status).toBe(400);
  });

  it("never answers for a guest without an agent installed", async () => {
    const s = sim();
    await createVm(s, 560, { agent: "1" });
    await run(s, "POST", "/nodes/pve1/qemu/560/status/start");
    await new Promise((r) => setTimeout(r, 400));
    expect((await api(s, "POST", "/nodes/pve1/qemu/560/agent/ping")).json?.message).toBe("QEMU guest agent is not running\n");
  });
});

describe("HA", () => {
  it("creates with ha-managed, answers hastart with a queued request, and shows hastate", async () => {
    const s = sim();
    const done = await createVm(s, 570, { "ha-managed": 1, start: 1 });
    expect(done.log).toEqual(expect.arrayContaining(["Add as HA resource", "Execute autostart"]));
    expect(await data(api(s, "GET", "/cluster/ha/resources/vm:570"))).toMatchObject({ sid: "vm:570", type: "vm", state: "started" });
    await until(async () => (await status(s, 570)).status === "running");
    expect((await status(s, 570)).ha).toEqual({ managed: 1, state: "started" });
    // create's autostart goes through vm_start, which only queues an HA start for a managed VM
    const hastart = await data<{ upid: string }[]>(api(s, "GET", "/nodes/pve1/tasks", { vmid: 570, typefilter: "hastart", source: "all" }));
    expect(hastart.map((t) => t.upid)).toEqual([expect.stringMatching(/:hastart:570:root@pam!test:$/)]);
    const starts = await data<{ upid: string }[]>(api(s, "GET", "/nodes/pve1/tasks", { vmid: 570, typefilter: "qmstart", source: "all" }));
    expect(starts).toHaveLength(1);
    const stop = await run(s, "POST", "/nodes/pve1/qemu/570/status/stop");
    expect(stop.upid).toMatch(/:hastop:570:/);
    expect(stop.log).toContain("Requesting HA stop for VM 570");
    await until(async () => (await status(s, 570)).status === "stopped");
    const resources = await data<{ vmid?: number; hastate?: string }[]>(api(s, "GET", "/cluster/resources", { type: "vm" }));
    expect(resources.find((r) => r.vmid === 570)?.hastate).toBe("stopped");
    const destroy = await api(s, "DELETE", "/nodes/pve1/qemu/570");
    expect(destroy.json?.message).toBe("unable to remove VM 570 - used in HA resources and purge parameter not set.\n");
    const purged = await run(s, "DELETE", "/nodes/pve1/qemu/570", { purge: 1 });
    expect(purged.log).toContain("NOTE: removed VM 570 from HA resource configuration.");
    expect((await api(s, "GET", "/cluster/ha/resources/vm:570")).json?.message).toBe("no such resource 'vm:570'\n");
  });
});

describe("destroy", () => {
  it("refuses protected and running VMs, then frees owned volumes, pool membership and ACLs", async () => {
    const s = sim();
    await data(api(s, "POST", "/pools", { poolid: "gone" }));
    await createVm(s, 580, { scsi0: "local-lvm:1", protection: 1, pool: "gone" });
    await data(api(s, "PUT", "/access/acl", { path: "/vms/580", roles: "PVEVMUser", users: "root@pam" }));
    const protectedVm = await api(s, "DELETE", "/nodes/pve1/qemu/580");
    expect([protectedVm.status, protectedVm.json?.message]).toEqual([500, "can't remove VM 580 - protection mode enabled\n"]);
    await data(api(s, "PUT", "/nodes/pve1/qemu/580/config", { delete: "protection" }));
    await run(s, "POST", "/nodes/pve1/qemu/580/status/start");
    expect((await api(s, "DELETE", "/nodes/pve1/qemu/580")).json?.message).toBe("VM 580 is running - destroy failed\n");
    await run(s, "POST", "/nodes/pve1/qemu/580/status/stop");
    await data(api(s, "POST", "/nodes/pve1/storage/local-lvm/content", { vmid: 580, filename: "vm-580-disk-9", size: "1G" }));
    const destroyed = await run(s, "DELETE", "/nodes/pve1/qemu/580", { purge: 1, "destroy-unreferenced-disks": 1 });
    expect(destroyed.upid).toMatch(/:qmdestroy:580:/);
    expect(destroyed.status).toBe("OK");
    expect(await data<unknown[]>(api(s, "GET", "/nodes/pve1/storage/local-lvm/content", { vmid: 580 }))).toEqual([]);
    expect(await data(api(s, "GET", "/pools/gone"))).toEqual({ poolid: "gone", members: [] });
    expect(await data<{ path: string }[]>(api(s, "GET", "/access/acl"))).not.toContainEqual(expect.objectContaining({ path: "/vms/580" }));
    expect((await api(s, "GET", "/nodes/pve1/qemu/580/config")).status).toBe(500);
  });

  it("destroys unreferenced volumes only on storages with images content", async () => {
    const s = sim();
    await createVm(s, 585);
    await data(api(s, "POST", "/nodes/pve1/storage/local-lvm/content", { vmid: 585, filename: "vm-585-disk-7", size: "1G" }));
    await data(api(s, "PUT", "/storage/local-lvm", { content: "rootdir" }));
    expect((await run(s, "DELETE", "/nodes/pve1/qemu/585", { "destroy-unreferenced-disks": 1 })).status).toBe("OK");
    // vdisk_list(..., 'images') skips a storage without images content
    await data(api(s, "PUT", "/storage/local-lvm", { content: "images,rootdir" }));
    const left = await data<{ volid: string }[]>(api(s, "GET", "/nodes/pve1/storage/local-lvm/content", { vmid: 585 }));
    expect(left.map((v) => v.volid)).toEqual(["local-lvm:vm-585-disk-7"]);
  });

  it("keeps unreferenced volumes without destroy-unreferenced-disks", async () => {
    const s = sim();
    await createVm(s, 581, { scsi0: "local-lvm:1" });
    await data(api(s, "POST", "/nodes/pve1/storage/local-lvm/content", { vmid: 581, filename: "vm-581-disk-5", size: "1G" }));
    await run(s, "DELETE", "/nodes/pve1/qemu/581");
    expect((await data<{ volid: string }[]>(api(s, "GET", "/nodes/pve1/storage/local-lvm/content", { vmid: 581 }))).map((v) => v.volid)).toEqual([
      "local-lvm:vm-581-disk-5",
    ]);
  });
});
