/**
 * `/cluster/options`: datacenter.cfg as pve-manager `PVE/API2/Cluster.pm` (`get_options`,
 * `set_options`) and pve-cluster `PVE/DataCenterConfig.pm` (`parse_datacenter_config`,
 * `write_datacenter_config`) handle it, over pve-common `PVE/JSONSchema.pm` (`parse_config`,
 * `dump_config`, `parse_property_string`, `print_property_string`) and pve-guest-common
 * `PVE/GuestHelpers.pm::get_allowed_tags`.
 *
 * The file keeps `key: value` lines and the description as `#` comment lines. Reading parses a
 * fixed set of property strings (others stay strings), splits the tag lists, fills `mac_prefix`
 * and always has a `description` (each comment line with its newline). A PUT is a
 * read-modify-write of that parsed view: parameters set keys, then `delete` removes keys without
 * any check, then the writer prints the parsed values back (tag lists sorted) and drops defaults.
 */
import { hasAny } from "../../core/may";
import type { SimContext, SimRequest } from "../../types";
import { perlSplit } from "../../core/params";
import { decodeText, encodeText, pveDie, splitList } from "../config-text";
import type { Register } from "../generic-store";
import { parsePropertyString, printPropertyString, subKeysOf, type SubKeys } from "../property-string";
import { parametersOf } from "../../core/schema";
import { simService } from "../services";

const TEMPLATE = "/cluster/options";
/** pve-cluster's `$PROXMOX_OUI`: the MAC prefix GET shows when none is set. */
const PROXMOX_OUI = "BC:24:11";
/** The property strings `parse_datacenter_config` parses (bwlimit and location stay strings). */
const PARSED = ["crs", "migration", "replication", "next-id", "ha", "notify", "u2f", "webauthn", "tag-style", "user-tag-access"];
/** What a non-auditor may read. */
const PUBLIC = ["console", "tag-style"];

type Parsed = Record<string, unknown>;

/** datacenter.cfg of one simulator as text (a fresh installation's names the installer's keyboard). */
const datacenterFileOf = simService<{ text: string }>("datacenter.cfg", () => ({ text: "keyboard: en-us\n" }));

/** One datacenter.cfg option as `parse_datacenter_config` gives it to guests (property strings as objects). */
export function datacenterOption(ctx: SimContext, key: string): unknown {
  return parseDatacenterConfig(datacenterFileOf(ctx).text)[key];
}

/** The PUT's parameters: the option types and property-string formats the file is read with. */
const schemaOf = (): ReturnType<typeof parametersOf> => parametersOf("PUT", TEMPLATE);
const formatOf = (key: string): SubKeys => subKeysOf(schemaOf()[key]) ?? {};

/** `parse_datacenter_config`. */
function parseDatacenterConfig(raw: string): Parsed {
  let description = "";
  const res: Parsed = {};
  for (const line of raw.split("\n")) {
    const comment = /^#(.*)$/.exec(line);
    if (comment) {
      description += `${decodeText(comment[1] ?? "")}\n`;
      continue;
    }
    // parse_config: trimmed lines, `key: value`; booleans through parse_boolean; the rest strings.
    const kv = /^\s*(\S+?):\s*(.*?)\s*$/.exec(line);
    if (!kv?.[1]) continue;
    const value = kv[2] ?? "";
    res[kv[1]] = schemaOf()[kv[1]]?.type === "boolean" ? (/^(1|on|yes|true)$/i.test(value) ? 1 : /^(0|off|no|false)$/i.test(value) ? 0 : value) : value;
  }
  res["description"] = description;
  res["mac_prefix"] ??= PROXMOX_OUI;
  if (res["crs"] === "") delete res["crs"];
  for (const key of PARSED) {
    if (typeof res[key] === "string" && res[key] !== "") res[key] = parsePropertyString(String(res[key]), formatOf(key));
  }
  const access = res["user-tag-access"] as Parsed | undefined;
  if (access && typeof access["user-allow-list"] === "string" && access["user-allow-list"] !== "")
    access["user-allow-list"] = String(access["user-allow-list"]).split(";");
  if (typeof res["registered-tags"] === "string" && res["registered-tags"] !== "") res["registered-tags"] = String(res["registered-tags"]).split(";");
  if (res["migration_unsecure"] !== undefined) {
    const migration = (res["migration"] ??= {}) as Parsed;
    migration["type"] ??= res["migration_unsecure"] ? "insecure" : "secure";
  }
  if (res["console"] === "applet") res["console"] = "html5";
  return res;
}

/** Registers GET/PUT `/cluster/options` over one datacenter.cfg (no digest: PVE's PUT has none). */
export function installClusterOptions(register: Register, ctx: SimContext): void {
  const file = datacenterFileOf(ctx);

  /** `write_datacenter_config`: prints the parsed values back; mutates `cfg`. */
  const write = (cfg: Parsed): string => {
    if (cfg["migration_unsecure"] !== undefined && cfg["migration"] === undefined) {
      cfg["migration"] = { type: cfg["migration_unsecure"] ? "insecure" : "secure" };
      delete cfg["migration_unsecure"];
    }
    if (cfg["console"] === "applet") cfg["console"] = "html5";
    if (typeof cfg["mac_prefix"] === "string" && cfg["mac_prefix"].toUpperCase() === PROXMOX_OUI) delete cfg["mac_prefix"];
    if (cfg["crs"] === "") delete cfg["crs"];
    const nextId = cfg["next-id"];
    if (nextId !== undefined) {
      const parsed = typeof nextId === "string" ? parsePropertyString(nextId, formatOf("next-id")) : (nextId as Parsed);
      const lower = Math.trunc(Number(parsed["lower"] ?? 100));
      const upper = Math.trunc(Number(parsed["upper"] ?? 1000000));
      if (lower > upper) throw pveDie(`lower (${lower}) <= upper (${upper}) boundary rule broken`);
      cfg["next-id"] = parsed;
    }
    const access = cfg["user-tag-access"];
    if (access && typeof access === "object" && Array.isArray((access as Parsed)["user-allow-list"])) {
      (access as Parsed)["user-allow-list"] = [...((access as Parsed)["user-allow-list"] as string[])].sort().join(";");
    }
    if (Array.isArray(cfg["registered-tags"])) cfg["registered-tags"] = [...(cfg["registered-tags"] as string[])].sort().join(";");
    for (const [key, value] of Object.entries(cfg)) {
      if (value !== null && typeof value === "object" && !Array.isArray(value)) cfg[key] = printPropertyString(value as Parsed, formatOf(key));
    }
    const comment = perlSplit(String(cfg["description"] ?? ""), /\n/)
      .map((line) => `#${encodeText(line)}\n`)
      .join("");
    delete cfg["description"];
    const dump = Object.keys(cfg)
      .sort()
      .map((key) => `${key}: ${String(cfg[key])}\n`)
      .join("");
    return `${comment}\n${dump}`;
  };

  /** `get_allowed_tags` without guests: registered tags for the privileged, the user allow-list unless `none`. */
  const allowedTags = (cfg: Parsed, req: SimRequest): string[] => {
    const privileged = hasAny(ctx, req.auth, "/", ["Sys.Modify"]);
    const access = (cfg["user-tag-access"] ?? {}) as Parsed;
    const allow = String(access["user-allow"] ?? "free");
    const tags = new Set<string>();
    if (allow !== "none" || privileged) for (const tag of (access["user-allow-list"] as string[] | undefined) ?? []) tags.add(tag);
    const registered = (cfg["registered-tags"] as string[] | undefined) ?? [];
    for (const tag of registered) {
      if (privileged) tags.add(tag);
      else tags.delete(tag);
    }
    return [...tags].sort();
  };

  register("GET", TEMPLATE, (req) => {
    const cfg = parseDatacenterConfig(file.text);
    const res: Parsed = {};
    if (hasAny(ctx, req.auth, "/", ["Sys.Audit"])) Object.assign(res, cfg);
    else for (const key of PUBLIC) if (key in cfg) res[key] = cfg[key];
    res["allowed-tags"] = allowedTags(cfg, req);
    return res;
  });

  register("PUT", TEMPLATE, (req) =>
    ctx.withLock("file-datacenter_cfg", () => {
      const cfg = parseDatacenterConfig(file.text);
      for (const [key, value] of Object.entries(req.params)) if (key !== "delete") cfg[key] = value;
      for (const key of splitList(req.params.delete)) delete cfg[key];
      file.text = write(cfg);
      return null;
    }),
  );
}
