/** Node kinds' scenarios: system settings (singletons per node) and staged network interfaces. */
import { expect } from "vitest";
import type { ProxmoxClient } from "../../provider/client";
import { raw } from "../sim/testkit/raw";
import type { Simulator } from "../sim";
import type { KindScenario } from "./scenarios";

type Item = Record<string, unknown>;

const get = (admin: ProxmoxClient, path: string): Promise<Item> => admin.get<Item>(path);

const SOURCES = "/etc/apt/sources.list.d";

/** proxmox-apt's booleans reach the API through the Perl binding as 1/0. */
interface AptListing {
  files: { path: string; repositories: { Enabled: 0 | 1 }[] }[];
  "standard-repos": { handle: string; status?: 0 | 1 }[];
}

const aptListing = (admin: ProxmoxClient, node: unknown): Promise<AptListing> => admin.get<AptListing>(`/nodes/${String(node)}/apt/repositories`);

/** The repository entry at args' path + index. */
export async function aptEntry(admin: ProxmoxClient, a: Record<string, unknown>): Promise<{ Enabled: 0 | 1 } | undefined> {
  const listing = await aptListing(admin, a["node"]);
  return listing.files.find((f) => f.path === a["path"])?.repositories[Number(a["index"])];
}

/** The status PVE reports for args' standard repository (undefined: not configured). */
export async function standardStatus(admin: ProxmoxClient, a: Record<string, unknown>): Promise<0 | 1 | undefined> {
  const listing = await aptListing(admin, a["node"]);
  return listing["standard-repos"].find((r) => r.handle === a["handle"])?.status;
}

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
    // PVE rewrites the name servers from each write alone: a hand edit of the search domain sends them too.
    drift: { edit: (admin) => admin.put("/nodes/pve1/dns", { search: "by-hand.example", dns1: "10.0.0.53", dns2: "10.0.0.54" }), keys: ["search"] },
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
    // PVE refuses a node config naming a plugin that does not exist (NodeConfig.pm::verify_conf).
    setup: async (admin) => {
      await admin.post("/cluster/acme/plugins", { id: "dns1", type: "dns", api: "cf" });
    },
    initial: {
      node: "pve1",
      description: "rack 1",
      acmeDomains: [{ domain: "pve1.example.com" }, { domain: "pve1.example.net", plugin: "dns1", alias: "_acme-challenge.example.org" }],
    },
    // Dropping the trailing entry deletes acmedomain1; changing the first rewrites acmedomain0.
    updated: {
      args: { node: "pve1", description: "rack 2", acmeDomains: [{ domain: "pve1.example.com", plugin: "dns1" }] },
      diffs: ["acmeDomains", "description"],
    },
    invalid: { args: { node: "pve1", acmeDomains: [{ domain: "pve1" }] }, property: "acmeDomains.0.domain" },
    exists: async (admin, a) => {
      const config = await get(admin, `/nodes/${String(a["node"])}/config`);
      const domains = Object.keys(config).filter((key) => /^acmedomain\d+$/.test(key)).length;
      // PVE reads the description back with a newline after each line.
      return config["description"] === `${String(a["description"])}\n` && domains === (a["acmeDomains"] as unknown[]).length;
    },
    drift: { edit: (admin) => admin.put("/nodes/pve1/config", { acmedomain3: "domain=by-hand.example.com" }), keys: ["acmeDomains"] },
    existing: async (admin) => {
      await admin.put("/nodes/pve2/config", { description: "made by hand", acmedomain0: "domain=pve2.example.com,plugin=standalone" });
      return { importId: "pve2", args: { node: "pve2", description: "made by hand", acmeDomains: [{ domain: "pve2.example.com" }] } };
    },
  },
  {
    namespace: "node",
    kind: "AptRepository",
    // The no-subscription repository, added and disabled by hand: the resource enables it.
    setup: async (admin) => {
      await admin.put("/nodes/pve1/apt/repositories", { handle: "no-subscription" });
      await admin.post("/nodes/pve1/apt/repositories", { path: `${SOURCES}/proxmox.sources`, index: 0, enabled: 0 });
    },
    initial: { node: "pve1", path: `${SOURCES}/proxmox.sources`, index: 0, enabled: true },
    updated: { args: { node: "pve1", path: `${SOURCES}/proxmox.sources`, index: 0, enabled: false }, diffs: ["enabled"] },
    replaced: { args: { node: "pve1", path: `${SOURCES}/pve-enterprise.sources`, index: 0, enabled: true }, replaces: ["path"] },
    invalid: { args: { node: "pve1", path: `${SOURCES}/proxmox.sources`, index: 0, enabled: "yes" }, property: "enabled" },
    exists: async (admin, a) => (await aptEntry(admin, a))?.Enabled === 1,
    drift: {
      edit: (admin, a) => admin.post(`/nodes/${String(a["node"])}/apt/repositories`, { path: String(a["path"]), index: Number(a["index"]), enabled: 0 }),
      keys: ["enabled"],
    },
    existing: async () => ({
      importId: `pve2:${SOURCES}/debian.sources:1`,
      args: { node: "pve2", path: `${SOURCES}/debian.sources`, index: 1, enabled: true },
    }),
  },
  {
    namespace: "node",
    kind: "AptStandardRepository",
    // On pve2: node.AptRepository manages pve1's no-subscription entry, and the real-CLI suites run both in one stack.
    initial: { node: "pve2", handle: "no-subscription" },
    invalid: { args: { node: "pve2", handle: "ceph-quincy-enterprise" }, property: "handle" },
    exists: async (admin, a) => (await standardStatus(admin, a)) === 1,
    // Adding another repository by hand is nothing this resource manages.
    drift: { edit: (admin) => admin.put("/nodes/pve2/apt/repositories", { handle: "test" }), keys: [] },
    existing: async (admin) => {
      await admin.put("/nodes/pve2/apt/repositories", { handle: "ceph-squid-no-subscription" });
      return { importId: "pve2/ceph-squid-no-subscription", args: { node: "pve2", handle: "ceph-squid-no-subscription" } };
    },
    // PVE cannot remove a repository: deleting the resource leaves it configured.
    destroyKeeps: true,
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
