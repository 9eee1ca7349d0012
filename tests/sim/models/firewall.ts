/**
 * Firewall: cluster and node options, cluster/node rules, aliases, IP sets, security groups,
 * and the node firewall log. Cluster writes take `firewall-cluster`, node writes
 * `firewall-host-<node>`.
 */
import type { SimModel } from "../types";
import { FlatConfig } from "./flat-config";
import { installAliases, installIpSets, installSecurityGroups } from "./firewall-objects";
import { RuleList, registerRules } from "./firewall-rules";
import { registerSingleton } from "./generic-store";
import { perNode } from "./per-node";

/** Lines of a node's firewall log, as `pve-firewall` writes them. */
function logLines(node: string, now: number): string[] {
  const stamp = new Date(now).toUTCString();
  return [`0 5 - ${stamp} starting pvefw logger`, `0 6 - ${stamp} policy DROP: IN=vmbr0 SRC=192.0.2.7 DST=192.0.2.1 PROTO=TCP DPT=23 (${node})`];
}

/** The firewall model. */
export function firewallModel(): SimModel {
  return {
    name: "firewall",
    install(register, ctx) {
      const nodeOptions = perNode(() => new FlatConfig({ enable: 1 }));
      const nodeRules = perNode(() => new RuleList());
      const clusterRules = new RuleList();

      registerSingleton(register, ctx, {
        template: "/cluster/firewall/options",
        config: new FlatConfig({ enable: 0, policy_in: "DROP", policy_out: "ACCEPT" }),
        lockId: "firewall-cluster",
        digest: true,
      });
      registerSingleton(register, ctx, {
        template: "/nodes/{node}/firewall/options",
        config: (req) => nodeOptions(req.params.node),
        lockId: (req) => `firewall-host-${String(req.params.node)}`,
        digest: true,
      });
      registerRules(register, ctx, {
        list: "/cluster/firewall/rules",
        item: "/cluster/firewall/rules/{pos}",
        rulesOf: () => clusterRules,
        lockId: () => "firewall-cluster",
      });
      registerRules(register, ctx, {
        list: "/nodes/{node}/firewall/rules",
        item: "/nodes/{node}/firewall/rules/{pos}",
        rulesOf: (req) => nodeRules(req.params.node),
        lockId: (req) => `firewall-host-${String(req.params.node)}`,
      });
      installAliases(register, ctx);
      installIpSets(register, ctx);
      installSecurityGroups(register, ctx);

      register("GET", "/nodes/{node}/firewall/log", (req) => {
        const lines = logLines(String(req.params.node), ctx.now());
        const start = Number(req.params.start ?? 0);
        const limit = Number(req.params.limit ?? 50);
        return lines.slice(start, start + limit).map((t, i) => ({ n: start + i + 1, t }));
      });
    },
  };
}
