/**
 * Cluster firewall objects in cluster.fw: aliases, IP sets (with entries) and security groups
 * (whose rules use {@link registerRules}). Names are case-insensitive like PVE's.
 */
import type { SimContext, SimRequest } from "../types";
import { assertDigest, configParams, pveDie, sha1, type ConfigRecord } from "./config-text";
import type { Register } from "./generic-store";
import { RuleList, registerRules } from "./firewall-rules";
import { parametersOf } from "./schema";
import { paramError } from "./param-error";
import { SectionStore } from "./section-store";

const LOCK = "firewall-cluster";
const key = (name: unknown): string => String(name).toLowerCase();

/** Aliases: `name` → `{cidr, comment}`, with rename on PUT. */
export function installAliases(register: Register, ctx: SimContext): void {
  const aliases = new SectionStore(() => "alias");
  const view = (name: string): Record<string, unknown> => ({ ...aliases.get(name), name, digest: aliases.digest() });
  const existing = (name: string): ConfigRecord => {
    const found = aliases.get(name);
    if (!found) throw pveDie(`no such alias '${name}'`);
    return found;
  };
  const fields = (req: SimRequest, method: "POST" | "PUT", template: string): ConfigRecord =>
    configParams(req.params, parametersOf(method, template), ["name", "rename"]);

  register("GET", "/cluster/firewall/aliases", () => aliases.ids().map(view));
  register("POST", "/cluster/firewall/aliases", (req) =>
    ctx.withLock(LOCK, () => {
      const name = key(req.params.name);
      if (aliases.has(name)) throw pveDie(`alias '${name}' already exists`);
      aliases.set(name, fields(req, "POST", "/cluster/firewall/aliases"));
      return null;
    }),
  );
  register("GET", "/cluster/firewall/aliases/{name}", (req) => {
    existing(key(req.params.name));
    return view(key(req.params.name));
  });
  register("PUT", "/cluster/firewall/aliases/{name}", (req) =>
    ctx.withLock(LOCK, () => {
      assertDigest(aliases.digest(), req.params.digest);
      const name = key(req.params.name);
      existing(name);
      const target = req.params.rename === undefined ? name : key(req.params.rename);
      if (target !== name && aliases.has(target)) throw pveDie(`alias '${target}' already exists`);
      aliases.delete(name);
      aliases.set(target, fields(req, "PUT", "/cluster/firewall/aliases/{name}"));
      return null;
    }),
  );
  register("DELETE", "/cluster/firewall/aliases/{name}", (req) =>
    ctx.withLock(LOCK, () => {
      assertDigest(aliases.digest(), req.params.digest);
      aliases.delete(key(req.params.name));
      return null;
    }),
  );
}

/** One IP set: comment plus entries keyed by CIDR. */
interface IpSet {
  comment?: string;
  readonly entries: SectionStore;
}

/** IP sets and their entries. */
export function installIpSets(register: Register, ctx: SimContext): void {
  const sets = new Map<string, IpSet>();
  const setDigest = (): string => sha1(JSON.stringify([...sets].map(([name, set]) => [name, set.comment]).sort()));
  const existing = (name: unknown): IpSet => {
    const found = sets.get(key(name));
    if (!found) throw pveDie(`no such IPSet '${String(name)}'`);
    return found;
  };
  const entry = (set: IpSet, cidr: string): ConfigRecord => {
    const found = set.entries.get(cidr);
    if (!found) throw paramError({ cidr: "no such IP/Network" });
    return found;
  };
  const entryFields = (req: SimRequest, method: "POST" | "PUT", template: string): ConfigRecord =>
    configParams(req.params, parametersOf(method, template), ["name", "cidr"]);

  register("GET", "/cluster/firewall/ipset", () =>
    [...sets.keys()].sort().map((name) => ({ name, comment: sets.get(name)?.comment, digest: setDigest() })),
  );
  register("POST", "/cluster/firewall/ipset", (req) =>
    ctx.withLock(LOCK, () => {
      assertDigest(setDigest(), req.params.digest);
      const comment = req.params.comment === undefined ? undefined : String(req.params.comment);
      if (req.params.rename !== undefined) {
        const old = existing(req.params.rename);
        sets.delete(key(req.params.rename));
        sets.set(key(req.params.name), { ...old, comment: comment ?? old.comment });
        return null;
      }
      if (sets.has(key(req.params.name))) throw pveDie(`IPSet '${key(req.params.name)}' already exists`);
      sets.set(key(req.params.name), { comment, entries: new SectionStore(() => "entry") });
      return null;
    }),
  );
  register("DELETE", "/cluster/firewall/ipset/{name}", (req) =>
    ctx.withLock(LOCK, () => {
      const set = existing(req.params.name);
      if (set.entries.ids().length > 0 && !req.params.force) throw pveDie(`IPSet '${key(req.params.name)}' is not empty`);
      sets.delete(key(req.params.name));
      return null;
    }),
  );
  register("GET", "/cluster/firewall/ipset/{name}", (req) => {
    const set = existing(req.params.name);
    return set.entries.entries().map(([cidr, r]) => ({ ...r, cidr, digest: set.entries.digest() }));
  });
  register("POST", "/cluster/firewall/ipset/{name}", (req) =>
    ctx.withLock(LOCK, () => {
      const set = existing(req.params.name);
      const cidr = String(req.params.cidr);
      if (set.entries.has(cidr)) throw pveDie(`entry '${cidr}' already exists`);
      set.entries.set(cidr, entryFields(req, "POST", "/cluster/firewall/ipset/{name}"));
      return null;
    }),
  );
  register("GET", "/cluster/firewall/ipset/{name}/{cidr}", (req) => {
    const set = existing(req.params.name);
    return { ...entry(set, String(req.params.cidr)), cidr: req.params.cidr, digest: set.entries.digest() };
  });
  register("PUT", "/cluster/firewall/ipset/{name}/{cidr}", (req) =>
    ctx.withLock(LOCK, () => {
      const set = existing(req.params.name);
      assertDigest(set.entries.digest(), req.params.digest);
      const cidr = String(req.params.cidr);
      entry(set, cidr);
      set.entries.set(cidr, entryFields(req, "PUT", "/cluster/firewall/ipset/{name}/{cidr}"));
      return null;
    }),
  );
  register("DELETE", "/cluster/firewall/ipset/{name}/{cidr}", (req) =>
    ctx.withLock(LOCK, () => {
      const set = existing(req.params.name);
      assertDigest(set.entries.digest(), req.params.digest);
      set.entries.delete(String(req.params.cidr));
      return null;
    }),
  );
}

/** Security groups: a comment and a rule list each. */
export function installSecurityGroups(register: Register, ctx: SimContext): void {
  const groups = new Map<string, { comment?: string; rules: RuleList }>();
  const digest = (): string => sha1(JSON.stringify([...groups].map(([name, group]) => [name, group.comment]).sort()));
  const existing = (group: unknown): { comment?: string; rules: RuleList } => {
    const found = groups.get(key(group));
    if (!found) throw pveDie(`no such security group '${String(group)}'`);
    return found;
  };

  register("GET", "/cluster/firewall/groups", () =>
    [...groups.keys()].sort().map((group) => ({ group, comment: groups.get(group)?.comment, digest: digest() })),
  );
  register("POST", "/cluster/firewall/groups", (req) =>
    ctx.withLock(LOCK, () => {
      assertDigest(digest(), req.params.digest);
      const name = key(req.params.group);
      const comment = req.params.comment === undefined ? undefined : String(req.params.comment);
      if (req.params.rename !== undefined) {
        const old = existing(req.params.rename);
        groups.delete(key(req.params.rename));
        groups.set(name, { rules: old.rules, comment: comment ?? old.comment });
        return null;
      }
      if (groups.has(name)) throw pveDie(`security group '${name}' already exists`);
      groups.set(name, { comment, rules: new RuleList() });
      return null;
    }),
  );
  register("DELETE", "/cluster/firewall/groups/{group}", (req) =>
    ctx.withLock(LOCK, () => {
      const group = existing(req.params.group);
      if (group.rules.rules.length > 0) throw pveDie(`Security group '${key(req.params.group)}' is not empty`);
      groups.delete(key(req.params.group));
      return null;
    }),
  );
  registerRules(register, ctx, {
    list: "/cluster/firewall/groups/{group}",
    item: "/cluster/firewall/groups/{group}/{pos}",
    rulesOf: (req) => existing(req.params.group).rules,
    lockId: () => LOCK,
  });
}
