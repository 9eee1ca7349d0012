/** Node kinds' scenarios: system settings (singletons per node) and staged network interfaces. */
import { expect } from "vitest";
import type { ProxmoxClient } from "../../provider/client";
import { raw } from "../sim/testkit/raw";
import type { Simulator } from "../sim";
import type { KindScenario } from "./scenarios";

type Item = Record<string, unknown>;

const get = (admin: ProxmoxClient, path: string): Promise<Item> => admin.get<Item>(path);

/** No node has staged-but-unapplied network changes: PVE's `changes` extra is absent. */
export async function nothingStaged(sim: Simulator): Promise<void> {
  for (const node of ["pve1", "pve2"]) {
    const reply = await raw(sim, "GET", `/nodes/${node}/network`, { auth: { token: sim.apiToken ?? "" } });
    expect((reply.json as { changes?: string } | undefined)?.changes, `staged network changes on ${node}`).toBeUndefined();
  }
}

export const nodeScenarios: KindScenario[] = [
  {
    namespace: "node",
    kind: "Dns",
    initial: { node: "pve1", search: "corp.example", dns1: "10.0.0.53" },
    updated: { args: { node: "pve1", search: "corp.example", dns1: "10.0.0.53", dns2: "10.0.0.54" }, diffs: ["dns2"] },
    invalid: { args: { node: "pve1", search: "corp.example", dns1: 53 }, property: "dns1" },
    exists: async (admin, a) => (await get(admin, `/nodes/${String(a["node"])}/dns`))["search"] === a["search"],
    drift: { edit: (admin) => admin.put("/nodes/pve1/dns", { search: "by-hand.example", dns1: "10.0.0.53" }), keys: ["search"] },
    existing: async (admin) => {
      await admin.put("/nodes/pve2/dns", { search: "two.example", dns1: "10.2.0.53" });
      return { importId: "pve2", args: { node: "pve2", search: "two.example", dns1: "10.2.0.53" } };
    },
    destroyKeeps: true,
  },
  {
    namespace: "node",
    kind: "Hosts",
    initial: { node: "pve1", data: "127.0.0.1 localhost\n10.0.0.1 pve1.corp.example pve1\n" },
    updated: { args: { node: "pve1", data: "127.0.0.1 localhost\n10.0.0.1 pve1.corp.example pve1\n10.0.0.2 pve2\n" }, diffs: ["data"] },
    invalid: { args: { node: "pve1", data: 42 }, property: "data" },
    exists: async (admin, a) => (await get(admin, `/nodes/${String(a["node"])}/hosts`))["data"] === a["data"],
    drift: { edit: (admin) => admin.post("/nodes/pve1/hosts", { data: "127.0.0.1 localhost\n" }), keys: ["data", "digest"] },
    existing: async (admin) => {
      await admin.post("/nodes/pve2/hosts", { data: "127.0.0.1 localhost\n10.0.0.2 pve2\n" });
      return { importId: "pve2", args: { node: "pve2", data: "127.0.0.1 localhost\n10.0.0.2 pve2\n" } };
    },
    destroyKeeps: true,
  },
  {
    namespace: "node",
    kind: "Time",
    initial: { node: "pve1", timezone: "Europe/Vienna" },
    updated: { args: { node: "pve1", timezone: "Europe/Berlin" }, diffs: ["timezone"] },
    invalid: { args: { node: "pve1", timezone: 5 }, property: "timezone" },
    exists: async (admin, a) => (await get(admin, `/nodes/${String(a["node"])}/time`))["timezone"] === a["timezone"],
    drift: { edit: (admin) => admin.put("/nodes/pve1/time", { timezone: "UTC" }), keys: ["timezone"] },
    existing: async (admin) => {
      await admin.put("/nodes/pve2/time", { timezone: "Asia/Tokyo" });
      return { importId: "pve2", args: { node: "pve2", timezone: "Asia/Tokyo" } };
    },
    destroyKeeps: true,
  },
  {
    namespace: "node",
    kind: "Options",
    initial: { node: "pve1", description: "rack 1" },
    updated: { args: { node: "pve1", description: "rack 2" }, diffs: ["description"] },
    invalid: { args: { node: "pve1", startallOnbootDelay: -1 }, property: "startallOnbootDelay" },
    exists: async (admin, a) => (await get(admin, `/nodes/${String(a["node"])}/config`))["description"] === a["description"],
    drift: { edit: (admin) => admin.put("/nodes/pve1/config", { description: "by hand" }), keys: ["description"] },
    existing: async (admin) => {
      await admin.put("/nodes/pve2/config", { description: "made by hand" });
      return { importId: "pve2", args: { node: "pve2", description: "made by hand" } };
    },
  },
  {
    namespace: "node",
    kind: "NetworkInterface",
    initial: { node: "pve1", iface: "vmbr1", type: "bridge", autostart: true, comments: "one" },
    updated: { args: { node: "pve1", iface: "vmbr1", type: "bridge", autostart: true, comments: "two" }, diffs: ["comments"] },
    replaced: { args: { node: "pve1", iface: "vmbr2", type: "bridge", autostart: true, comments: "two" }, replaces: ["iface"] },
    invalid: { args: { node: "pve1", iface: "vmbr1", type: "tunnel" }, property: "type" },
    // `active` means it is in the running config: the apply happened.
    exists: async (admin, a) => {
      const list = await admin.get<Item[]>(`/nodes/${String(a["node"])}/network`);
      return list.some((i) => i["iface"] === a["iface"] && i["active"] === 1);
    },
    drift: { edit: (admin, a) => admin.put(`/nodes/pve1/network/${String(a["iface"])}`, { type: "bridge", comments: "by hand" }), keys: ["comments"] },
    existing: async (admin) => {
      await admin.post("/nodes/pve2/network", { iface: "vmbr9", type: "bridge", comments: "made by hand" });
      await admin.waitForTask(await admin.put<string>("/nodes/pve2/network", {}));
      return { importId: "pve2/vmbr9", args: { node: "pve2", iface: "vmbr9", type: "bridge", comments: "made by hand" } };
    },
    settled: (_admin, sim) => nothingStaged(sim),
  },
];
