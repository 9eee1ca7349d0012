import { describe, expect, it } from "vitest";
import { fakeSim } from "./fake-context";
import { nodeModel } from "./node";
import { SimResult } from "../types";

const sim = () => fakeSim([nodeModel()]);
type Iface = { iface: string; type: string; active: number; bridge_ports?: string };

describe("node network (staged)", () => {
  it("is seeded with lo, eno1 and vmbr0", async () => {
    const list = (await sim().call("GET", "/nodes/{node}/network", { node: "pve1" })) as Iface[];
    expect(list.map((i) => [i.iface, i.type, i.active])).toEqual([["eno1", "eth", 1], ["lo", "loopback", 1], ["vmbr0", "bridge", 1]]);
  });

  it("stages changes until apply runs its srvreload/networking task", async () => {
    const s = sim();
    await s.call("POST", "/nodes/{node}/network", { node: "pve1", iface: "vmbr1", type: "bridge", bridge_ports: "none", autostart: 1 });
    const staged = (await s.call("GET", "/nodes/{node}/network/{iface}", { node: "pve1", iface: "vmbr1" })) as Iface;
    expect(staged).toMatchObject({ iface: "vmbr1", type: "bridge", active: 0 });
    const upid = (await s.call("PUT", "/nodes/{node}/network", { node: "pve1" })) as string;
    expect(upid).toMatch(/^UPID:pve1:.*:srvreload:networking:root@pam:$/);
    await s.settle();
    expect(await s.call("GET", "/nodes/{node}/network/{iface}", { node: "pve1", iface: "vmbr1" })).toMatchObject({ active: 1 });
  });

  it("lists with PVE's `changes` extra (a diff) only while something is staged", async () => {
    const s = sim();
    expect(await s.call("GET", "/nodes/{node}/network", { node: "pve1" })).toBeInstanceOf(Array);
    await s.call("POST", "/nodes/{node}/network", { node: "pve1", iface: "vmbr7", type: "bridge", autostart: 1 });
    const staged = await s.call("GET", "/nodes/{node}/network", { node: "pve1" });
    expect(staged).toBeInstanceOf(SimResult);
    expect((staged as SimResult).extras.changes).toMatch(/\+\+\+ \/etc\/network\/interfaces\.new[\s\S]*\+.*vmbr7/);
    await s.call("PUT", "/nodes/{node}/network", { node: "pve1" });
    await s.settle();
    expect(await s.call("GET", "/nodes/{node}/network", { node: "pve1" })).toBeInstanceOf(Array);
  });

  it("reverts staged changes and reports missing or duplicate interfaces", async () => {
    const s = sim();
    await s.call("DELETE", "/nodes/{node}/network/{iface}", { node: "pve1", iface: "vmbr0" });
    await s.call("PUT", "/nodes/{node}/network/{iface}", { node: "pve1", iface: "eno1", type: "eth", mtu: 9000 });
    await expect(s.call("GET", "/nodes/{node}/network/{iface}", { node: "pve1", iface: "vmbr0" })).rejects.toMatchObject({
      status: 400, errors: { iface: "interface does not exist" },
    });
    await expect(s.call("POST", "/nodes/{node}/network", { node: "pve1", iface: "eno1", type: "eth" })).rejects.toMatchObject({
      errors: { iface: "interface already exists" },
    });
    await s.call("DELETE", "/nodes/{node}/network", { node: "pve1" });
    const list = (await s.call("GET", "/nodes/{node}/network", { node: "pve1" })) as (Iface & { mtu?: number })[];
    expect(list.map((i) => i.iface)).toEqual(["eno1", "lo", "vmbr0"]);
    expect(list.find((i) => i.iface === "eno1")?.mtu).toBeUndefined();
  });
});

describe("node configs", () => {
  it("hosts: whole-file text with digest enforced on POST", async () => {
    const s = sim();
    const before = (await s.call("GET", "/nodes/{node}/hosts", { node: "pve2" })) as { data: string; digest: string };
    expect(before.data).toContain("pve2");
    expect(before.digest).toMatch(/^[0-9a-f]{40}$/);
    await s.call("POST", "/nodes/{node}/hosts", { node: "pve2", data: `${before.data}10.0.0.9 extra\n`, digest: before.digest });
    expect(((await s.call("GET", "/nodes/{node}/hosts", { node: "pve2" })) as { data: string }).data).toContain("10.0.0.9 extra");
    await expect(s.call("POST", "/nodes/{node}/hosts", { node: "pve2", data: "x", digest: before.digest })).rejects.toMatchObject({
      status: 500, message: "detected modified configuration - file changed by other user? Try again.\n",
    });
  });

  it("dns and node config: set, delete, digest", async () => {
    const s = sim();
    await s.call("PUT", "/nodes/{node}/dns", { node: "pve1", search: "corp.lan", dns1: "10.0.0.53", dns2: "10.0.0.54" });
    expect(await s.call("GET", "/nodes/{node}/dns", { node: "pve1" })).toEqual({ search: "corp.lan", dns1: "10.0.0.53", dns2: "10.0.0.54" });
    const { digest } = (await s.call("GET", "/nodes/{node}/config", { node: "pve1" })) as { digest: string };
    await s.call("PUT", "/nodes/{node}/config", { node: "pve1", description: "rack 4", wakeonlan: "mac=aa:bb:cc:dd:ee:ff", digest });
    expect(await s.call("GET", "/nodes/{node}/config", { node: "pve1" })).toMatchObject({ description: "rack 4", wakeonlan: "mac=aa:bb:cc:dd:ee:ff" });
    await expect(s.call("PUT", "/nodes/{node}/config", { node: "pve1", description: "x", digest })).rejects.toMatchObject({ status: 500 });
    await s.call("PUT", "/nodes/{node}/config", { node: "pve1", delete: "description" });
    expect(await s.call("GET", "/nodes/{node}/config", { node: "pve1" })).not.toHaveProperty("description");
  });

  it("node config stores indexed acmedomainN keys, returns them and deletes them one by one", async () => {
    const s = sim();
    await s.call("PUT", "/nodes/{node}/config", { node: "pve1", acmedomain0: "domain=a.example.com", acmedomain1: "domain=b.example.com,plugin=dns1" });
    expect(await s.call("GET", "/nodes/{node}/config", { node: "pve1" })).toMatchObject({ acmedomain0: "domain=a.example.com", acmedomain1: "domain=b.example.com,plugin=dns1" });
    await s.call("PUT", "/nodes/{node}/config", { node: "pve1", acmedomain0: "domain=c.example.com", delete: "acmedomain1" });
    const config = await s.call("GET", "/nodes/{node}/config", { node: "pve1" });
    expect(config).toMatchObject({ acmedomain0: "domain=c.example.com" });
    expect(config).not.toHaveProperty("acmedomain1");
    await expect(s.call("PUT", "/nodes/{node}/config", { node: "pve1", delete: "nosuch1" })).rejects.toMatchObject({ status: 500, message: "no such option 'nosuch1'\n" });
  });

  it("time reports the clock and timezone", async () => {
    const s = sim();
    await s.call("PUT", "/nodes/{node}/time", { node: "pve1", timezone: "Europe/Vienna" });
    const t = (await s.call("GET", "/nodes/{node}/time", { node: "pve1" })) as { time: number; localtime: number; timezone: string };
    expect(t).toMatchObject({ timezone: "Europe/Vienna", time: Math.floor(s.ctx.now() / 1000) });
    expect(t.localtime - t.time).toBe(3600);
  });
});

describe("node services", () => {
  it("stop and start change the state when the task ends", async () => {
    const s = sim();
    const upid = (await s.call("POST", "/nodes/{node}/services/{service}/stop", { node: "pve1", service: "pveproxy" })) as string;
    expect(upid).toContain(":srvstop:pveproxy:");
    await s.settle();
    expect(await s.call("GET", "/nodes/{node}/services/{service}/state", { node: "pve1", service: "pveproxy" })).toMatchObject({ state: "dead" });
    await s.call("POST", "/nodes/{node}/services/{service}/start", { node: "pve1", service: "pveproxy" });
    await s.settle();
    expect(await s.call("GET", "/nodes/{node}/services/{service}/state", { node: "pve1", service: "pveproxy" })).toMatchObject({ state: "running", "active-state": "active" });
  });
});
