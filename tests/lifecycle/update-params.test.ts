/** What an update sends: changed fields, plus what the call requires or, for a whole-object update, everything. */
import { describe, expect, it } from "vitest";
import { type EngineApi, type PveMethod, type WireParams, update } from "../../provider/engine";
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
});
