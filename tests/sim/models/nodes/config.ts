/**
 * Node singletons as pve-manager serves them, each per node (the calls are proxied to it):
 * - `/dns`: in `./dns` (`update_etc_resolv_conf` rewrites the set from the request alone);
 * - `/hosts`: `Nodes.pm` (`get_etc_hosts`, `write_etc_hosts`) over `INotify.pm`
 *   (`read_etc_hosts`, `write_etc_hosts`), under `/var/lock/pve-etchosts.lck`;
 * - `/config`: `PVE/API2/NodeConfig.pm` (`get_config`, `set_options`) over `PVE/NodeConfig.pm`
 *   (`load_config`, `parse_node_config`, `write_node_config`, `verify_conf`, `get_acme_conf`,
 *   `lock_config` under `/var/lock/pvenode.lock`) and pve-common `JSONSchema.pm::parse_config`;
 * - `/time`: `Nodes.pm` (`time`, `set_timezone`) over pve-common `PVE/Systemd.pm`.
 */
import { isIP } from "node:net";
import type { SimContext, SimRequest } from "../../types";
import { perlSplit } from "../../core/params";
import { assertDigest, decodeText, encodeText, pveDie, sha1, splitList, type ConfigRecord } from "../config-text";
import type { Register } from "../generic-store";
import { installNodeDns } from "./dns";
import { paramError } from "../param-error";
import { perNode } from "../per-node";
import { parametersOf } from "../../core/schema";

const hostsFile = (node: string): string =>
  `127.0.0.1 localhost.localdomain localhost\n192.168.1.10 ${node}.example.lan ${node}\n\n::1 ip6-localhost ip6-loopback\n`;

/** `$PVE::Tools::IPRE` for the hosts check (IPv4 dotted quads or IPv6). */
const IPV4 = /^(?:(?:25[0-5]|(?:2[0-4]|1[0-9]|[1-9])?[0-9])\.){3}(?:25[0-5]|(?:2[0-4]|1[0-9]|[1-9])?[0-9])$/;
const isIpRe = (text: string): boolean => IPV4.test(text) || isIP(text) === 6;

/** `write_etc_hosts`'s check of each line: the first field an IP, the others host names. */
function checkHosts(data: string): void {
  for (const line of data.split("\n")) {
    if (/^\s*#/.test(line) || /^\s*$/.test(line)) continue;
    // An indented line's first field is empty, which is no IP.
    const [ip = "", ...names] = perlSplit(line, /\s+/);
    if (!isIpRe(ip)) throw paramError({ data: `Invalid IP '${ip}'` });
    for (const name of names) if (!/^[.\-a-zA-Z0-9]+$/.test(name)) throw paramError({ data: `Invalid Hostname '${name}'` });
  }
}

/** The time zones `timedatectl list-timezones` offers: the IANA zones, plus UTC and the Etc zones. */
function isTimezone(zone: string): boolean {
  if (zone === "UTC" || /^Etc\/(UTC|GMT|GMT[+-]\d{1,2})$/.test(zone)) return true;
  if (Intl.supportedValuesOf("timeZone").includes(zone)) return true;
  // Links of tzdata (US/Eastern, Europe/Kiev) are listed too; names are case-sensitive on disk.
  if (!/^[A-Z][A-Za-z_+-]*(\/[A-Z][A-Za-z0-9_+-]*)+$/.test(zone)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** `timegm(localtime($t))`: the zone's wall clock at `epoch`, read as if it were UTC. */
function localtime(epoch: number, zone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone === "UTC" ? "UTC" : zone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(epoch * 1000));
  const part = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"), part("second")) / 1000;
}

/**
 * One node's `/etc/pve/nodes/<node>/config`: the file text as `write_node_config` makes it; the
 * parsed view as `load_config` returns it (`{}` for an empty file; else every key as its string,
 * booleans parsed, `description` from the comment lines, one newline each, and `digest`).
 */
export class NodeConfigFile {
  private text = "";

  constructor(private readonly schema: Readonly<Record<string, { type?: string }>>) {}

  /** `load_config`. */
  load(): Record<string, unknown> {
    if (this.text === "") return {};
    let description = "";
    const conf: Record<string, unknown> = {};
    // parse_config: lines trimmed; `#...` (or `description: ...`) lines are the description.
    for (const match of this.text.matchAll(/^\s*(.+?)\s*$/gm)) {
      const line = match[1] ?? "";
      const comment = /^#(.*)$/.exec(line) ?? /^description:\s*(.*\S)\s*$/.exec(line);
      if (comment) {
        description += `${decodeText(comment[1] ?? "")}\n`;
        continue;
      }
      const kv = /^(\S+?):\s*(.*)$/.exec(line);
      if (!kv?.[1]) continue;
      const value = kv[2] ?? "";
      conf[kv[1]] = this.schema[kv[1]]?.type === "boolean" ? (/^(1|on|yes|true)$/i.test(value) ? 1 : /^(0|off|no|false)$/i.test(value) ? 0 : value) : value;
    }
    conf.description = description;
    conf.digest = sha1(this.text);
    return conf;
  }

  /** The parsed options without `description`/`digest` (what `get_acme_conf` reads). */
  record(): ConfigRecord {
    const { digest: _d, description: _desc, ...rest } = this.load();
    return rest as ConfigRecord;
  }

  /** `write_node_config`. */
  write(conf: Readonly<Record<string, unknown>>): void {
    const description = typeof conf.description === "string" ? conf.description : "";
    let raw = perlSplit(description, /\n/)
      .map((line) => `#${encodeText(line)}\n`)
      .join("");
    for (const key of Object.keys(conf).sort()) {
      if (key === "description" || key === "digest") continue;
      const value = String(conf[key]);
      if (value.includes("\n")) throw pveDie(`detected invalid newline inside property '${key}'`);
      raw += `${key}: ${value}\n`;
    }
    this.text = raw;
  }
}

/** What the node config's PUT checks beyond the schema (`verify_conf`: the ACME domains). */
export type NodeConfigCheck = (conf: ConfigRecord) => void;

/** Registers the node singleton configs; returns each node's `/nodes/{node}/config` (for the ACME model). */
export function installNodeConfig(register: Register, ctx: SimContext, verify: NodeConfigCheck = () => undefined): (node: unknown) => NodeConfigFile {
  const configSchema = parametersOf("PUT", "/nodes/{node}/config");
  const options = perNode(() => new NodeConfigFile(configSchema));
  const hosts = perNode((node) => ({ text: hostsFile(node) }));
  const timezone = perNode(() => ({ zone: "UTC" }));
  // Each node has its own /var/lock: the lock is the node's, not the cluster's.
  const localLock = (req: SimRequest, file: string): string => `${String(req.params.node)}:${file}`;

  installNodeDns(register, ctx);

  register("GET", "/nodes/{node}/config", (req) => {
    const conf = options(req.params.node).load();
    const property = req.params.property;
    if (typeof property === "string") return property in conf ? { [property]: conf[property] } : {};
    return conf;
  });
  register("PUT", "/nodes/{node}/config", (req) =>
    ctx.withLock(localLock(req, "/var/lock/pvenode.lock"), () => {
      const file = options(req.params.node);
      const conf = file.load();
      // assert_if_modified needs both digests: a node without a config file has none.
      if (conf.digest) assertDigest(String(conf.digest), req.params.digest);
      for (const key of Object.keys(req.params).sort()) {
        if (key === "delete" || key === "node" || key === "digest") continue;
        conf[key] = req.params[key];
      }
      // No checks at all: what is also set is deleted, an unknown key is nothing to delete.
      for (const key of splitList(req.params.delete)) delete conf[key];
      const { description: _desc, digest: _digest, ...rest } = conf;
      verify(rest as ConfigRecord);
      file.write(conf);
      return null;
    }),
  );

  register("GET", "/nodes/{node}/hosts", (req) => {
    const { text } = hosts(req.params.node);
    return { digest: sha1(text), data: text };
  });
  register("POST", "/nodes/{node}/hosts", (req) =>
    ctx.withLock(localLock(req, "/var/lock/pve-etchosts.lck"), () => {
      const file = hosts(req.params.node);
      if (req.params.digest) assertDigest(sha1(file.text), req.params.digest);
      const data = String(req.params.data);
      checkHosts(data);
      file.text = data;
      return null;
    }),
  );

  register("GET", "/nodes/{node}/time", (req) => {
    const zone = timezone(req.params.node).zone;
    const time = Math.floor(ctx.now() / 1000);
    return { timezone: zone, time, localtime: localtime(time, zone) };
  });
  register("PUT", "/nodes/{node}/time", (req) => {
    const zone = String(req.params.timezone);
    if (!isTimezone(zone)) throw paramError({ timezone: "No such timezone" });
    timezone(req.params.node).zone = zone;
    return null;
  });
  return options;
}
