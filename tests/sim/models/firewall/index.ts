/**
 * Firewall, as pve-firewall serves it: cluster and node options (`src/PVE/API2/Firewall/Cluster.pm`
 * and `Host.pm` `get_options`/`set_options`: a fresh cluster.fw and host.fw hold no options, a
 * `delete` of an unknown option is a 400, the cluster's `enable` above 1 becomes the current time,
 * the host's is 0 or 1), cluster/node rules (`rules.ts`), aliases, IP sets and security
 * groups (`objects.ts`), and the node firewall log. Cluster writes take
 * `firewall-cluster`, node writes `firewall-host-<node>`; both re-raise with `die $@`.
 */
import type { SimContext, SimRequest, SimModel } from "../../types";
import { assertDigest, configParams, sha1, splitList, type ConfigRecord } from "../config-text";
import { installAliases, installIpSets, installSecurityGroups } from "./objects";
import { RuleList, registerRules } from "./rules";
import type { RuleObjects } from "./verify";
import type { Register } from "../generic-store";
import { paramError } from "../param-error";
import { parametersOf } from "../../core/schema";
import { perNode } from "../per-node";

/** Lines of a node's firewall log, as `pve-firewall` writes them. */
function logLines(node: string, now: number): string[] {
  const stamp = new Date(now).toUTCString();
  return [`0 5 - ${stamp} starting pvefw logger`, `0 6 - ${stamp} policy DROP: IN=vmbr0 SRC=192.0.2.7 DST=192.0.2.1 PROTO=TCP DPT=23 (${node})`];
}

/** `copy_opject_with_digest`: the options plus a digest over their sorted `key:value` lines. */
function withDigest(options: Readonly<ConfigRecord>): Record<string, unknown> {
  const keys = Object.keys(options).sort();
  return { ...Object.fromEntries(keys.map((k) => [k, options[k]])), digest: sha1(keys.map((k) => `${k}:${options[k]}\n`).join("")) };
}

/** `get_options` / `set_options` of one options object. */
function registerOptions(
  register: Register,
  ctx: SimContext,
  template: string,
  optionsOf: (req: SimRequest) => ConfigRecord,
  lockId: (req: SimRequest) => string,
  enable: (value: number, now: number) => number,
): void {
  const schema = parametersOf("PUT", template);
  register("GET", template, (req) => withDigest(optionsOf(req)));
  register("PUT", template, (req) =>
    ctx.withLock(lockId(req), () => {
      const options = optionsOf(req);
      assertDigest(String(withDigest(options).digest), req.params.digest);
      for (const key of splitList(req.params.delete)) {
        if (!(key in schema) || ["delete", "digest", "node"].includes(key)) throw paramError({ delete: `no such option '${key}'` });
        delete options[key];
      }
      const set = configParams(req.params, schema, ["node"]);
      if (typeof set.enable === "number") set.enable = enable(set.enable, Math.floor(ctx.now() / 1000));
      Object.assign(options, set);
      return null;
    }),
  );
}

/** The firewall model. */
export function firewallModel(): SimModel {
  return {
    name: "firewall",
    install(register, ctx) {
      const clusterOptions: ConfigRecord = {};
      const nodeOptions = perNode((): ConfigRecord => ({}));
      const nodeRules = perNode(() => new RuleList());
      const clusterRules = new RuleList();

      registerOptions(
        register,
        ctx,
        "/cluster/firewall/options",
        () => clusterOptions,
        () => "firewall-cluster",
        (value, now) => (value > 1 ? now : value),
      );
      registerOptions(
        register,
        ctx,
        "/nodes/{node}/firewall/options",
        (req) => nodeOptions(req.params.node),
        (req) => `firewall-host-${String(req.params.node)}`,
        (value) => (value ? 1 : 0),
      );

      const aliases = installAliases(register, ctx);
      const ipsets = installIpSets(register, ctx, aliases.alias);
      const objects: RuleObjects = { ...aliases, ...ipsets };
      installSecurityGroups(register, ctx, objects);
      registerRules(register, ctx, {
        list: "/cluster/firewall/rules",
        item: "/cluster/firewall/rules/{pos}",
        env: "cluster",
        rulesOf: () => clusterRules,
        lockId: () => "firewall-cluster",
        objects,
      });
      registerRules(register, ctx, {
        list: "/nodes/{node}/firewall/rules",
        item: "/nodes/{node}/firewall/rules/{pos}",
        env: "host",
        rulesOf: (req) => nodeRules(req.params.node),
        lockId: (req) => `firewall-host-${String(req.params.node)}`,
        objects,
      });

      register("GET", "/nodes/{node}/firewall/log", (req) => {
        const lines = logLines(String(req.params.node), ctx.now());
        const start = Number(req.params.start ?? 0);
        const limit = Number(req.params.limit ?? 50);
        return lines.slice(start, start + limit).map((t, i) => ({ n: start + i + 1, t }));
      });
    },
  };
}
