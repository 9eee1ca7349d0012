import { describe, expect, it } from "vitest";
import { fakeSim } from "../fake-context";
import { nodeModel } from ".";
import { SimResult } from "../../types";

const sim = () => fakeSim([nodeModel()]);
type Iface = { iface: string; type: string; active?: number; bridge_ports?: string; mtu?: unknown };

describe("node network (staged)", () => {
  const list = async (s: ReturnType<typeof sim>, node = "pve1"): Promise<Iface[]> => {
    const r = await s.call("GET", "/nodes/{node}/network", { node });
    return (r instanceof SimResult ? r.data : r) as Iface[];
  };
  const byName = (ifaces: Iface[]): Record<string, Iface> => Object.fromEntries(ifaces.map((i) => [i.iface, i]));

  it("is seeded as the installer leaves a node: vmbr0 on eno1 up, a spare eno2 that exists but is down, no lo in the list", async () => {
    const ifaces = byName(await list(sim()));
    expect(Object.keys(ifaces).sort()).toEqual(["eno1", "eno2", "vmbr0"]);
    expect(ifaces["vmbr0"]).toMatchObject({
      type: "bridge",
      active: 1,
      autostart: 1,
      cidr: "192.168.1.10/24",
      address: "192.168.1.10",
      netmask: "24",
      method: "static",
      bridge_ports: "eno1",
    });
    expect(ifaces["eno1"]).toMatchObject({ type: "eth", active: 1, exists: 1, method: "manual", families: ["inet"] });
    expect(ifaces["eno2"]).toMatchObject({ type: "eth", exists: 1, method: "manual", method6: "manual", families: ["inet"] });
    expect(ifaces["eno2"]).not.toHaveProperty("active");
  });

  it("stages changes until apply runs its srvreload/networking task; auto interfaces are up afterwards", async () => {
    const s = sim();
    await s.call("POST", "/nodes/{node}/network", { node: "pve1", iface: "vmbr1", type: "bridge", autostart: 1 });
    const staged = (await s.call("GET", "/nodes/{node}/network/{iface}", { node: "pve1", iface: "vmbr1" })) as Record<string, unknown>;
    expect(staged).toMatchObject({ type: "bridge", autostart: 1, bridge_stp: "off", bridge_fd: "0", method: "manual", families: ["inet"] });
    expect(staged).not.toHaveProperty("active");
    expect(staged).not.toHaveProperty("iface");
    const upid = (await s.call("PUT", "/nodes/{node}/network", { node: "pve1" })) as string;
    expect(upid).toMatch(/^UPID:pve1:.*:srvreload:networking:root@pam:$/);
    await s.settle();
    expect(await s.call("GET", "/nodes/{node}/network/{iface}", { node: "pve1", iface: "vmbr1" })).toMatchObject({ active: 1 });
  });

  it("lists with PVE's `changes` extra (a unified diff) only while something is staged", async () => {
    const s = sim();
    expect(await s.call("GET", "/nodes/{node}/network", { node: "pve1" })).toBeInstanceOf(Array);
    await s.call("POST", "/nodes/{node}/network", { node: "pve1", iface: "vmbr7", type: "bridge", autostart: 1 });
    const staged = await s.call("GET", "/nodes/{node}/network", { node: "pve1" });
    expect(staged).toBeInstanceOf(SimResult);
    expect((staged as SimResult).extras.changes).toMatch(
      /^--- \/etc\/network\/interfaces\n\+\+\+ \/etc\/network\/interfaces\.new\n@@[\s\S]*\n\+auto vmbr7\n\+iface vmbr7 inet manual\n/,
    );
    await s.call("PUT", "/nodes/{node}/network", { node: "pve1" });
    await s.settle();
    expect(await s.call("GET", "/nodes/{node}/network", { node: "pve1" })).toBeInstanceOf(Array);
  });

  it("reverts staged changes and reports missing or duplicate interfaces", async () => {
    const s = sim();
    await s.call("DELETE", "/nodes/{node}/network/{iface}", { node: "pve1", iface: "vmbr0" });
    await s.call("PUT", "/nodes/{node}/network/{iface}", { node: "pve1", iface: "eno1", type: "eth", mtu: 9000 });
    await expect(s.call("GET", "/nodes/{node}/network/{iface}", { node: "pve1", iface: "vmbr0" })).rejects.toMatchObject({
      status: 400,
      errors: { iface: "interface does not exist" },
    });
    await expect(s.call("POST", "/nodes/{node}/network", { node: "pve1", iface: "eno1", type: "eth" })).rejects.toMatchObject({
      errors: { iface: "interface already exists" },
    });
    await s.call("DELETE", "/nodes/{node}/network", { node: "pve1" });
    const ifaces = byName(await list(s));
    expect(Object.keys(ifaces).sort()).toEqual(["eno1", "eno2", "vmbr0"]);
    expect(ifaces["eno1"]?.mtu).toBeUndefined();
  });

  it("reads an interface back as the file holds it: cidr split into address and netmask bits, comments with newlines, VLAN lists space-separated", async () => {
    const s = sim();
    await s.call("POST", "/nodes/{node}/network", {
      node: "pve2",
      iface: "vmbr1",
      type: "bridge",
      autostart: 1,
      cidr: "10.0.0.2/24",
      comments: "one\ntwo",
      bridge_vlan_aware: 1,
      bridge_vids: "2,4;100-200",
    });
    expect(await s.call("GET", "/nodes/{node}/network/{iface}", { node: "pve2", iface: "vmbr1" })).toMatchObject({
      type: "bridge",
      cidr: "10.0.0.2/24",
      address: "10.0.0.2",
      netmask: "24",
      method: "static",
      method6: "manual",
      families: ["inet"],
      comments: "one\ntwo\n",
      bridge_vlan_aware: 1,
      bridge_vids: "2 4 100-200",
      bridge_stp: "off",
      bridge_fd: "0",
    });
    await s.call("POST", "/nodes/{node}/network", { node: "pve2", iface: "vmbr0.20", type: "vlan" });
    expect(await s.call("GET", "/nodes/{node}/network/{iface}", { node: "pve2", iface: "vmbr0.20" })).toMatchObject({
      type: "vlan",
      "vlan-raw-device": "vmbr0",
      "vlan-id": "20",
    });
    // A bridge's VLAN awareness is written whenever the key is there, even as 0.
    await s.call("POST", "/nodes/{node}/network", { node: "pve2", iface: "vmbr3", type: "bridge", bridge_vlan_aware: 0 });
    expect(await s.call("GET", "/nodes/{node}/network/{iface}", { node: "pve2", iface: "vmbr3" })).toMatchObject({
      bridge_vlan_aware: 1,
      bridge_vids: "2-4094",
    });
  });

  it("recomputes the method from what an update sends: an update without the address leaves it, but as manual", async () => {
    const s = sim();
    await s.call("PUT", "/nodes/{node}/network/{iface}", { node: "pve3", iface: "vmbr0", type: "bridge", comments: "uplink" });
    expect(await s.call("GET", "/nodes/{node}/network/{iface}", { node: "pve3", iface: "vmbr0" })).toMatchObject({
      method: "manual",
      cidr: "192.168.1.10/24",
      comments: "uplink\n",
    });
  });

  it("refuses what could not come up: a missing bridge port, a port used twice, an address on a bridge port, a VLAN without parent, Open vSwitch", async () => {
    const s = sim();
    await expect(s.call("POST", "/nodes/{node}/network", { node: "pve1", iface: "vmbr1", type: "bridge", bridge_ports: "eno9" })).rejects.toMatchObject({
      status: 500,
      message: "bridge 'vmbr1' - unable to find bridge port 'eno9'\n",
    });
    await expect(s.call("POST", "/nodes/{node}/network", { node: "pve1", iface: "vmbr1", type: "bridge", bridge_ports: "eno1" })).rejects.toMatchObject({
      status: 400,
      errors: { bridge_ports: "eno1 is already used on interface 'vmbr0'." },
    });
    await expect(s.call("POST", "/nodes/{node}/network", { node: "pve1", iface: "vmbr1", type: "bridge", gateway: "10.0.0.1" })).rejects.toMatchObject({
      status: 400,
      errors: { gateway: "Default gateway already exists on interface 'vmbr0'." },
    });
    await expect(s.call("PUT", "/nodes/{node}/network/{iface}", { node: "pve1", iface: "eno1", type: "eth", cidr: "10.9.9.9/24" })).rejects.toMatchObject({
      status: 500,
      message: "iface eno1 - ip address can't be set on interface if bridged in vmbr0\n",
    });
    await expect(s.call("POST", "/nodes/{node}/network", { node: "pve1", iface: "eth9.5", type: "vlan" })).rejects.toMatchObject({
      status: 500,
      message: "vlan 'eth9.5' - unable to find parent 'eth9'\n",
    });
    await expect(s.call("POST", "/nodes/{node}/network", { node: "pve1", iface: "vmbr5", type: "OVSBridge" })).rejects.toMatchObject({
      status: 500,
      message: "Open VSwitch is not installed (need package 'openvswitch-switch')\n",
    });
    await expect(s.call("POST", "/nodes/{node}/network", { node: "pve1", iface: "bond0", type: "bond", slaves: "eno7" })).rejects.toMatchObject({
      status: 500,
      message: "bond 'bond0' - unable to find slave 'eno7'\n",
    });
    await expect(s.call("POST", "/nodes/{node}/network", { node: "pve1", iface: "vmbr0.30", type: "vlan", mtu: 9000 })).rejects.toMatchObject({
      status: 500,
      message: "interface 'vmbr0' - mtu 1500 is lower than 'vmbr0.30' - mtu 9000\n",
    });
    expect(s.locks).toContain("pve1:/etc/network/.pve-interfaces.lock");
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
      status: 500,
      message: "detected modified configuration - file changed by other user? Try again.\n",
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
    await expect(s.call("POST", "/nodes/{node}/hosts", { node: "pve1", data: "# ok\n\n10.0.0.300 bad\n" })).rejects.toMatchObject({
      status: 400,
      errors: { data: "Invalid IP '10.0.0.300'" },
    });
    await expect(s.call("POST", "/nodes/{node}/hosts", { node: "pve1", data: "10.0.0.3 good bad_name\n" })).rejects.toMatchObject({
      errors: { data: "Invalid Hostname 'bad_name'" },
    });
    await expect(s.call("POST", "/nodes/{node}/hosts", { node: "pve1", data: "  10.0.0.3 indented\n" })).rejects.toMatchObject({
      errors: { data: "Invalid IP ''" },
    });
    await s.call("POST", "/nodes/{node}/hosts", { node: "pve1", data: "fd00::1 v6.lan v6\n127.0.0.1 localhost\n" });
    expect(s.locks).toContain("pve1:/var/lock/pve-etchosts.lck");
  });

  it("node config stores indexed acmedomainN keys, returns them and deletes them one by one", async () => {
    const s = sim();
    // verify_conf: a domain's plugin must exist.
    await s.call("POST", "/cluster/acme/plugins", { id: "dns1", type: "dns", api: "cf" });
    await s.call("PUT", "/nodes/{node}/config", { node: "pve1", acmedomain0: "domain=a.example.com", acmedomain1: "domain=b.example.com,plugin=dns1" });
    expect(await s.call("GET", "/nodes/{node}/config", { node: "pve1" })).toMatchObject({
      acmedomain0: "domain=a.example.com",
      acmedomain1: "domain=b.example.com,plugin=dns1",
    });
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
    await expect(s.call("PUT", "/nodes/{node}/time", { node: "pve2", timezone: "Mars/Olympus" })).rejects.toMatchObject({
      status: 400,
      errors: { timezone: "No such timezone" },
    });
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
    expect(await s.call("GET", "/nodes/{node}/services/{service}/state", { node: "pve1", service: "postfix" })).toMatchObject({
      state: "running",
      "active-state": "active",
    });
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

describe("node apt", () => {
  it("logs the start of apt-get update unless quiet, and marks packages as notified with notify", async () => {
    const s = sim();
    await s.call("POST", "/nodes/{node}/apt/update", { node: "pve1" });
    await s.settle();
    expect(s.tasks.at(-1)?.log[0]).toBe("starting apt-get update");
    const listed = (await s.call("GET", "/nodes/{node}/apt/update", { node: "pve1" })) as Record<string, unknown>[];
    expect(listed.length).toBeGreaterThan(0);
    expect(listed.every((p) => !("NotifyStatus" in p))).toBe(true);
    await s.call("POST", "/nodes/{node}/apt/update", { node: "pve1", quiet: 1, notify: 1 });
    await s.settle();
    expect(s.tasks.at(-1)?.log).toEqual([]);
    const notified = (await s.call("GET", "/nodes/{node}/apt/update", { node: "pve1" })) as { Version: string; NotifyStatus?: string }[];
    expect(notified.every((p) => p.NotifyStatus === p.Version)).toBe(true);
  });
});
