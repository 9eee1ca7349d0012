/** The npm proxmox-api client (not written here) against the simulator: ticket and token auth, CRUD, tasks, a VM's life cycle. */
import proxmoxApi from "proxmox-api";
import type { Proxmox, ProxmoxEngineOptions } from "proxmox-api";
import { Agent, fetch as undiciFetch } from "undici";
import { describe, expect, it } from "vitest";
import { useGuestSimulator } from "../testkit/guests";
import { TEST_TOKEN } from "../testkit/raw";

const sim = useGuestSimulator();

type FetchInterface = NonNullable<ProxmoxEngineOptions["fetch"]>;

/** undici's fetch trusting the simulator's CA (proxmox-api lets callers supply its fetch). */
function trustingFetch(ca: string): FetchInterface {
  const dispatcher = new Agent({ connect: { ca } });
  return (url, init) => undiciFetch(url, { ...init, dispatcher });
}

async function waitTask(api: Proxmox.Api, upid: string): Promise<string | undefined> {
  const node = upid.split(":")[1] ?? "";
  for (let i = 0; i < 300; i++) {
    const status = await api.nodes.$(node).tasks.$(upid).status.$get();
    if (status.status === "stopped") return status.exitstatus;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("task did not stop");
}

describe("proxmox-api", () => {
  it("works with a ticket (password login)", async () => {
    const s = sim();
    const api = proxmoxApi({ host: "127.0.0.1", port: s.port, username: "root@pam", password: s.rootPassword, fetch: trustingFetch(s.caCert) });
    expect((await api.version.$get()).version).toBe("9.2.11");
    await api.access.users.$post({ userid: "js@pve", comment: "from proxmox-api", enable: true });
    expect(await api.access.users.$("js@pve").$get()).toMatchObject({ comment: "from proxmox-api", enable: 1 });
    await api.pools.$post({ poolid: "jspool", comment: "js" });
    expect((await api.pools.$get()).map((p) => p.poolid)).toContain("jspool");
    await api.access.domains.$post({ realm: "jsldap", type: "ldap", base_dn: "dc=x", user_attr: "uid", server1: "ldap.x" });
    const upid = await api.access.domains.$("jsldap").sync.$post({ scope: "users" });
    expect(await waitTask(api, upid)).toBe("OK");
    await api.pools.$delete({ poolid: "jspool" });
    await api.access.users.$("js@pve").$delete();
    await expect(api.access.users.$("js@pve").$get()).rejects.toThrow(/no such user/);
  });

  it("works with an API token", async () => {
    const s = sim();
    const [tokenID = "", tokenSecret = ""] = TEST_TOKEN.split("=");
    const api = proxmoxApi({ host: "127.0.0.1", port: s.port, tokenID, tokenSecret, fetch: trustingFetch(s.caCert) });
    await api.access.groups.$post({ groupid: "jsgroup", comment: "token-made" });
    expect(await api.access.groups.$("jsgroup").$get()).toEqual({ comment: "token-made", members: [] });
    await api.access.domains.$post({ realm: "jsldap2", type: "ldap", base_dn: "dc=x", user_attr: "uid", server1: "ldap.x" });
    const upid = await api.access.domains.$("jsldap2").sync.$post({ scope: "both", "dry-run": true });
    expect(upid).toMatch(/:auth-realm-sync-test:jsldap2:root@pam!test:$/);
    expect(await waitTask(api, upid)).toBe("OK");
    await api.access.groups.$("jsgroup").$delete();
  });

  it("creates, starts, stops and destroys a VM (qemu model)", async () => {
    const s = sim();
    const [tokenID = "", tokenSecret = ""] = TEST_TOKEN.split("=");
    const api = proxmoxApi({ host: "127.0.0.1", port: s.port, tokenID, tokenSecret, fetch: trustingFetch(s.caCert) });
    const vmid = Number(await api.cluster.nextid.$get());
    expect(vmid).toBe(100);
    const node = api.nodes.$("pve2");
    const created = await node.qemu.$post({
      vmid,
      name: "from-proxmox-api",
      memory: "1024",
      cores: 2,
      scsi0: "local-lvm:2",
      net0: "virtio,bridge=vmbr0",
      tags: "Js;demo",
    });
    expect(created).toMatch(/:qmcreate:100:root@pam!test:$/);
    expect(await waitTask(api, created)).toBe("OK");
    const config = await node.qemu.$(vmid).config.$get();
    expect(config).toMatchObject({ name: "from-proxmox-api", cores: 2, tags: "demo;js", scsi0: "local-lvm:vm-100-disk-0,size=2G" });
    expect(await waitTask(api, await node.qemu.$(vmid).status.start.$post())).toBe("OK");
    expect(await node.qemu.$(vmid).status.current.$get()).toMatchObject({ status: "running", name: "from-proxmox-api" });
    const resources = await api.cluster.resources.$get({ type: "vm" });
    expect(resources).toContainEqual(expect.objectContaining({ id: "qemu/100", node: "pve2", status: "running" }));
    expect(await waitTask(api, await node.qemu.$(vmid).status.stop.$post())).toBe("OK");
    expect(await waitTask(api, await node.qemu.$(vmid).$delete({ purge: true, "destroy-unreferenced-disks": true }))).toBe("OK");
    await expect(node.qemu.$(vmid).config.$get()).rejects.toThrow(/does not exist/);
    expect(await node.storage.$("local-lvm").content.$get({ vmid })).toEqual([]);
  });
});
