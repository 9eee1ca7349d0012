/** The npm proxmox-api client (not written here) drives a VM through the simulator: create, start, status, stop, destroy. */
import proxmoxApi from "proxmox-api";
import type { Proxmox, ProxmoxEngineOptions } from "proxmox-api";
import { Agent, fetch as undiciFetch } from "undici";
import { describe, expect, it } from "vitest";
import { useGuestSimulator } from "../testkit/guests";
import { TEST_TOKEN } from "../testkit/raw";

const sim = useGuestSimulator();

type FetchInterface = NonNullable<ProxmoxEngineOptions["fetch"]>;

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

describe("proxmox-api against the qemu model", () => {
  it("creates, starts, stops and destroys a VM", async () => {
    const s = sim();
    const [tokenID = "", tokenSecret = ""] = TEST_TOKEN.split("=");
    const api = proxmoxApi({ host: "127.0.0.1", port: s.port, tokenID, tokenSecret, fetch: trustingFetch(s.caCert) });
    const vmid = Number(await api.cluster.nextid.$get());
    expect(vmid).toBe(100);
    const node = api.nodes.$("pve2");
    const created = await node.qemu.$post({ vmid, name: "from-proxmox-api", memory: "1024", cores: 2, scsi0: "local-lvm:2", net0: "virtio,bridge=vmbr0", tags: "Js;demo" });
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
