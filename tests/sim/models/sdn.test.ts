import { describe, expect, it } from "vitest";
import { fakeSim } from "./fake-context";
import { sdnModel } from "./sdn";

function setup() {
  const model = sdnModel();
  return { model, s: fakeSim([model]) };
}

describe("SDN staged model", () => {
  it("shows new objects as pending until committed, then running", async () => {
    const { s, model } = setup();
    await s.call("POST", "/cluster/sdn/zones", { zone: "zone1", type: "simple", mtu: 1450 });
    await s.call("POST", "/cluster/sdn/vnets", { vnet: "vnet1", zone: "zone1", tag: 10 });
    await s.call("POST", "/cluster/sdn/vnets/{vnet}/subnets", { vnet: "vnet1", subnet: "10.0.0.0/24", type: "subnet", gateway: "10.0.0.1" });

    expect(await s.call("GET", "/cluster/sdn/zones/{zone}", { zone: "zone1", pending: 1 })).toMatchObject({
      zone: "zone1", type: "simple", state: "new", pending: { mtu: 1450 },
    });
    const pendingZone = (await s.call("GET", "/cluster/sdn/zones/{zone}", { zone: "zone1", pending: 1 })) as Record<string, unknown>;
    expect(pendingZone.mtu).toBeUndefined();
    const subnet = (await s.call("GET", "/cluster/sdn/vnets/{vnet}/subnets/{subnet}", { vnet: "vnet1", subnet: "zone1-10.0.0.0-24", pending: 1 })) as Record<string, unknown>;
    expect(subnet).toMatchObject({ subnet: "zone1-10.0.0.0-24", type: "subnet", vnet: "vnet1", state: "new", pending: { gateway: "10.0.0.1" } });
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

  it("global lock: token required while locked, pending changes refused unless allowed", async () => {
    const { s } = setup();
    await s.call("POST", "/cluster/sdn/zones", { zone: "z1", type: "simple" });
    await expect(s.call("POST", "/cluster/sdn/lock", {})).rejects.toMatchObject({
      status: 500, message: "could not acquire lock for SDN config: configuration has pending changes\n",
    });
    const token = (await s.call("POST", "/cluster/sdn/lock", { "allow-pending": 1 })) as string;
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    await expect(s.call("POST", "/cluster/sdn/zones", { zone: "z2", type: "simple" })).rejects.toMatchObject({
      status: 500, message: "create sdn zone object failed: invalid lock token provided!\n",
    });
    await s.call("POST", "/cluster/sdn/zones", { zone: "z2", type: "simple", "lock-token": token });
    expect((await s.call("GET", "/cluster/sdn/zones/{zone}", { zone: "z2" })) as Record<string, unknown>).not.toHaveProperty("lock-token");
    await expect(s.call("PUT", "/cluster/sdn", {})).rejects.toMatchObject({ message: "could not commit SDN config: invalid lock token provided!\n" });
    await s.call("PUT", "/cluster/sdn", { "lock-token": token });
    await s.call("POST", "/cluster/sdn/zones", { zone: "z3", type: "simple" });
  });

  it("validates references: vnet zone, evpn controller, zone in use", async () => {
    const { s } = setup();
    await expect(s.call("POST", "/cluster/sdn/vnets", { vnet: "v1", zone: "nope" })).rejects.toMatchObject({ status: 500 });
    await expect(s.call("POST", "/cluster/sdn/zones", { zone: "ev", type: "evpn", controller: "ctl", "vrf-vxlan": 100 })).rejects.toMatchObject({
      message: "create sdn zone object failed: controller ctl don't exist\n",
    });
    await s.call("POST", "/cluster/sdn/controllers", { controller: "ctl", type: "evpn", asn: 65000 });
    await s.call("POST", "/cluster/sdn/zones", { zone: "ev", type: "evpn", controller: "ctl", "vrf-vxlan": 100 });
    await s.call("POST", "/cluster/sdn/vnets", { vnet: "v1", zone: "ev", tag: 11000 });
    await expect(s.call("DELETE", "/cluster/sdn/zones/{zone}", { zone: "ev" })).rejects.toMatchObject({
      message: "delete sdn zone object failed: zone ev is used by vnet v1\n",
    });
    await expect(s.call("GET", "/cluster/sdn/zones/{zone}", { zone: "zz" })).rejects.toMatchObject({ message: "sdn 'zz' zone not defined\n" });
  });

  it("ipams keep their token secret", async () => {
    const { s } = setup();
    await s.call("POST", "/cluster/sdn/ipams", { ipam: "nb", type: "netbox", url: "https://nb/api", token: "t0p" });
    const item = (await s.call("GET", "/cluster/sdn/ipams/{ipam}", { ipam: "nb" })) as Record<string, unknown>;
    expect(item).toMatchObject({ ipam: "nb", type: "netbox", url: "https://nb/api" });
    expect(item.token).toBeUndefined();
    expect(await s.call("GET", "/cluster/sdn/ipams")).toEqual([{ ipam: "nb", type: "netbox" }, { ipam: "pve", type: "pve" }]);
  });
});
