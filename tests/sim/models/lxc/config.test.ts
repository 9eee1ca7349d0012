/** pve-container PUT config through HTTPS: synchronous writes, [pve:pending], what a running container applies live, refusals. */
import { describe, expect, it } from "vitest";
import type { Simulator } from "../../index";
import { api, createCt, data, run, useGuestSimulator, type Params } from "../../testkit/guests";
import { login } from "../../testkit/raw";

const sim = useGuestSimulator();

type Pending = { key: string; value?: unknown; pending?: unknown; delete?: number }[];

const config = (s: Simulator, vmid: number, query: Params = {}): Promise<Record<string, unknown>> =>
  data(api(s, "GET", `/nodes/pve1/lxc/${vmid}/config`, query));
const pending = (s: Simulator, vmid: number): Promise<Pending> => data(api(s, "GET", `/nodes/pve1/lxc/${vmid}/pending`));
const volumes = async (s: Simulator, vmid: number): Promise<string[]> =>
  (await data<{ volid: string }[]>(api(s, "GET", "/nodes/pve1/storage/local-lvm/content", { vmid }))).map((v) => v.volid);
const put = (s: Simulator, vmid: number, params: Params, auth?: Parameters<typeof api>[4]) => api(s, "PUT", `/nodes/pve1/lxc/${vmid}/config`, params, auth);

describe("config of a stopped container", () => {
  it("applies everything at once and allocates a new mount point inside the request", async () => {
    const s = sim();
    await createCt(s, 300, { hostname: "web" });
    const before = await config(s, 300);
    const reply = await put(s, 300, {
      mp0: "local-lvm:2,mp=/data,backup=1",
      memory: 1024,
      tags: "B;a;b",
      description: "line one\nline two",
      digest: String(before.digest),
    });
    expect([reply.status, reply.json?.data]).toEqual([200, null]);
    // no task: the volume exists as soon as PUT answered
    expect(await volumes(s, 300)).toEqual(["local-lvm:vm-300-disk-0", "local-lvm:vm-300-disk-1"]);
    const after = await config(s, 300);
    expect(after).toMatchObject({ mp0: "local-lvm:vm-300-disk-1,mp=/data,backup=1,size=2G", memory: 1024, tags: "a;b", description: "line one\nline two\n" });
    expect(await pending(s, 300)).not.toContainEqual(expect.objectContaining({ pending: expect.anything() }));
    const stale = await put(s, 300, { cores: 2, digest: String(before.digest) });
    expect([stale.status, stale.json?.message]).toEqual([500, "detected modified configuration - file changed by other user? Try again.\n"]);
    const nothing = await put(s, 300, { digest: String(after.digest) });
    expect(nothing.json?.message).toBe("no options specified\n");
  });

  it("refuses to delete what a container needs and to change unprivileged", async () => {
    const s = sim();
    await createCt(s, 301);
    for (const key of ["memory", "rootfs", "ostype"]) {
      const r = await put(s, 301, { delete: key });
      expect([r.status, r.json?.message]).toEqual([500, `unable to delete required option '${key}'\n`]);
    }
    const unpriv = await put(s, 301, { unprivileged: 0 });
    expect(unpriv.json?.message).toBe("unable to modify read-only option: 'unprivileged'\n");
    const unprivDelete = await put(s, 301, { delete: "unprivileged" });
    expect(unprivDelete.json?.message).toBe("unable to delete read-only option: 'unprivileged'\n");
    const unknown = await put(s, 301, { delete: "frobnicate" });
    expect([unknown.status, unknown.json?.errors]).toEqual([400, { delete: "unknown option 'frobnicate'" }]);
    const both = await put(s, 301, { cores: 2, delete: "cores" });
    expect(both.json?.errors).toEqual({ delete: "you can't use '-cores' and -delete cores' at the same time" });
    const noRootdir = await put(s, 301, { mp0: "local:1,mp=/x" });
    expect(noRootdir.json?.message).toBe("storage 'local' does not allow content type 'rootdir' (Container)\n");
    expect((await config(s, 301)).unprivileged).toBe(1);
  });

  it("parks a deleted mount point as unusedN and frees it when the unused entry is deleted; protection keeps both", async () => {
    const s = sim();
    await createCt(s, 302, { rootfs: "local-lvm:1", mp0: "local-lvm:1,mp=/a" });
    await data(put(s, 302, { protection: 1 }));
    const guarded = await put(s, 302, { delete: "mp0" });
    expect(guarded.json?.message).toBe("can't remove CT 302 drive 'mp0' - protection mode enabled\n");
    await data(put(s, 302, { delete: "protection" }));
    await data(put(s, 302, { delete: "mp0" }));
    expect(await config(s, 302)).toMatchObject({ unused0: "local-lvm:vm-302-disk-1" });
    expect(await volumes(s, 302)).toContain("local-lvm:vm-302-disk-1");
    await data(put(s, 302, { delete: "unused0" }));
    expect(await config(s, 302)).not.toHaveProperty("unused0");
    expect(await volumes(s, 302)).toEqual(["local-lvm:vm-302-disk-0"]);
  });
});

describe("config of a running container", () => {
  it("applies fast-plug options, CPU limits, NICs, memory and new mount points live and keeps the rest pending", async () => {
    const s = sim();
    await createCt(s, 310, { hostname: "one", net0: "name=eth0,bridge=vmbr0,ip=dhcp" });
    expect((await run(s, "POST", "/nodes/pve1/lxc/310/status/start")).status).toBe("OK");
    await data(
      put(s, 310, {
        hostname: "two",
        cores: 2,
        cpulimit: 1.5,
        memory: 2048,
        swap: 0,
        net1: "name=eth1,bridge=vmbr0,ip=10.0.0.5/24",
        mp0: "local-lvm:1,mp=/data",
        ostype: "ubuntu",
        timezone: "Europe/Vienna",
        nameserver: "192.0.2.53 192.0.2.54",
      }),
    );
    const conf = await config(s, 310, { current: 1 });
    expect(conf).toMatchObject({
      hostname: "two",
      cores: 2,
      cpulimit: "1.5",
      memory: 2048,
      swap: 0,
      mp0: "local-lvm:vm-310-disk-1,mp=/data,size=1G",
      ostype: "debian",
    });
    expect(conf.net1).toMatch(/^name=eth1,bridge=vmbr0,hwaddr=BC:24:11:[0-9A-F:]{8},ip=10\.0\.0\.5\/24,type=veth$/);
    const rows = await pending(s, 310);
    expect(rows).toContainEqual({ key: "ostype", value: "debian", pending: "ubuntu" });
    expect(rows).toContainEqual({ key: "timezone", pending: "Europe/Vienna" });
    expect(rows).toContainEqual({ key: "nameserver", pending: "192.0.2.53 192.0.2.54" });
    expect(await config(s, 310)).toMatchObject({ ostype: "ubuntu", timezone: "Europe/Vienna" }); // pending values merged in
    // an existing mount point cannot change while running; deleting it waits too
    await data(put(s, 310, { mp0: "local-lvm:vm-310-disk-1,mp=/other,size=1G" }));
    expect(await pending(s, 310)).toContainEqual({
      key: "mp0",
      value: "local-lvm:vm-310-disk-1,mp=/data,size=1G",
      pending: "local-lvm:vm-310-disk-1,mp=/other,size=1G",
    });
    await data(put(s, 310, { revert: "mp0" }));
    await data(put(s, 310, { delete: "mp0" }));
    expect(await pending(s, 310)).toContainEqual({ key: "mp0", value: "local-lvm:vm-310-disk-1,mp=/data,size=1G", delete: 1 });
    // a reboot applies the pending changes; the deleted mount point becomes unused0
    expect((await run(s, "POST", "/nodes/pve1/lxc/310/status/reboot")).status).toBe("OK");
    const rebooted = await config(s, 310, { current: 1 });
    expect(rebooted).toMatchObject({ ostype: "ubuntu", timezone: "Europe/Vienna", nameserver: "192.0.2.53 192.0.2.54", unused0: "local-lvm:vm-310-disk-1" });
    expect(rebooted).not.toHaveProperty("mp0");
    expect(await pending(s, 310)).not.toContainEqual(expect.objectContaining({ pending: expect.anything() }));
    expect(await data(api(s, "GET", "/nodes/pve1/lxc/310/status/current"))).toMatchObject({ status: "running", cpus: 2, maxmem: 2048 * 1024 ** 2 });
  });

  it("keeps pending changes over a stop and applies them at the next start", async () => {
    const s = sim();
    await createCt(s, 311);
    await run(s, "POST", "/nodes/pve1/lxc/311/status/start");
    await data(put(s, 311, { arch: "arm64" }));
    expect((await run(s, "POST", "/nodes/pve1/lxc/311/status/stop")).status).toBe("OK");
    expect(await pending(s, 311)).toContainEqual({ key: "arch", value: "amd64", pending: "arm64" });
    // a write to a stopped container applies only what it touches
    await data(put(s, 311, { cores: 1 }));
    expect(await pending(s, 311)).toContainEqual({ key: "arch", value: "amd64", pending: "arm64" });
    await run(s, "POST", "/nodes/pve1/lxc/311/status/start");
    expect(await config(s, 311, { current: 1 })).toMatchObject({ arch: "arm64", cores: 1 });
  });
});

describe("who may change what", () => {
  it("checks each key's privilege and keeps hook scripts, devices, bind mounts and features from non-root users", async () => {
    const s = sim();
    await createCt(s, 320);
    await data(api(s, "POST", "/access/users", { userid: "ctnet@pve", password: "ctnet-password" }));
    await data(api(s, "POST", "/access/roles", { roleid: "CtNet", privs: "VM.Config.Network" }));
    await data(api(s, "PUT", "/access/acl", { path: "/vms/320", roles: "CtNet", users: "ctnet@pve" }));
    const user = await login(s, "ctnet@pve", "ctnet-password");
    const none = await put(s, 320, { hostname: "renamed" }, user);
    expect(none.status).toBe(200); // hostname is a network setting for containers
    const memory = await put(s, 320, { memory: 1024 }, user);
    expect([memory.status, memory.reason]).toEqual([403, "Permission check failed (/vms/320, VM.Config.Memory)"]);
    await data(api(s, "PUT", "/access/acl", { path: "/vms/320", roles: "PVEVMAdmin", users: "ctnet@pve" }));
    await data(api(s, "PUT", "/access/acl", { path: "/storage", roles: "PVEDatastoreUser", users: "ctnet@pve" }));
    await data(api(s, "PUT", "/access/acl", { path: "/sdn/zones/localnetwork", roles: "PVESDNUser", users: "ctnet@pve" }));
    expect((await put(s, 320, { memory: 1024, net0: "name=eth0,bridge=vmbr0", mp0: "local-lvm:1,mp=/d" }, user)).status).toBe(200);
    const hook = await put(s, 320, { hookscript: "local:snippets/hook.sh" }, user);
    expect(hook.reason).toBe("Permission check failed (changing the hookscript is only allowed for root@pam)");
    const bind = await put(s, 320, { mp1: "/mnt/host,mp=/host" }, user);
    expect(bind.reason).toBe("Permission check failed (mount point type bind is only allowed for root@pam)");
    const dev = await put(s, 320, { dev0: "/dev/fuse" }, user);
    expect(dev.reason).toBe("Permission check failed (configuring device passthrough is only allowed for root@pam)");
    expect((await put(s, 320, { features: "nesting=1" }, user)).status).toBe(200);
    const keyctl = await put(s, 320, { features: "nesting=1,keyctl=1" }, user);
    expect(keyctl.reason).toBe("Permission check failed (changing feature flags (except nesting) is only allowed for root@pam)");
    const root = await login(s, "root@pam", "rootpw-123");
    expect((await put(s, 320, { features: "nesting=1,keyctl=1", dev0: "/dev/fuse" }, root)).status).toBe(200);
    const snippet = await put(s, 320, { hookscript: "local:snippets/hook.sh" }, root);
    expect(snippet.json?.message).toBe("script 'local:snippets/hook.sh' does not exist\n");
    // env is hidden from users without VM.Config.Options
    await data(put(s, 320, { env: "FOO=bar\u0000BAZ=1" }, root));
    expect((await config(s, 320)).env).toBe("FOO=bar\u0000BAZ=1");
    await data(api(s, "POST", "/access/users", { userid: "ctview@pve", password: "ctview-password" }));
    await data(api(s, "PUT", "/access/acl", { path: "/vms/320", roles: "PVEAuditor", users: "ctview@pve" }));
    const viewer = await login(s, "ctview@pve", "ctview-password");
    const seen = await data<Record<string, unknown>>(api(s, "GET", "/nodes/pve1/lxc/320/config", {}, viewer));
    expect(seen).not.toHaveProperty("env");
    expect(seen).toHaveProperty("features", "nesting=1,keyctl=1");
  });

  it("refuses features on a privileged container for everyone but root@pam", async () => {
    const s = sim();
    const root = await login(s, "root@pam", "rootpw-123");
    await createCt(s, 321, { unprivileged: 0 });
    expect(await config(s, 321)).not.toHaveProperty("unprivileged");
    const token = await put(s, 321, { features: "nesting=1" });
    expect(token.reason).toBe("Permission check failed (changing feature flags for privileged container is only allowed for root@pam)");
    expect((await put(s, 321, { features: "nesting=1" }, root)).status).toBe(200);
  });
});
