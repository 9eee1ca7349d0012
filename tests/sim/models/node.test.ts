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
    // A node without a config file reads as {}, with no digest to check against.
    expect(digest).toBeUndefined();
    await s.call("PUT", "/nodes/{node}/config", { node: "pve1", description: "rack 4", wakeonlan: "mac=aa:bb:cc:dd:ee:ff", digest: "0".repeat(40) });
    const written = (await s.call("GET", "/nodes/{node}/config", { node: "pve1" })) as { digest: string };
    expect(written).toMatchObject({ description: "rack 4\n", wakeonlan: "mac=aa:bb:cc:dd:ee:ff", digest: expect.stringMatching(/^[0-9a-f]{40}$/) });
    await expect(s.call("PUT", "/nodes/{node}/config", { node: "pve1", description: "x", digest: "0".repeat(40) })).rejects.toMatchObject({
      status: 500,
      message: "detected modified configuration - file changed by other user? Try again.\n",
    });
    await s.call("PUT", "/nodes/{node}/config", { node: "pve1", delete: "description" });
    expect(await s.call("GET", "/nodes/{node}/config", { node: "pve1" })).toMatchObject({ description: "", wakeonlan: "mac=aa:bb:cc:dd:ee:ff" });
    await s.call("PUT", "/nodes/{node}/config", { node: "pve1", delete: "wakeonlan" });
    expect(await s.call("GET", "/nodes/{node}/config", { node: "pve1" })).toEqual({});
    expect(s.locks).toContain("pve1:/var/lock/pvenode.lock");
  });

  it("node config: every value a string as in the file, `property` picks one key, delete wins over set and ignores unknown keys", async () => {
    const s = sim();
    await s.call("PUT", "/nodes/{node}/config", { node: "pve1", "startall-onboot-delay": 10, "ballooning-target": 70, description: "two\nlines  \n\n" });
    expect(await s.call("GET", "/nodes/{node}/config", { node: "pve1", property: "startall-onboot-delay" })).toEqual({ "startall-onboot-delay": "10" });
    expect(await s.call("GET", "/nodes/{node}/config", { node: "pve1", property: "wakeonlan" })).toEqual({});
    expect(await s.call("GET", "/nodes/{node}/config", { node: "pve1" })).toMatchObject({ description: "two\nlines\n", "ballooning-target": "70" });
    await s.call("PUT", "/nodes/{node}/config", { node: "pve1", "ballooning-target": 60, delete: "ballooning-target,nosuch1" });
    expect(await s.call("GET", "/nodes/{node}/config", { node: "pve1" })).not.toHaveProperty("ballooning-target");
  });

  it("dns reads back what resolv.conf holds: each name server once, in order, 0.0.0.0 left out", async () => {
    const s = sim();
    await s.call("PUT", "/nodes/{node}/dns", { node: "pve3", search: "corp.lan", dns1: "0.0.0.0", dns2: "10.0.0.54", dns3: "10.0.0.54" });
    expect(await s.call("GET", "/nodes/{node}/dns", { node: "pve3" })).toEqual({ search: "corp.lan", dns1: "10.0.0.54" });
  });

  it("hosts: every line is an IP and host names (400 on data), under the node's lock file", async () => {
    const s = sim();
    await expect(s.call("POST", "/nodes/{node}/hosts", { node: "pve1", data: "# ok\n\n10.0.0.300 bad\n" })).rejects.toMatchObject({ status: 400, errors: { data: "Invalid IP '10.0.0.300'" } });
    await expect(s.call("POST", "/nodes/{node}/hosts", { node: "pve1", data: "10.0.0.3 good bad_name\n" })).rejects.toMatchObject({ errors: { data: "Invalid Hostname 'bad_name'" } });
    await expect(s.call("POST", "/nodes/{node}/hosts", { node: "pve1", data: "  10.0.0.3 indented\n" })).rejects.toMatchObject({ errors: { data: "Invalid IP ''" } });
    await s.call("POST", "/nodes/{node}/hosts", { node: "pve1", data: "fd00::1 v6.lan v6\n127.0.0.1 localhost\n" });
    expect(s.locks).toContain("pve1:/var/lock/pve-etchosts.lck");
  });

  it("node config stores indexed acmedomainN keys, returns them and deletes them one by one", async () => {
    const s = sim();
    // verify_conf: a domain's plugin must exist.
    await s.call("POST", "/cluster/acme/plugins", { id: "dns1", type: "dns", api: "cf" });
    await s.call("PUT", "/nodes/{node}/config", { node: "pve1", acmedomain0: "domain=a.example.com", acmedomain1: "domain=b.example.com,plugin=dns1" });
    expect(await s.call("GET", "/nodes/{node}/config", { node: "pve1" })).toMatchObject({ acmedomain0: "domain=a.example.com", acmedomain1: "domain=b.example.com,plugin=dns1" });
    await s.call("PUT", "/nodes/{node}/config", { node: "pve1", acmedomain0: "domain=c.example.com", delete: "acmedomain1" });
    const config = await s.call("GET", "/nodes/{node}/config", { node: "pve1" });
    expect(config).toMatchObject({ acmedomain0: "domain=c.example.com" });
    expect(config).not.toHaveProperty("acmedomain1");
  });

  it("time reports the clock and timezone", async () => {
    const s = sim();
    await s.call("PUT", "/nodes/{node}/time", { node: "pve1", timezone: "Europe/Vienna" });
    const t = (await s.call("GET", "/nodes/{node}/time", { node: "pve1" })) as { time: number; localtime: number; timezone: string };
    expect(t).toMatchObject({ timezone: "Europe/Vienna", time: Math.floor(s.ctx.now() / 1000) });
    expect(t.localtime - t.time).toBe(3600);
  });

  it("time: refuses a zone timedatectl does not list, and knows every zone's offset", async () => {
    const s = sim();
    await expect(s.call("PUT", "/nodes/{node}/time", { node: "pve2", timezone: "Mars/Olympus" })).rejects.toMatchObject({ status: 400, errors: { timezone: "No such timezone" } });
    await expect(s.call("PUT", "/nodes/{node}/time", { node: "pve2", timezone: "europe/vienna" })).rejects.toMatchObject({ status: 400 });
    await s.call("PUT", "/nodes/{node}/time", { node: "pve2", timezone: "Asia/Kolkata" });
    const t = (await s.call("GET", "/nodes/{node}/time", { node: "pve2" })) as { time: number; localtime: number };
    expect(t.localtime - t.time).toBe(5.5 * 3600);
  });
});

describe("node services", () => {
  it("stop and start change the state when the task ends", async () => {
    const s = sim();
    const upid = (await s.call("POST", "/nodes/{node}/services/{service}/stop", { node: "pve1", service: "postfix" })) as string;
    expect(upid).toContain(":srvstop:postfix:");
    await s.settle();
    expect(await s.call("GET", "/nodes/{node}/services/{service}/state", { node: "pve1", service: "postfix" })).toMatchObject({ state: "dead" });
    await s.call("POST", "/nodes/{node}/services/{service}/start", { node: "pve1", service: "postfix" });
    await s.settle();
    expect(await s.call("GET", "/nodes/{node}/services/{service}/state", { node: "pve1", service: "postfix" })).toMatchObject({ state: "running", "active-state": "active" });
  });

  it("refuses to stop an essential service inside the task", async () => {
    const s = sim();
    const upid = (await s.call("POST", "/nodes/{node}/services/{service}/stop", { node: "pve1", service: "pveproxy" })) as string;
    expect(upid).toContain(":srvstop:pveproxy:");
    await s.settle();
    expect(s.tasks.at(-1)?.status).toBe("invalid service cmd 'pveproxy stop': refusing to stop essential service!");
    expect(await s.call("GET", "/nodes/{node}/services/{service}/state", { node: "pve1", service: "pveproxy" })).toMatchObject({ state: "running" });
  });

  it("reloads with try-reload-or-restart: a stopped service stays stopped, restart starts it", async () => {
    const s = sim();
    await s.call("POST", "/nodes/{node}/services/{service}/stop", { node: "pve2", service: "chrony" });
    await s.settle();
    await s.call("POST", "/nodes/{node}/services/{service}/reload", { node: "pve2", service: "chrony" });
    await s.settle();
    expect(await s.call("GET", "/nodes/{node}/services/{service}/state", { node: "pve2", service: "chrony" })).toMatchObject({ state: "dead" });
    await s.call("POST", "/nodes/{node}/services/{service}/restart", { node: "pve2", service: "chrony" });
    await s.settle();
    expect(await s.call("GET", "/nodes/{node}/services/{service}/state", { node: "pve2", service: "chrony" })).toMatchObject({ state: "running" });
  });
});
