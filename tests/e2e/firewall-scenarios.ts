/** Firewall kinds' scenarios. Rules are found by comment: positions are looked up, never assumed. */
import type { ProxmoxClient } from "../../provider/client";
import { type KindScenario, found } from "./scenarios";

type Rule = Record<string, unknown> & { pos: number; comment?: string };

/** The current position of the rule with this comment (-1 when absent). */
export async function posOf(admin: ProxmoxClient, list: string, comment: string): Promise<number> {
  const rules = await admin.get<Rule[]>(list);
  return rules.find((r) => r.comment === comment)?.pos ?? -1;
}

function ruleScenario(
  kind: string,
  list: string,
  scope: Record<string, unknown>,
  importPrefix: string,
  setup?: (admin: ProxmoxClient) => Promise<unknown>,
): KindScenario {
  const rule = (extra: Record<string, unknown>): Record<string, unknown> => ({ ...scope, type: "in", action: "ACCEPT", ...extra });
  return {
    namespace: "firewall",
    kind,
    ...(setup ? { setup } : {}),
    initial: rule({ comment: "ssh", macro: "SSH", enable: true }),
    updated: { args: rule({ comment: "ssh", macro: "SSH", enable: true, source: "10.0.0.0/8" }), diffs: ["source"] },
    replaced: { args: rule({ comment: "ssh-admin", macro: "SSH", enable: true, source: "10.0.0.0/8" }), replaces: ["comment"] },
    invalid: { args: rule({ comment: "bad", type: "sideways" }), property: "type" },
    exists: async (admin, a) => (await posOf(admin, list, String(a["comment"]))) >= 0,
    drift: {
      edit: async (admin, a) => admin.put(`${list}/${await posOf(admin, list, String(a["comment"]))}`, { action: "DROP" }),
      keys: ["action"],
    },
    existing: async (admin) => {
      await admin.post(list, { type: "in", action: "ACCEPT", macro: "HTTPS", comment: "handmade" });
      return { importId: `${importPrefix}handmade`, args: rule({ comment: "handmade", macro: "HTTPS" }) };
    },
  };
}

export const firewallScenarios: KindScenario[] = [
  {
    namespace: "firewall",
    kind: "Alias",
    initial: { name: "net1", cidr: "10.0.0.0/24", comment: "one" },
    updated: { args: { name: "net1", cidr: "10.0.0.0/24", comment: "two" }, diffs: ["comment"] },
    replaced: { args: { name: "net2", cidr: "10.0.0.0/24", comment: "two" }, replaces: ["name"] },
    invalid: { args: { name: "net1", cidr: 5 }, property: "cidr" },
    exists: (admin, a) => found(() => admin.get(`/cluster/firewall/aliases/${String(a["name"])}`)),
    drift: {
      edit: (admin, a) => admin.put(`/cluster/firewall/aliases/${String(a["name"])}`, { cidr: "10.9.9.0/24", comment: String(a["comment"]) }),
      keys: ["cidr"],
    },
    existing: async (admin) => {
      await admin.post("/cluster/firewall/aliases", { name: "handmade", cidr: "192.168.0.1" });
      return { importId: "handmade", args: { name: "handmade", cidr: "192.168.0.1" } };
    },
  },
  {
    namespace: "firewall",
    kind: "IpSet",
    initial: { name: "set1", comment: "one" },
    // PVE updates the comment in place (a rename to the same name): no replacement, the entries stay.
    updated: { args: { name: "set1", comment: "two" }, diffs: ["comment"] },
    replaced: { args: { name: "set2", comment: "two" }, replaces: ["name"] },
    invalid: { args: { name: 5, comment: "bad name" }, property: "name" },
    exists: async (admin, a) =>
      (await admin.get<Array<{ name: string; comment?: string }>>("/cluster/firewall/ipset")).some((s) => s.name === a["name"] && s.comment === a["comment"]),
    drift: {
      edit: (admin, a) => admin.post("/cluster/firewall/ipset", { name: String(a["name"]), rename: String(a["name"]), comment: "by hand" }),
      keys: ["comment"],
    },
    existing: async (admin) => {
      await admin.post("/cluster/firewall/ipset", { name: "handmade", comment: "made by hand" });
      return { importId: "handmade", args: { name: "handmade", comment: "made by hand" } };
    },
  },
  {
    namespace: "firewall",
    kind: "SecurityGroup",
    initial: { group: "webservers", comment: "one" },
    updated: { args: { group: "webservers", comment: "two" }, diffs: ["comment"] },
    replaced: { args: { group: "webservers2", comment: "two" }, replaces: ["group"] },
    invalid: { args: { group: "webservers", comment: 5 }, property: "comment" },
    exists: async (admin, a) => (await admin.get<Array<{ group: string }>>("/cluster/firewall/groups")).some((g) => g.group === a["group"]),
    drift: {
      edit: (admin, a) => admin.post("/cluster/firewall/groups", { group: String(a["group"]), rename: String(a["group"]), comment: "by hand" }),
      keys: ["comment"],
    },
    existing: async (admin) => {
      await admin.post("/cluster/firewall/groups", { group: "handmade", comment: "made by hand" });
      return { importId: "handmade", args: { group: "handmade", comment: "made by hand" } };
    },
  },
  ruleScenario("ClusterRule", "/cluster/firewall/rules", {}, ""),
  ruleScenario("NodeRule", "/nodes/pve1/firewall/rules", { node: "pve1" }, "pve1/"),
  ruleScenario("SecurityGroupRule", "/cluster/firewall/groups/web", { group: "web" }, "web/", (admin) =>
    admin.post("/cluster/firewall/groups", { group: "web" }),
  ),
  {
    namespace: "firewall",
    kind: "NodeOptions",
    initial: { node: "pve2", logLevelIn: "info", nosmurfs: true },
    updated: { args: { node: "pve2", logLevelIn: "warning", nosmurfs: true }, diffs: ["logLevelIn"] },
    invalid: { args: { node: "pve2", logLevelIn: "loud" }, property: "logLevelIn" },
    exists: async (admin, a) => {
      const options = await admin.get<Record<string, unknown>>(`/nodes/${String(a["node"])}/firewall/options`);
      return a["logLevelIn"] !== undefined ? options["log_level_in"] === a["logLevelIn"] : options["ndp"] === 1;
    },
    drift: { edit: (admin) => admin.put("/nodes/pve2/firewall/options", { log_level_in: "err" }), keys: ["logLevelIn"] },
    existing: async (admin) => {
      await admin.put("/nodes/pve1/firewall/options", { ndp: 1 });
      return { importId: "pve1", args: { node: "pve1", ndp: true } };
    },
  },
];
