/** The SDN model against pve-network's handlers (see `index.ts`): staging, the global lock, texts, hooks. */
import { describe, expect, it } from "vitest";
import { fakeSim } from "../fake-context";
import { sdnModel } from ".";

function setup() {
  const model = sdnModel();
  return { model, s: fakeSim([model]) };
}

const LOCK_TOKEN_AT = "invalid lock token provided! at /usr/share/perl5/PVE/Network/SDN.pm line 291.\n";

describe("SDN staged model", () => {
  it("shows new objects as pending until committed, then running", async () => {
    const { s, model } = setup();
    await s.call("POST", "/cluster/sdn/zones", { zone: "zone1", type: "simple", mtu: 1450 });
    await s.call("POST", "/cluster/sdn/vnets", { vnet: "vnet1", zone: "zone1" });
    await s.call("POST", "/cluster/sdn/vnets/{vnet}/subnets", { vnet: "vnet1", subnet: "10.0.0.0/24", type: "subnet", gateway: "10.0.0.1" });

    expect(await s.call("GET", "/cluster/sdn/zones/{zone}", { zone: "zone1", pending: 1 })).toMatchObject({
      zone: "zone1",
      type: "simple",
      state: "new",
      pending: { mtu: 1450 },
    });
    const pendingZone = (await s.call("GET", "/cluster/sdn/zones/{zone}", { zone: "zone1", pending: 1 })) as Record<string, unknown>;
    expect(pendingZone.mtu).toBeUndefined();
    const subnet = (await s.call("GET", "/cluster/sdn/vnets/{vnet}/subnets/{subnet}", { vnet: "vnet1", subnet: "zone1-10.0.0.0-24", pending: 1 })) as Record<
      string,
      unknown
    >;
    expect(subnet).toMatchObject({
      subnet: "zone1-10.0.0.0-24",
      type: "subnet",
      vnet: "vnet1",
      state: "new",
      pending: { gateway: "10.0.0.1" },
      "dhcp-range": [],
    });
    expect(await s.call("GET", "/cluster/sdn/zones", { running: 1 })).toEqual([]);

    const upid = await s.call("PUT", "/cluster/sdn", {});
    expect(upid).toMatch(/^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:reloadnetworkall::root@pam:$/);
    await s.settle();
    expect(model.reloads()).toBe(1);
    expect(s.tasks.filter((t) => t.type === "srvreload" && t.id === "networking").map((t) => t.node)).toEqual(["pve1", "pve2", "pve3"]);
    expect(await s.call("GET", "/cluster/sdn/zones", { running: 1 })).toMatchObject([{ zone: "zone1", type: "simple", mtu: 1450 }]);
    const after = (await s.call("GET", "/cluster/sdn/zones/{zone}", { zone: "zone1", pending: 1 })) as Record<string, unknown>;
    expect(after.state).toBeUndefined();
    expect(s.locks).toContain("domain-sdn");
  });

  it("reports changed keys (removed ones as 'deleted') and deleted objects", async () => {
    const { s } = setup();
    await s.call("POST", "/cluster/sdn/zones", { zone: "z1", type: "vlan", bridge: "vmbr0", mtu: 1500 });
    await s.call("POST", "/cluster/sdn/zones", { zone: "z2", type: "simple" });
    await s.call("PUT", "/cluster/sdn", {});
    await s.call("PUT", "/cluster/sdn/zones/{zone}", { zone: "z1", bridge: "vmbr1", delete: "mtu" });
    await s.call("DELETE", "/cluster/sdn/zones/{zone}", { zone: "z2" });
    const list = (await s.call("GET", "/cluster/sdn/zones", { pending: 1 })) as Record<string, unknown>[];
    expect(list).toEqual([
      expect.objectContaining({ zone: "z1", bridge: "vmbr0", mtu: 1500, state: "changed", pending: { bridge: "vmbr1", mtu: "deleted" } }),
      expect.objectContaining({ zone: "z2", type: "simple", state: "deleted", pending: {} }),
    ]);
    expect(((await s.call("GET", "/cluster/sdn/zones")) as unknown[]).length).toBe(1);
  });

  it("rolls back the staged config to the running one", async () => {
    const { s } = setup();
    await s.call("POST", "/cluster/sdn/zones", { zone: "keep", type: "simple" });
    await s.call("PUT", "/cluster/sdn", {});
    await s.call("POST", "/cluster/sdn/zones", { zone: "drop", type: "simple" });
    await s.call("POST", "/cluster/sdn/rollback", {});
    expect(((await s.call("GET", "/cluster/sdn/zones")) as { zone: string }[]).map((z) => z.zone)).toEqual(["keep"]);
  });
});

describe("SDN global lock (API2/Network/SDN.pm, Network/SDN.pm lock_sdn_config)", () => {
  it("refuses pending changes unless allowed, and a second lock while one is held", async () => {
    const { s, model } = setup();
    await s.call("POST", "/cluster/sdn/zones", { zone: "z1", type: "simple" });
    await expect(s.call("POST", "/cluster/sdn/lock", {})).rejects.toMatchObject({
      status: 500,
      message: "could not acquire lock for SDN config: configuration has pending changes at /usr/share/perl5/PVE/API2/Network/SDN.pm line 149.\n",
    });
    const token = (await s.call("POST", "/cluster/sdn/lock", { "allow-pending": 1 })) as string;
    expect(token).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(model.locked()).toBe(true);
    await expect(s.call("POST", "/cluster/sdn/lock", { "allow-pending": 1 })).rejects.toMatchObject({
      status: 500,
      message: `could not acquire lock for SDN config: ${LOCK_TOKEN_AT}`,
    });
  });

  it("every staged write needs the token while locked; the token is never stored", async () => {
    const { s } = setup();
    const token = (await s.call("POST", "/cluster/sdn/lock", {})) as string;
    await expect(s.call("POST", "/cluster/sdn/zones", { zone: "z2", type: "simple" })).rejects.toMatchObject({
      status: 500,
      message: `create sdn zone object failed: ${LOCK_TOKEN_AT}`,
    });
    await expect(s.call("POST", "/cluster/sdn/zones", { zone: "z2", type: "simple", "lock-token": "forged" })).rejects.toMatchObject({ status: 500 });
    await s.call("POST", "/cluster/sdn/zones", { zone: "z2", type: "simple", "lock-token": token });
    expect(await s.call("GET", "/cluster/sdn/zones/{zone}", { zone: "z2" })).not.toHaveProperty("lock-token");
    await expect(s.call("POST", "/cluster/sdn/ipams", { ipam: "nb", type: "netbox", url: "https://nb/api", token: "t" })).rejects.toMatchObject({
      message: `create sdn ipam object failed: ${LOCK_TOKEN_AT}`,
    });
    await expect(s.call("PUT", "/cluster/sdn", {})).rejects.toMatchObject({ message: `could not commit SDN config: ${LOCK_TOKEN_AT}` });
  });

  it("an apply with the token but without release-lock commits and keeps the lock (no default is applied)", async () => {
    const { s, model } = setup();
    const token = (await s.call("POST", "/cluster/sdn/lock", {})) as string;
    await s.call("POST", "/cluster/sdn/zones", { zone: "z1", type: "simple", "lock-token": token });
    await s.call("PUT", "/cluster/sdn", { "lock-token": token });
    expect(await s.call("GET", "/cluster/sdn/zones", { running: 1 })).toMatchObject([{ zone: "z1" }]);
    expect(model.locked()).toBe(true);
    await expect(s.call("POST", "/cluster/sdn/zones", { zone: "z3", type: "simple" })).rejects.toMatchObject({
      message: `create sdn zone object failed: ${LOCK_TOKEN_AT}`,
    });
    // release-lock without a token releases nothing either; with both, the apply releases it.
    await expect(s.call("PUT", "/cluster/sdn", { "release-lock": 1 })).rejects.toMatchObject({ message: `could not commit SDN config: ${LOCK_TOKEN_AT}` });
    await s.call("PUT", "/cluster/sdn", { "lock-token": token, "release-lock": 1 });
    expect(model.locked()).toBe(false);
    await s.call("POST", "/cluster/sdn/zones", { zone: "z3", type: "simple" });
  });

  it("rollback releases only with the token and release-lock; release needs the token unless forced", async () => {
    const { s, model } = setup();
    let token = (await s.call("POST", "/cluster/sdn/lock", {})) as string;
    await s.call("POST", "/cluster/sdn/zones", { zone: "z1", type: "simple", "lock-token": token });
    await s.call("POST", "/cluster/sdn/rollback", { "lock-token": token });
    expect(await s.call("GET", "/cluster/sdn/zones")).toEqual([]);
    expect(model.locked()).toBe(true);
    await s.call("POST", "/cluster/sdn/rollback", { "lock-token": token, "release-lock": 1 });
    expect(model.locked()).toBe(false);

    token = (await s.call("POST", "/cluster/sdn/lock", {})) as string;
    await expect(s.call("DELETE", "/cluster/sdn/lock", {})).rejects.toMatchObject({ message: `could not release lock: ${LOCK_TOKEN_AT}` });
    await s.call("DELETE", "/cluster/sdn/lock", { "lock-token": token });
    expect(model.locked()).toBe(false);
    await s.call("DELETE", "/cluster/sdn/lock", { "lock-token": token }); // nothing held: nothing to check
    await s.call("POST", "/cluster/sdn/lock", {});
    await s.call("DELETE", "/cluster/sdn/lock", { force: 1 });
    expect(model.locked()).toBe(false);
  });
});

describe("SDN objects: checks and texts", () => {
  it("names missing objects as sdn_*_config does, and checks required options before the lock", async () => {
    const { s } = setup();
    await expect(s.call("GET", "/cluster/sdn/zones/{zone}", { zone: "zz" })).rejects.toMatchObject({ status: 500, message: "sdn 'zz' does not exist\n" });
    await expect(s.call("DELETE", "/cluster/sdn/zones/{zone}", { zone: "zz" })).rejects.toMatchObject({
      message: "delete sdn zone object failed: sdn 'zz' does not exist\n",
    });
    await expect(s.call("GET", "/cluster/sdn/controllers/{controller}", { controller: "cc" })).rejects.toMatchObject({ message: "sdn 'cc' does not exist\n" });
    await expect(s.call("PUT", "/cluster/sdn/vnets/{vnet}", { vnet: "vv", alias: "x" })).rejects.toMatchObject({ message: "sdn vnet 'vv' does not exist\n" });
    await expect(s.call("POST", "/cluster/sdn/vnets/{vnet}/subnets", { vnet: "vv", subnet: "10.0.0.0/24", type: "subnet" })).rejects.toMatchObject({
      message: "sdn vnet 'vv' does not exist\n",
    });
    await expect(s.call("POST", "/cluster/sdn/zones", { zone: "v1", type: "vlan" })).rejects.toMatchObject({
      status: 500,
      message: "missing value for required option 'bridge'\n",
    });
    await expect(s.call("POST", "/cluster/sdn/controllers", { controller: "ev", type: "evpn", peers: "10.0.0.1" })).rejects.toMatchObject({
      message: "missing value for required option 'asn'\n",
    });
    await expect(s.call("DELETE", "/cluster/sdn/ipams/{ipam}", { ipam: "nb" })).rejects.toMatchObject({
      message: "delete sdn zone object failed: sdn 'nb' does not exist\n",
    });
  });

  it("evpn: one controller with exactly one of peers/fabric, an existing evpn controller for zones, unique vrf-vxlan", async () => {
    const { s } = setup();
    await expect(s.call("POST", "/cluster/sdn/zones", { zone: "ev", type: "evpn", controller: "ctl", "vrf-vxlan": 100 })).rejects.toMatchObject({
      message: "create sdn zone object failed: controller ctl don't exist at /usr/share/perl5/PVE/Network/SDN/Zones/EvpnPlugin.pm line 354.\n",
    });
    await expect(s.call("POST", "/cluster/sdn/controllers", { controller: "ctl", type: "evpn", asn: 65000 })).rejects.toMatchObject({
      message:
        "create sdn controller object failed: must have exactly one of peers / fabric defined at /usr/share/perl5/PVE/Network/SDN/Controllers/EvpnPlugin.pm line 496.\n",
    });
    await s.call("POST", "/cluster/sdn/controllers", { controller: "ctl", type: "evpn", asn: 65000, peers: "10.0.0.1" });
    await expect(s.call("POST", "/cluster/sdn/controllers", { controller: "ctl2", type: "evpn", asn: 65001, peers: "10.0.0.2" })).rejects.toMatchObject({
      message:
        "create sdn controller object failed: only 1 global evpn controller can be defined at /usr/share/perl5/PVE/Network/SDN/Controllers/EvpnPlugin.pm line 491.\n",
    });
    await s.call("POST", "/cluster/sdn/zones", { zone: "ev", type: "evpn", controller: "ctl", "vrf-vxlan": 100 });
    expect(await s.call("GET", "/cluster/sdn/zones/{zone}", { zone: "ev" })).toMatchObject({ mac: expect.stringMatching(/^BC:24:11(:[0-9A-F]{2}){3}$/) });
    await expect(s.call("POST", "/cluster/sdn/zones", { zone: "ev2", type: "evpn", controller: "ctl", "vrf-vxlan": 100 })).rejects.toMatchObject({
      message: "create sdn zone object failed: vrf-vxlan 100 is already declared in ev at /usr/share/perl5/PVE/Network/SDN/Zones/EvpnPlugin.pm line 366.\n",
    });
    await expect(s.call("DELETE", "/cluster/sdn/controllers/{controller}", { controller: "ctl" })).rejects.toMatchObject({
      message: "delete sdn controller object failed: controller ctl is used by ev at /usr/share/perl5/PVE/Network/SDN/Controllers/EvpnPlugin.pm line 475.\n",
    });
  });

  it("vnet tags per zone type, and parameter errors under the lock as 500s carrying the 400", async () => {
    const { s } = setup();
    await s.call("POST", "/cluster/sdn/zones", { zone: "simp", type: "simple" });
    await s.call("POST", "/cluster/sdn/zones", { zone: "vl", type: "vlan", bridge: "vmbr0" });
    await expect(s.call("POST", "/cluster/sdn/vnets", { vnet: "v1", zone: "simp", tag: 5 })).rejects.toMatchObject({
      status: 500,
      message: "create sdn vnet object failed: 400 Parameter verification failed.\ntag: vlan tag is not allowed on simple zone\n",
    });
    await expect(s.call("POST", "/cluster/sdn/vnets", { vnet: "v1", zone: "vl" })).rejects.toMatchObject({
      message: "create sdn vnet object failed: 400 Parameter verification failed.\ntag: missing vlan tag\n",
    });
    await s.call("POST", "/cluster/sdn/vnets", { vnet: "v1", zone: "vl", tag: 10 });
    await expect(s.call("POST", "/cluster/sdn/vnets", { vnet: "v2", zone: "vl", tag: 10 })).rejects.toMatchObject({
      message: "create sdn vnet object failed: 400 Parameter verification failed.\ntag: tag 10 already exist in vnet v1\n",
    });
    await expect(s.call("POST", "/cluster/sdn/vnets", { vnet: "v3", zone: "nowhere" })).rejects.toMatchObject({
      message: "create sdn vnet object failed: cannot lookup undefined type! at /usr/share/perl5/PVE/API2/Network/SDN/Vnets.pm line 326.\n",
    });
    await s.call("POST", "/cluster/sdn/vnets", { vnet: "v4", zone: "simp" });
    expect(await s.call("GET", "/cluster/sdn/vnets/{vnet}", { vnet: "v4" })).toMatchObject({ mac: expect.stringMatching(/^BC:24:11:/) });
    await expect(s.call("DELETE", "/cluster/sdn/zones/{zone}", { zone: "vl" })).rejects.toMatchObject({
      message: "delete sdn zone object failed: zone vl is used by vnet v1 at /usr/share/perl5/PVE/Network/SDN/Zones/Plugin.pm line 148.\n",
    });
    await expect(s.call("POST", "/cluster/sdn/zones", { zone: "ip", type: "simple", ipam: "nb" })).rejects.toMatchObject({
      message: "create sdn zone object failed: 400 Parameter verification failed.\nipam: nb not existing\n",
    });
  });

  it("vxlan zones need exactly one of peers and fabric (a 500 carrying the 400)", async () => {
    const { s } = setup();
    const both =
      "create sdn zone object failed: 400 Parameter verification failed.\npeers: must have exactly one of peers / fabric defined\nfabric: must have exactly one of peers / fabric defined\n";
    await expect(s.call("POST", "/cluster/sdn/zones", { zone: "vx", type: "vxlan" })).rejects.toMatchObject({ status: 500, message: both });
    await s.call("POST", "/cluster/sdn/zones", { zone: "vx", type: "vxlan", peers: "10.0.0.1,10.0.0.2" });
    await s.call("POST", "/cluster/sdn/vnets", { vnet: "vxn", zone: "vx", tag: 100 });
    await expect(s.call("POST", "/cluster/sdn/vnets", { vnet: "vxm", zone: "vx", tag: 100 })).rejects.toMatchObject({
      message: "create sdn vnet object failed: 400 Parameter verification failed.\ntag: vxlan tag 100 already exist in vnet vxn in zone vx \n",
    });
  });

  it("subnets: gateway inside, vnet kept while it has subnets, deleting a gone subnet succeeds", async () => {
    const { s } = setup();
    await s.call("POST", "/cluster/sdn/zones", { zone: "z", type: "simple" });
    await s.call("POST", "/cluster/sdn/vnets", { vnet: "v", zone: "z" });
    await expect(
      s.call("POST", "/cluster/sdn/vnets/{vnet}/subnets", { vnet: "v", subnet: "10.1.0.0/24", type: "subnet", gateway: "10.2.0.1" }),
    ).rejects.toMatchObject({
      message: "create sdn subnet object failed: 400 Parameter verification failed.\ngateway: 10.2.0.1 is not in subnet 10.1.0.0/24\n",
    });
    await s.call("POST", "/cluster/sdn/vnets/{vnet}/subnets", { vnet: "v", subnet: "10.1.0.0/24", type: "subnet", gateway: "10.1.0.1" });
    await expect(s.call("DELETE", "/cluster/sdn/vnets/{vnet}", { vnet: "v" })).rejects.toMatchObject({
      message: "delete sdn vnet object failed: 400 Parameter verification failed.\nvnet: Can't delete vnet if subnets exists\n",
    });
    await s.call("DELETE", "/cluster/sdn/vnets/{vnet}/subnets/{subnet}", { vnet: "v", subnet: "z-10.1.0.0-24" });
    await expect(s.call("DELETE", "/cluster/sdn/vnets/{vnet}/subnets/{subnet}", { vnet: "v", subnet: "z-10.1.0.0-24" })).resolves.toBeNull();
    await s.call("DELETE", "/cluster/sdn/vnets/{vnet}", { vnet: "v" });
  });

  it("ipams keep their token secret", async () => {
    const { s } = setup();
    await s.call("POST", "/cluster/sdn/ipams", { ipam: "nb", type: "netbox", url: "https://nb/api", token: "t0p" });
    const item = (await s.call("GET", "/cluster/sdn/ipams/{ipam}", { ipam: "nb" })) as Record<string, unknown>;
    expect(item).toMatchObject({ ipam: "nb", type: "netbox", url: "https://nb/api" });
    expect(item.token).toBeUndefined();
    expect(await s.call("GET", "/cluster/sdn/ipams")).toEqual([
      { ipam: "nb", type: "netbox" },
      { ipam: "pve", type: "pve" },
    ]);
  });
});
