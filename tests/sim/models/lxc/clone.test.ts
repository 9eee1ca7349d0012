/**
 * pve-container clone through HTTPS, and the clone race: `set_lock($vmid, 'disk')` runs inside
 * the request, so parallel clones of one template without client-side serialization meet the
 * source's `lock: disk` at once (`CT is locked (disk)`), exactly as on PVE.
 */
import { describe, expect, it } from "vitest";
import type { Simulator } from "../../index";
import { api, createCt, data, finish, run, useGuestSimulator } from "../../testkit/guests";

/** Clones of templates 500 and 510 take 1.5 s, long enough to watch them and for the race to meet the lock. */
const sim = useGuestSimulator({ taskDuration: (t) => (t.type === "vzclone" && (t.id === "500" || t.id === "510") ? 1500 : undefined) });

const config = (s: Simulator, vmid: number, node = "pve1"): Promise<Record<string, unknown>> => data(api(s, "GET", `/nodes/${node}/lxc/${vmid}/config`));

/** Creates a container and converts it to a template, waiting for the vztemplate worker. */
async function template(s: Simulator, vmid: number, params: Record<string, string | number> = {}): Promise<void> {
  await createCt(s, vmid, params);
  await data(api(s, "POST", `/nodes/pve1/lxc/${vmid}/template`));
  for (let i = 0; i < 200 && (await config(s, vmid)).template !== 1; i++) await new Promise((r) => setTimeout(r, 25));
}

describe("clone", () => {
  it("makes a linked clone of a template by default, with lock: disk on the source while it runs", async () => {
    const s = sim();
    await template(s, 500, { hostname: "tmpl", rootfs: "local-lvm:2", net0: "name=eth0,bridge=vmbr0,ip=dhcp", tags: "gold" });
    const source = await config(s, 500);
    const reply = await api(s, "POST", "/nodes/pve1/lxc/500/clone", { newid: 501, hostname: "web1" });
    expect(reply.status).toBe(200);
    expect(await config(s, 500)).toMatchObject({ lock: "disk" }); // set synchronously, before the worker
    expect(await config(s, 501)).toMatchObject({ lock: "create", hostname: "web1" });
    const done = await finish(s, String(reply.json?.data));
    expect(done.upid).toMatch(/:vzclone:500:/);
    expect(done.log).toEqual([
      "creating a clone of container 500 with ID 501",
      "create linked clone of mount point rootfs (local-lvm:base-500-disk-0)",
      "TASK OK",
    ]);
    const clone = await config(s, 501);
    expect(clone).toMatchObject({ hostname: "web1", rootfs: "local-lvm:vm-501-disk-0,size=2G", tags: "gold", ostype: "debian", unprivileged: 1 });
    expect(clone).not.toHaveProperty("template");
    expect(clone).not.toHaveProperty("lock");
    expect(clone.net0).not.toBe(source.net0); // always a new MAC
    expect(await config(s, 500)).not.toHaveProperty("lock");
  });

  it("parallel clones of one template meet its lock: one clone runs, the others are refused at once", async () => {
    const s = sim();
    await template(s, 510, { rootfs: "local-lvm:1" });
    const replies = await Promise.all([511, 512, 513, 514, 515].map((newid) => api(s, "POST", "/nodes/pve1/lxc/510/clone", { newid })));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 500, 500, 500, 500]);
    for (const refused of replies.filter((r) => r.status === 500)) expect(refused.json?.message).toBe("CT is locked (disk)\n");
    const winner = replies.find((r) => r.status === 200);
    expect((await finish(s, String(winner?.json?.data))).status).toBe("OK");
    const ids = await data<{ vmid: number }[]>(api(s, "GET", "/nodes/pve1/lxc"));
    expect(ids.map((c) => c.vmid).filter((v) => v > 510 && v < 516)).toHaveLength(1); // no half-made clone of the refused ones
    // once the lock is gone the next clone goes through
    expect((await run(s, "POST", "/nodes/pve1/lxc/510/clone", { newid: 516 })).status).toBe("OK");
  });

  it("full-clones to another storage, and refuses what clone_vm refuses", async () => {
    const s = sim();
    await data(api(s, "POST", "/storage", { storage: "ctdir2", type: "dir", path: "/srv/ct2", content: "rootdir,images" }));
    await createCt(s, 520, { rootfs: "local-lvm:1", mp0: "local-lvm:1,mp=/d" });
    const full = await run(s, "POST", "/nodes/pve1/lxc/520/clone", { newid: 521, storage: "ctdir2" });
    expect(full.log).toEqual([
      "creating a clone of container 520 with ID 521",
      "create full clone of mountpoint mp0 (local-lvm:vm-520-disk-1)",
      "create full clone of mountpoint rootfs (local-lvm:vm-520-disk-0)",
      "TASK OK",
    ]);
    expect(await config(s, 521)).toMatchObject({ rootfs: "ctdir2:521/vm-521-disk-1.raw,size=1G", mp0: "ctdir2:521/vm-521-disk-0.raw,mp=/d,size=1G" });
    const linked = await api(s, "POST", "/nodes/pve1/lxc/520/clone", { newid: 522, full: 0 });
    // keys are checked in sorted order, so mp0 comes before rootfs
    expect([linked.status, linked.json?.message]).toEqual([500, "Linked clone feature for 'local-lvm:vm-520-disk-1' is not available\n"]);
    expect(await config(s, 520)).not.toHaveProperty("lock"); // both locks removed again
    expect((await api(s, "GET", "/nodes/pve1/lxc/522/config")).status).toBe(500);
    // a template on a directory storage cannot make linked clones (they would be qcow2)
    await template(s, 523, { rootfs: "ctdir2:1" });
    const onDir = await api(s, "POST", "/nodes/pve1/lxc/523/clone", { newid: 524 });
    expect(onDir.json?.message).toBe("Linked clone feature for 'ctdir2:523/base-523-disk-0.raw' is not available\n");
    const storage = await api(s, "POST", "/nodes/pve1/lxc/523/clone", { newid: 524, full: 0, storage: "local-lvm" });
    expect(storage.json?.message).toBe("parameter 'storage' not allowed for linked clones\n");
    const taken = await api(s, "POST", "/nodes/pve1/lxc/520/clone", { newid: 521 });
    expect(taken.json?.message).toBe("CT 521 already exists on node 'pve1'\n");
    const elsewhere = await api(s, "POST", "/nodes/pve1/lxc/520/clone", { newid: 525, target: "pve2" });
    expect(elsewhere.json?.message).toBe("can't clone CT to node 'pve2' (CT uses local storage)\n");
    await run(s, "POST", "/nodes/pve1/lxc/520/status/start");
    const running = await api(s, "POST", "/nodes/pve1/lxc/520/clone", { newid: 525 });
    expect(running.json?.message).toBe("Full clone of a running container is only possible from a snapshot\n");
    const bind = await createCt(s, 526, { rootfs: "local-lvm:1" }).then(() => api(s, "PUT", "/nodes/pve1/lxc/526/config", { mp0: "/srv,mp=/srv" }));
    expect(bind.status).toBe(403); // the token is not root@pam
  });
});
