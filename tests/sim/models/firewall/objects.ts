/**
 * Cluster firewall objects in cluster.fw, as pve-firewall serves them:
 * - aliases (`src/PVE/API2/Firewall/Aliases.pm`): keyed by the lowercased name, the name kept as
 *   written; `cidr` read back as `parse_ip_or_cidr` leaves it (`/32`, `/128` dropped) with its
 *   `ipversion`; a comment only when non-empty; an update replaces name, cidr and comment;
 * - IP sets (`src/PVE/API2/Firewall/IPSet.pm`): names lowercased when cluster.fw is read back
 *   (`generic_fw_config_parser`), so a name with capitals is written but never found again;
 *   entries normalized (`clean_cidr`, `parse_ip_or_cidr`), inserted at the top, `nomatch` only when
 *   set, an update replacing `nomatch` and `comment`;
 * - security groups (`src/PVE/API2/Firewall/Groups.pm`), names lowercased the same way, with
 *   their rules (`rules.ts`).
 * Parameter errors are real 400s: the firewall locks re-raise with `die $@`.
 */
import { isIP } from "node:net";
import type { SimContext, SimRequest } from "../../types";
import { assertDigest, pveDie, sha1, type ConfigRecord } from "../config-text";
import type { RuleObjects } from "./verify";
import type { Register } from "../generic-store";
import { RuleList, registerRules } from "./rules";
import { paramError } from "../param-error";

const LOCK = "firewall-cluster";

/** `copy_list_with_digest`: one digest over the items' sorted keys and values. */
function listDigest(items: readonly Readonly<Record<string, unknown>>[]): string {
  return sha1(
    items
      .map((item) =>
        Object.keys(item)
          .sort()
          .map((k) => `${k}:${String(item[k])}\n`)
          .join(""),
      )
      .join(""),
  );
}

/** `parse_ip_or_cidr`: a single address loses its `/32` (`/128`); the IP version comes with it. */
function parseIpOrCidr(cidr: string): { cidr: string; ipversion: 4 | 6 } {
  const address = cidr.split("/")[0] ?? "";
  if (isIP(address) === 6) return { cidr: cidr.replace(/\/128$/, ""), ipversion: 6 };
  return { cidr: cidr.replace(/\/32$/, ""), ipversion: 4 };
}

/** `clean_cidr` for IPv4 (host bits cleared: `10.0.0.5/24` is `10.0.0.0/24`); IPv6 keeps its text. */
function cleanCidr(cidr: string): string {
  const [ip = "", bits] = cidr.split("/");
  if (bits === undefined || isIP(ip) !== 4) return cidr;
  const value = ip.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const mask = Number(bits) === 0 ? 0 : (0xffffffff << (32 - Number(bits))) >>> 0;
  const network = (value & mask) >>> 0;
  return `${[24, 16, 8, 0].map((shift) => (network >>> shift) & 255).join(".")}/${bits}`;
}

/** Aliases: lowercased name → `{name, cidr, comment?}`, with rename on PUT. */
export function installAliases(register: Register, ctx: SimContext): Pick<RuleObjects, "alias"> {
  const aliases = new Map<string, ConfigRecord>();
  const sorted = (): ConfigRecord[] => [...aliases.keys()].sort().map((k) => ({ ...aliases.get(k) }));
  /** As cluster.fw is read back: the cidr parsed, the IP version added. */
  const readBack = (record: ConfigRecord): ConfigRecord => ({ ...record, ...parseIpOrCidr(String(record.cidr)) });
  const data = (req: SimRequest, name: unknown): ConfigRecord => {
    const record: ConfigRecord = { name: String(name), cidr: String(req.params.cidr) };
    if (req.params.comment) record.comment = String(req.params.comment);
    return record;
  };

  register("GET", "/cluster/firewall/aliases", () => {
    const list = sorted().map(readBack);
    const digest = listDigest(list);
    return list.map((item) => ({ ...item, digest }));
  });
  register("POST", "/cluster/firewall/aliases", (req) =>
    ctx.withLock(LOCK, () => {
      const key = String(req.params.name).toLowerCase();
      if (aliases.has(key)) throw paramError({ name: `alias '${String(req.params.name)}' already exists` });
      aliases.set(key, data(req, req.params.name));
      return null;
    }),
  );
  register("GET", "/cluster/firewall/aliases/{name}", (req) => {
    const found = aliases.get(String(req.params.name).toLowerCase());
    if (!found) throw paramError({ name: "no such alias" });
    return readBack(found);
  });
  register("PUT", "/cluster/firewall/aliases/{name}", (req) =>
    ctx.withLock(LOCK, () => {
      assertDigest(listDigest(sorted().map(readBack)), req.params.digest);
      const key = String(req.params.name).toLowerCase();
      if (!aliases.has(key)) throw paramError({ name: "no such alias" });
      aliases.set(key, data(req, req.params.name));
      const rename = req.params.rename === undefined ? undefined : String(req.params.rename);
      if (rename && rename.toLowerCase() !== key) {
        if (aliases.has(rename.toLowerCase())) throw paramError({ name: `alias '${rename}' already exists` });
        const moved = { ...aliases.get(key), name: rename };
        aliases.delete(key);
        aliases.set(rename.toLowerCase(), moved);
      }
      return null;
    }),
  );
  register("DELETE", "/cluster/firewall/aliases/{name}", (req) =>
    ctx.withLock(LOCK, () => {
      assertDigest(listDigest(sorted().map(readBack)), req.params.digest);
      aliases.delete(String(req.params.name).toLowerCase());
      return null;
    }),
  );
  return {
    alias(name) {
      const found = aliases.get(name.toLowerCase());
      return found ? parseIpOrCidr(String(found.cidr)).ipversion : "missing";
    },
  };
}

/** One IP set: comment plus its entries, newest first. */
interface IpSet {
  comment?: string;
  entries: ConfigRecord[];
}

/** Security-group and IP-set names as cluster.fw reads them back: lowercased. */
const asReadBack = (name: unknown): string => String(name).toLowerCase();

/** IP sets and their entries. */
export function installIpSets(register: Register, ctx: SimContext, aliasOf: RuleObjects["alias"]): Pick<RuleObjects, "hasIpSet"> {
  const sets = new Map<string, IpSet>();
  const index = (): Record<string, unknown>[] => {
    const list = [...sets.keys()].sort().map((name) => ({ name, ...(sets.get(name)?.comment ? { comment: sets.get(name)?.comment } : {}) }));
    const digest = listDigest(list);
    return list.map((item) => ({ ...item, digest }));
  };
  // `load_config`: the set by its exact name (which is lowercase once read back).
  const existing = (name: unknown): IpSet => {
    const found = sets.get(String(name));
    if (!found) throw pveDie(`no such IPSet '${String(name)}'`);
    return found;
  };
  const withDigest = (set: IpSet): Record<string, unknown>[] => {
    const digest = listDigest(set.entries);
    return set.entries.map((entry) => ({ ...entry, digest }));
  };

  register("GET", "/cluster/firewall/ipset", () => index());
  register("POST", "/cluster/firewall/ipset", (req) =>
    ctx.withLock(LOCK, () => {
      const name = String(req.params.name);
      const comment = req.params.comment === undefined ? undefined : String(req.params.comment);
      const rename = req.params.rename === undefined ? undefined : String(req.params.rename);
      if (rename) {
        assertDigest(String(index()[0]?.digest ?? listDigest([])), req.params.digest);
        const old = sets.get(rename);
        if (!old) throw paramError({ name: `IPSet '${rename}' does not exist` });
        if (sets.has(asReadBack(name)) && name !== rename) throw paramError({ name: `IPSet '${name}' does already exist` });
        sets.delete(rename);
        sets.set(asReadBack(name), {
          entries: old.entries,
          ...(comment !== undefined ? { comment } : old.comment !== undefined ? { comment: old.comment } : {}),
        });
        return null;
      }
      if (sets.has(name)) throw paramError({ name: `IPSet '${name}' already exists` });
      sets.set(asReadBack(name), { entries: [], ...(comment !== undefined ? { comment } : {}) });
      return null;
    }),
  );
  register("DELETE", "/cluster/firewall/ipset/{name}", (req) =>
    ctx.withLock(LOCK, () => {
      const set = existing(req.params.name);
      if (set.entries.length > 0 && !req.params.force) throw pveDie(`IPSet '${String(req.params.name)}' is not empty`);
      sets.delete(String(req.params.name));
      return null;
    }),
  );
  register("GET", "/cluster/firewall/ipset/{name}", (req) => withDigest(existing(req.params.name)));
  register("POST", "/cluster/firewall/ipset/{name}", (req) =>
    ctx.withLock(LOCK, () => {
      const set = existing(req.params.name);
      let cidr = String(req.params.cidr);
      const alias = /^(dc\/|guest\/)?([A-Za-z][A-Za-z0-9\-_]+)$/.exec(cidr);
      if (alias && isIP(cidr) === 0) {
        if (aliasOf(alias[2] ?? "") === "missing") throw pveDie(`no such alias '${alias[2] ?? ""}'`);
      } else {
        cidr = parseIpOrCidr(cleanCidr(cidr)).cidr;
      }
      if (set.entries.some((entry) => entry.cidr === cidr)) throw paramError({ cidr: `address '${cidr}' already exists` });
      if (/\/0+$/.test(cidr)) throw paramError({ cidr: "a zero prefix is not allowed in ipset entries" });
      const entry: ConfigRecord = { cidr };
      if (req.params.nomatch) entry.nomatch = 1;
      if (req.params.comment) entry.comment = String(req.params.comment);
      set.entries.unshift(entry);
      return null;
    }),
  );
  const entryOf = (set: IpSet, cidr: unknown): ConfigRecord => {
    const found = set.entries.find((entry) => entry.cidr === String(cidr));
    if (!found) throw paramError({ cidr: "no such IP/Network" });
    return found;
  };
  register("GET", "/cluster/firewall/ipset/{name}/{cidr}", (req) => {
    const set = existing(req.params.name);
    return { ...entryOf(set, req.params.cidr), digest: listDigest(set.entries) };
  });
  register("PUT", "/cluster/firewall/ipset/{name}/{cidr}", (req) =>
    ctx.withLock(LOCK, () => {
      const set = existing(req.params.name);
      assertDigest(listDigest(set.entries), req.params.digest);
      const entry = entryOf(set, req.params.cidr);
      // `update_ip` sets both from the request: one left out is removed.
      delete entry.nomatch;
      delete entry.comment;
      if (req.params.nomatch !== undefined) entry.nomatch = Number(req.params.nomatch);
      if (req.params.comment !== undefined) entry.comment = String(req.params.comment);
      return null;
    }),
  );
  register("DELETE", "/cluster/firewall/ipset/{name}/{cidr}", (req) =>
    ctx.withLock(LOCK, () => {
      const set = existing(req.params.name);
      assertDigest(listDigest(set.entries), req.params.digest);
      set.entries = set.entries.filter((entry) => entry.cidr !== String(req.params.cidr));
      return null;
    }),
  );
  return { hasIpSet: (name) => sets.has(name) };
}

/** Security groups: a comment and a rule list each. */
export function installSecurityGroups(register: Register, ctx: SimContext, objects: RuleObjects): void {
  const groups = new Map<string, { comment?: string; rules: RuleList }>();
  const index = (): Record<string, unknown>[] => {
    const list = [...groups.keys()].sort().map((group) => ({ group, ...(groups.get(group)?.comment ? { comment: groups.get(group)?.comment } : {}) }));
    const digest = listDigest(list);
    return list.map((item) => ({ ...item, digest }));
  };
  // `GroupRules::load_config`: the group by its exact name.
  const existing = (group: unknown): { comment?: string; rules: RuleList } => {
    const found = groups.get(String(group));
    if (!found) throw pveDie(`no such security group '${String(group)}'`);
    return found;
  };

  register("GET", "/cluster/firewall/groups", () => index());
  register("POST", "/cluster/firewall/groups", (req) =>
    ctx.withLock(LOCK, () => {
      const name = String(req.params.group);
      const comment = req.params.comment === undefined ? undefined : String(req.params.comment);
      const rename = req.params.rename === undefined ? undefined : String(req.params.rename);
      if (rename) {
        assertDigest(String(index()[0]?.digest ?? listDigest([])), req.params.digest);
        const old = groups.get(rename);
        if (!old) throw paramError({ group: `Security group '${rename}' does not exist` });
        if (groups.has(name) && name !== rename) throw paramError({ group: `Security group '${name}' does already exist` });
        groups.delete(rename);
        groups.set(asReadBack(name), {
          rules: old.rules,
          ...(comment !== undefined ? { comment } : old.comment !== undefined ? { comment: old.comment } : {}),
        });
        return null;
      }
      if (groups.has(name)) throw paramError({ group: `Security group '${name}' already exists` });
      groups.set(asReadBack(name), { rules: new RuleList(), ...(comment !== undefined ? { comment } : {}) });
      return null;
    }),
  );
  register("DELETE", "/cluster/firewall/groups/{group}", (req) =>
    ctx.withLock(LOCK, () => {
      const group = existing(req.params.group);
      if (group.rules.rules.length > 0) throw pveDie(`Security group '${String(req.params.group)}' is not empty`);
      groups.delete(String(req.params.group));
      return null;
    }),
  );
  registerRules(register, ctx, {
    list: "/cluster/firewall/groups/{group}",
    item: "/cluster/firewall/groups/{group}/{pos}",
    env: "group",
    rulesOf: (req) => existing(req.params.group).rules,
    lockId: () => LOCK,
    objects,
  });
}
