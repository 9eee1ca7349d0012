/** What an update sends: changed fields, plus what the call requires or, for a whole-object update, everything. */
import { describe, expect, it } from "vitest";
import { type EngineApi, type PveMethod, type WireParams, update } from "../../provider/engine";
import { changedFields } from "../../provider/engine/diff";
import { definitionOf } from "../../schema/definitions";

function recorder(answer: (path: string) => unknown): EngineApi & { writes: Array<{ method: PveMethod; path: string; params: WireParams }> } {
  const writes: Array<{ method: PveMethod; path: string; params: WireParams }> = [];
  return {
    writes,
    async request<T>(method: PveMethod, path: string, params: WireParams = {}): Promise<T> {
      if (method !== "GET") writes.push({ method, path, params });
      return answer(path) as T;
    },
    async waitForTask() {
      return { exitstatus: "OK", warnings: 0 };
    },
  };
}

describe("update parameters", () => {
  it("a whole-object update (firewall alias) sends the unchanged comment along with the changed cidr", async () => {
    const api = recorder(() => ({ name: "net1", cidr: "10.0.0.0/24", comment: "keep me" }));
    const alias = definitionOf("firewall:Alias");
    await update(alias, api, { name: "net1", cidr: "10.9.0.0/24", comment: "keep me" }, { name: "net1", cidr: "10.0.0.0/24", comment: "keep me" });
    expect(api.writes).toEqual([{ method: "PUT", path: "/cluster/firewall/aliases/net1", params: { cidr: "10.0.0.0/24", comment: "keep me" } }]);
  });

  it("a DNS update carries the required search domain and every name server (PVE drops one the write leaves out)", async () => {
    const api = recorder(() => ({ search: "corp.example", dns1: "10.0.0.53", dns2: "10.0.0.54" }));
    const dns = definitionOf("node:Dns");
    const olds = { node: "pve1", search: "corp.example", dns1: "10.0.0.53" };
    await update(dns, api, olds, { ...olds, dns2: "10.0.0.54" });
    expect(api.writes).toEqual([{ method: "PUT", path: "/nodes/pve1/dns", params: { search: "corp.example", dns1: "10.0.0.53", dns2: "10.0.0.54" } }]);
  });

  it("a firewall rule is written at the position it has now, with the list's digest", async () => {
    const api = recorder(() => [
      { pos: 0, comment: "by hand", action: "DROP", type: "in", digest: "d1" },
      { pos: 1, comment: "managed", action: "ACCEPT", type: "in", digest: "d1" },
    ]);
    const rule = definitionOf("firewall:ClusterRule");
    const olds = { comment: "managed", type: "in", action: "ACCEPT" };
    await update(rule, api, olds, { ...olds, action: "REJECT" });
    expect(api.writes).toEqual([{ method: "PUT", path: "/cluster/firewall/rules/1", params: { action: "REJECT", comment: "managed", digest: "d1" } }]);
  });

  it("a network interface's update sends every managed field, so that PVE keeps a static address static", async () => {
    const api = recorder(() => [{ iface: "vmbr1", type: "bridge", cidr: "10.0.0.2/24", comments: "one\n", autostart: 1 }]);
    const iface = definitionOf("node:NetworkInterface");
    const olds = {
      node: "pve1",
      iface: "vmbr1",
      type: "bridge",
      cidr: "10.0.0.2/24",
      comments: "one",
      autostart: true,
      bridgeVlanAware: true,
      bridgeVids: ["2", "100-200"],
    };
    await update(iface, api, olds, { ...olds, comments: "two" });
    // PVE copies an update's bridge_vids into the file as sent: the list goes space-separated.
    expect(api.writes[0]).toEqual({
      method: "PUT",
      path: "/nodes/pve1/network/vmbr1",
      params: { type: "bridge", cidr: "10.0.0.2/24", comments: "two", autostart: 1, bridge_vlan_aware: 1, bridge_vids: "2 100-200" },
    });
  });

  it("a presence flag's false is the option's absence: deleted on update, no change against an absent value", async () => {
    const api = recorder(() => [{ iface: "vmbr1", type: "bridge", autostart: 1 }]);
    const iface = definitionOf("node:NetworkInterface");
    const olds = { node: "pve1", iface: "vmbr1", type: "bridge", autostart: true, bridgeVlanAware: true };
    await update(iface, api, olds, { ...olds, bridgeVlanAware: false });
    expect(api.writes[0]?.params).toEqual({ type: "bridge", autostart: 1, delete: "bridge_vlan_aware" });
    expect(changedFields(iface, { ...olds, bridgeVlanAware: undefined }, { ...olds, bridgeVlanAware: false })).toEqual([]);
  });
});
