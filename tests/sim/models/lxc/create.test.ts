/** pve-container create_vm through HTTPS: OS templates, storages, privileges, generated keys and the vzcreate worker. */
import { describe, expect, it } from "vitest";
import type { Simulator } from "../../index";
import { api, createCt, data, finish, run, useGuestSimulator } from "../../testkit/guests";
import { login } from "../../testkit/raw";
import { DEFAULT_TEMPLATE } from "./deps";

/** Creates of CT 230 run long enough to be watched; pve1 also holds an Alpine template. */
const sim = useGuestSimulator({
  lxc: { templates: [DEFAULT_TEMPLATE, "local:vztmpl/alpine-3.22-default_20250617_amd64.tar.xz"] },
  taskDuration: (t) => (t.type === "vzcreate" && t.id === "230" ? 1500 : undefined),
});

const config = (s: Simulator, vmid: number, node = "pve1"): Promise<Record<string, unknown>> => data(api(s, "GET", `/nodes/${node}/lxc/${vmid}/config`));

/** A user with `role` on `path` and PVEDatastoreUser on the storages, logged in. */
async function userWith(s: Simulator, name: string, role: string, path: string): Promise<{ ticket: string; csrf: string }> {
  await data(api(s, "POST", "/access/users", { userid: `${name}@pve`, password: `${name}-password` }));
  await data(api(s, "PUT", "/access/acl", { path, roles: role, users: `${name}@pve` }));
  await data(api(s, "PUT", "/access/acl", { path: "/storage", roles: "PVEDatastoreUser", users: `${name}@pve` }));
  return login(s, `${name}@pve`, `${name}-password`);
}

describe("create from an OS template", () => {
  it("allocates the rootfs, unpacks the template, detects the OS and fills PVE's defaults", async () => {
    const s = sim();
    const done = await run(s, "POST", "/nodes/pve1/lxc", {
      vmid: 200,
      ostemplate: DEFAULT_TEMPLATE,
      storage: "local-lvm",
      net0: "name=eth0,bridge=vmbr0,ip=dhcp",
      password: "secret-pw-1",
    });
    expect(done.upid).toMatch(/:vzcreate:200:root@pam!test:$/);
    expect(done.status).toBe("OK");
    expect(done.log).toContain("extracting archive '/var/lib/vz/template/cache/debian-12-standard_12.12-1_amd64.tar.zst'");
    expect(done.log).toContain("Detected container architecture: amd64");
    const conf = await config(s, 200);
    expect(conf).toMatchObject({
      arch: "amd64",
      ostype: "debian",
      hostname: "CT200",
      memory: 512,
      swap: 512,
      unprivileged: 1,
      rootfs: "local-lvm:vm-200-disk-0,size=4G",
      digest: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    expect(conf.net0).toMatch(/^name=eth0,bridge=vmbr0,hwaddr=BC:24:11(:[0-9A-F]{2}){3},ip=dhcp,type=veth$/);
    expect(JSON.stringify(conf)).not.toContain("secret-pw-1"); // the password is set inside the container only
    expect(conf).not.toHaveProperty("password");
    const content = await data<Record<string, unknown>[]>(api(s, "GET", "/nodes/pve1/storage/local-lvm/content", { vmid: 200 }));
    expect(content).toEqual([expect.objectContaining({ volid: "local-lvm:vm-200-disk-0", content: "rootdir", format: "raw", size: 4 * 1024 ** 3 })]);
    const alpine = await createCt(s, 201, {
      ostemplate: "local:vztmpl/alpine-3.22-default_20250617_amd64.tar.xz",
      rootfs: "local-lvm:1",
      hostname: "alp",
      mp0: "local-lvm:0.5,mp=/srv",
    });
    expect(alpine.status).toBe("OK");
    expect(await config(s, 201)).toMatchObject({
      ostype: "alpine",
      hostname: "alp",
      rootfs: "local-lvm:vm-201-disk-0,size=1G",
      mp0: "local-lvm:vm-201-disk-1,mp=/srv,size=512M",
    });
  });

  it("lists its templates as vztmpl content and refuses templates that are not there or of the wrong type", async () => {
    const s = sim();
    const templates = await data<Record<string, unknown>[]>(api(s, "GET", "/nodes/pve2/storage/local/content", { content: "vztmpl" }));
    expect(templates.map((t) => t.volid)).toEqual(["local:vztmpl/alpine-3.22-default_20250617_amd64.tar.xz", DEFAULT_TEMPLATE]);
    expect(templates[1]).toMatchObject({ format: "tzst", content: "vztmpl" });
    const missing = await run(s, "POST", "/nodes/pve1/lxc", {
      vmid: 202,
      ostemplate: "local:vztmpl/ubuntu-24.04-standard_24.04-2_amd64.tar.zst",
      storage: "local-lvm",
    });
    expect(missing.status).toBe("unable to create CT 202 - can't find file 'local:vztmpl/ubuntu-24.04-standard_24.04-2_amd64.tar.zst'");
    expect((await api(s, "GET", "/nodes/pve1/lxc/202/config")).status).toBe(500); // no config left behind
    expect(await data<unknown[]>(api(s, "GET", "/nodes/pve1/storage/local-lvm/content", { vmid: 202 }))).toEqual([]); // nor its rootfs
    const iso = await api(s, "POST", "/nodes/pve1/lxc", { vmid: 202, ostemplate: "local:iso/debian.iso", storage: "local-lvm" });
    expect([iso.status, iso.json?.message]).toEqual([500, "unable to use volume local:iso/debian.iso - content type needs to be 'vztmpl'\n"]);
    const badName = await api(s, "POST", "/nodes/pve1/lxc", { vmid: 202, ostemplate: "local:vztmpl/debian.zip", storage: "local-lvm" });
    expect(badName.json?.message).toBe("unable to parse directory volume name 'vztmpl/debian.zip'\n");
  });

  it("needs rootdir content on every storage it allocates on, and `local` is the default storage", async () => {
    const s = sim();
    const noStorage = await api(s, "POST", "/nodes/pve1/lxc", { vmid: 210, ostemplate: DEFAULT_TEMPLATE });
    expect([noStorage.status, noStorage.json?.errors]).toEqual([400, { storage: "storage 'local' does not support container directories" }]);
    const badMp = await api(s, "POST", "/nodes/pve1/lxc", { vmid: 210, ostemplate: DEFAULT_TEMPLATE, rootfs: "local-lvm:2", mp0: "local:1,mp=/x" });
    expect(badMp.json?.errors).toEqual({ storage: "storage 'local' does not support container directories" });
    const noRootfs = await api(s, "POST", "/nodes/pve1/lxc", { vmid: 210, ostemplate: DEFAULT_TEMPLATE, mp0: "local-lvm:1,mp=/x" });
    expect(noRootfs.json?.message).toBe("mount points configured, but 'rootfs' not set - aborting\n");
    const range = await api(s, "POST", "/nodes/pve1/lxc", { vmid: 210, ostemplate: DEFAULT_TEMPLATE, storage: "local-lvm", net32: "name=eth9" });
    expect([range.status, range.json?.errors]).toEqual([
      400,
      { net32: "property is not defined in schema and the schema does not allow additional properties" },
    ]);
    const keys = await api(s, "POST", "/nodes/pve1/lxc", { vmid: 210, ostemplate: DEFAULT_TEMPLATE, storage: "local-lvm", "ssh-public-keys": "not a key" });
    expect(keys.json?.message).toBe("SSH public key validation error\n");
    const shortPw = await api(s, "POST", "/nodes/pve1/lxc", { vmid: 210, ostemplate: DEFAULT_TEMPLATE, storage: "local-lvm", password: "abc" });
    expect(shortPw.json?.errors).toEqual({ password: "value must be at least 5 characters long" });
  });

  it("shows lock: create while vzcreate runs and refuses the id synchronously while it is taken", async () => {
    const s = sim();
    const reply = await api(s, "POST", "/nodes/pve1/lxc", { vmid: 230, ostemplate: DEFAULT_TEMPLATE, storage: "local-lvm" });
    expect(reply.status).toBe(200);
    expect(await config(s, 230)).toMatchObject({ lock: "create" });
    const twin = await api(s, "POST", "/nodes/pve2/lxc", { vmid: 230, ostemplate: DEFAULT_TEMPLATE, storage: "local-lvm" });
    expect([twin.status, twin.json?.message]).toEqual([500, "CT 230 already exists on node 'pve1'\n"]);
    expect((await finish(s, String(reply.json?.data))).status).toBe("OK");
    expect(await config(s, 230)).not.toHaveProperty("lock");
    await data(api(s, "POST", "/nodes/pve1/qemu", { vmid: 231 }));
    const vm = await api(s, "POST", "/nodes/pve1/lxc", { vmid: 231, ostemplate: DEFAULT_TEMPLATE, storage: "local-lvm" });
    expect(vm.json?.message).toBe("VM 231 already exists on node 'pve1'\n");
  });

  it("starts after create, adds to the pool, and registers with HA when asked", async () => {
    const s = sim();
    await data(api(s, "POST", "/pools", { poolid: "cts" }));
    await createCt(s, 240, { start: 1, pool: "cts", "ha-managed": 1 });
    const until = async (check: () => Promise<boolean>): Promise<void> => {
      for (let i = 0; i < 200 && !(await check()); i++) await new Promise((r) => setTimeout(r, 25));
    };
    await until(async () => (await data<{ status: string }>(api(s, "GET", "/nodes/pve1/lxc/240/status/current"))).status === "running");
    expect(await data(api(s, "GET", "/nodes/pve1/lxc/240/status/current"))).toMatchObject({ status: "running", ha: { managed: 1 } });
    const resources = await data<Record<string, unknown>[]>(api(s, "GET", "/cluster/resources", { type: "vm" }));
    expect(resources.find((r) => r.vmid === 240)).toMatchObject({
      id: "lxc/240",
      type: "lxc",
      pool: "cts",
      status: "running",
      hastate: "started",
      name: "CT240",
    });
    expect(await data(api(s, "GET", "/cluster/ha/resources/ct:240"))).toMatchObject({ sid: "ct:240", state: "started" });
  });

  it("checks privileges: VM.Allocate, Sys.Modify for privileged containers, root for bind mounts and devices", async () => {
    const s = sim();
    const admin = await userWith(s, "ctadmin", "PVEVMAdmin", "/vms");
    const ok = await run(s, "POST", "/nodes/pve1/lxc", { vmid: 250, ostemplate: DEFAULT_TEMPLATE, storage: "local-lvm", features: "nesting=1" }, admin);
    expect(ok.status).toBe("OK");
    expect(await config(s, 250)).toMatchObject({ features: "nesting=1", unprivileged: 1 });
    const privileged = await api(s, "POST", "/nodes/pve1/lxc", { vmid: 251, ostemplate: DEFAULT_TEMPLATE, storage: "local-lvm", unprivileged: 0 }, admin);
    expect([privileged.status, privileged.reason]).toEqual([403, "Permission check failed (/, Sys.Modify)"]);
    const bind = await api(
      s,
      "POST",
      "/nodes/pve1/lxc",
      { vmid: 251, ostemplate: DEFAULT_TEMPLATE, storage: "local-lvm", mp0: "/srv/data,mp=/data", rootfs: "local-lvm:1" },
      admin,
    );
    expect([bind.status, bind.reason]).toEqual([403, "Permission check failed (mount point type bind is only allowed for root@pam)"]);
    const dev = await api(s, "POST", "/nodes/pve1/lxc", { vmid: 251, ostemplate: DEFAULT_TEMPLATE, storage: "local-lvm", dev0: "/dev/net/tun" }, admin);
    expect(dev.reason).toBe("Permission check failed (configuring device passthrough is only allowed for root@pam)");
    const fuse = await api(s, "POST", "/nodes/pve1/lxc", { vmid: 251, ostemplate: DEFAULT_TEMPLATE, storage: "local-lvm", features: "fuse=1" }, admin);
    expect(fuse.reason).toBe("Permission check failed (changing feature flags (except nesting) is only allowed for root@pam)");
    const auditor = await userWith(s, "ctaudit", "PVEAuditor", "/vms");
    const other = await api(s, "POST", "/nodes/pve1/lxc", { vmid: 251, ostemplate: DEFAULT_TEMPLATE, storage: "local-lvm" }, auditor);
    expect([other.status, other.reason]).toEqual([403, "Permission check failed"]);
    // root@pam itself may bind-mount and pass devices through; a missing device is refused
    const root = await login(s, "root@pam", "rootpw-123");
    expect(
      (
        await run(
          s,
          "POST",
          "/nodes/pve1/lxc",
          { vmid: 252, ostemplate: DEFAULT_TEMPLATE, rootfs: "local-lvm:1", mp0: "/srv/data,mp=/data", dev0: "/dev/net/tun,mode=0666" },
          root,
        )
      ).status,
    ).toBe("OK");
    expect(await config(s, 252)).toMatchObject({ mp0: "/srv/data,mp=/data", dev0: "/dev/net/tun,mode=0666" });
    const gone = await api(s, "POST", "/nodes/pve1/lxc", { vmid: 253, ostemplate: DEFAULT_TEMPLATE, storage: "local-lvm", dev0: "/dev/nvidia0" }, root);
    expect(gone.json?.message).toBe("Device /dev/nvidia0 does not exist\n");
    // the root@pam API token is not root@pam
    const tokenBind = await api(s, "POST", "/nodes/pve1/lxc", { vmid: 253, ostemplate: DEFAULT_TEMPLATE, rootfs: "local-lvm:1", mp0: "/srv,mp=/srv" });
    expect(tokenBind.reason).toBe("Permission check failed (mount point type bind is only allowed for root@pam)");
  });
});
