/**
 * pve-firewall's rule checks (`src/PVE/Firewall.pm` `verify_rule`, `$apply_macro`,
 * `pve_fw_verify_protocol_spec`, `parse_port_name_number_or_range`, `parse_address_list`), as the
 * rule API runs them on every create and update: the first problem is raised as a parameter error
 * (`raise_param_exc` when not `$noerr`), which the firewall lock re-raises as a real 400.
 * `verify_rule` also completes the rule: the macro's preferred spelling, and `ipversion`.
 */
import { isIP } from "node:net";
import type { ConfigRecord } from "../config-text";
import { ICMPV6_TYPES, ICMP_TYPES, MACROS, PROTOCOLS, PROTOCOLS_WITH_PORTS, type MacroRule } from "./facts";
import { paramError } from "../param-error";

/** Where a rule lives (`$rule_env`). */
export type RuleEnv = "cluster" | "host" | "group";

/** The objects a rule may name (the cluster's aliases and IP sets). */
export interface RuleObjects {
  /** The alias's IP version, or undefined when there is no such alias (names are case-insensitive). */
  alias(name: string): 4 | 6 | undefined | "missing";
  hasIpSet(name: string): boolean;
}

const DIRECTIONS: Readonly<Record<RuleEnv, readonly string[]>> = {
  cluster: ["in", "out", "forward", "group"],
  host: ["in", "out", "forward", "group"],
  group: ["in", "out", "forward"],
};
const ALLOW_IFACE: Readonly<Record<RuleEnv, boolean>> = { cluster: true, host: true, group: false };
const PROTOCOL_IDS = new Set(Object.values(PROTOCOLS).map(String));
const PREFERRED_MACRO = new Map(Object.keys(MACROS).map((name) => [name.toLowerCase(), name]));
const IPSET_NAME = /^[A-Za-z][A-Za-z0-9\-_]+$/;
const ALIAS_NAME = /^[A-Za-z][A-Za-z0-9\-_]+$/;

const isIcmp = (proto: string): boolean => proto === "icmp" || proto === "icmpv6" || proto === "ipv6-icmp";

/** `parse_port_name_number_or_range`: numbers and ranges up to 65535, forward ranges, at most 15 numbers. */
function checkPorts(value: string): string | undefined {
  const items = value.split(",");
  if (items.join(",") !== value || items.some((item) => item === "")) return "extraneous commas in list";
  let count = 0;
  for (const item of items) {
    const range = /^(\d+):(\d+)$/.exec(item);
    if (range) {
      const [low, high] = [Number(range[1]), Number(range[2])];
      if (low > 65535) return `invalid port '${low}'`;
      if (high > 65535) return `invalid port '${high}'`;
      if (low > high) return `backwards range '${low}:${high}' not allowed, did you mean '${high}:${low}'?`;
      count += 2;
    } else if (/^\d+$/.test(item)) {
      if (Number(item) > 65535) return `invalid port '${item}'`;
      count += 1;
    } else {
      count += 1; // a service name of /etc/services
    }
  }
  return count > 15 ? "too many entries in port list (> 15 numbers)" : undefined;
}

/** `parse_address_list`: the list's IP version (undefined for an IP set or alias), or the error text. */
function addressVersion(value: string): { version?: 4 | 6; error?: string } {
  if (/^\+\S+$/.test(value) || /^(dc\/|guest\/)?[A-Za-z][A-Za-z0-9\-_]+$/.test(value)) return {};
  const elements = value.split(",");
  let version: 4 | 6 | undefined;
  for (const element of elements) {
    const [first = "", second] = element.split("-");
    const address = first.split("/")[0] ?? "";
    const family = isIP(address);
    if (family === 0 || (second !== undefined && isIP(second) !== family)) return { error: `invalid IP address: Invalid IP ${element}` };
    const next = family === 6 ? 6 : 4;
    if (version !== undefined && version !== next) return { error: `detected mixed ipv4/ipv6 addresses in address list '${value}'` };
    version = next;
  }
  if (elements.length > 1 && elements.some((element) => element.includes("-"))) return { error: "you can't use a range in a list" };
  return version === undefined ? {} : { version };
}

/** `$apply_macro` with `$verify`: a rule's own ports and protocol must not contradict the macro's. */
function checkMacro(rule: ConfigRecord, macro: string, ipversion: 4 | 6 | undefined): void {
  const facts = MACROS[macro];
  if (!facts) return;
  if (ipversion && facts.ipversion && facts.ipversion !== ipversion) return;
  const templates: readonly MacroRule[] = ipversion === 6 && facts.ipv6Rules ? facts.ipv6Rules : facts.rules;
  for (const template of templates) {
    for (const key of ["proto", "dport", "sport"] as const) {
      const fixed = template[key];
      const own = rule[key];
      if (fixed !== undefined && own !== undefined && String(own) !== fixed) {
        throw paramError({ [key]: `parameter '${key}' already define in macro (value = '${fixed}')` });
      }
    }
  }
}

/** Runs `verify_rule` on `rule` (modified in place like PVE: macro spelling, `ipversion`); throws the first error. */
export function verifyRule(rule: ConfigRecord, env: RuleEnv, objects: RuleObjects): void {
  const fail = (param: string, message: string): never => {
    throw paramError({ [param]: message });
  };
  let ipversion: 4 | 6 | undefined;
  const setVersion = (param: string, version: 4 | 6 | undefined): void => {
    if (!version) return;
    if (ipversion && version !== ipversion) fail(param, "detected mixed ipv4/ipv6 addresses in rule");
    ipversion = version;
  };
  const type = rule.type === undefined ? undefined : String(rule.type);
  const action = rule.action === undefined ? undefined : String(rule.action);
  if (!type) fail("type", "missing property");
  if (!action) fail("action", "missing property");
  if (type) {
    if (!DIRECTIONS[env].includes(type)) fail("type", `invalid rule type '${type}' for rule_env '${env}'`);
    if (type === "group") {
      if (env === "group") fail("type", "security groups not allowed");
    } else {
      if (type === "forward" && action === "REJECT") fail("action", "cannot define REJECT rules on forward chain");
      if (action && !/^(ACCEPT|DROP|REJECT)$/.test(action)) fail("action", `unknown action '${action}'`);
    }
  }
  if (rule.iface !== undefined && !ALLOW_IFACE[env]) fail("type", "parameter -i not allowed for this rule type");
  if (rule.macro !== undefined) {
    const preferred = PREFERRED_MACRO.get(String(rule.macro).toLowerCase());
    if (!preferred) fail("macro", `unknown macro '${String(rule.macro)}'`);
    else rule.macro = preferred;
  }
  const proto = rule.proto === undefined ? undefined : String(rule.proto);
  if (proto !== undefined) {
    // `byname` or `byid` of /etc/protocols (numbers exactly as listed), plus `icmpv6`.
    if (!Object.hasOwn(PROTOCOLS, proto) && proto !== "icmpv6" && !PROTOCOL_IDS.has(proto)) fail("proto", `unknown protocol '${proto}'`);
    if (proto === "icmp") setVersion("proto", 4);
    if (proto === "icmpv6" || proto === "ipv6-icmp") setVersion("proto", 6);
  }
  const icmp = proto !== undefined && isIcmp(proto);
  if (rule.dport !== undefined) {
    const error = icmp ? undefined : checkPorts(String(rule.dport));
    if (error) fail("dport", error);
    if (proto === undefined) fail("proto", "missing property - 'dport' requires this property");
    else if (!PROTOCOLS_WITH_PORTS.has(proto) && !icmp) fail("dport", `protocol '${proto}' does not support ports`);
  }
  const icmpType = rule["icmp-type"] === undefined ? undefined : String(rule["icmp-type"]);
  if (icmpType !== undefined) {
    if (!icmp) fail("proto", "missing property - 'icmp-type' requires this property");
    if (rule.dport !== undefined) fail("icmp-type", "'icmp-type' cannot be specified together with 'dport'");
    if (proto === "icmp" && !ICMP_TYPES.has(icmpType)) fail("icmp-type", `invalid icmp-type '${icmpType}' for proto 'icmp'`);
    if ((proto === "icmpv6" || proto === "ipv6-icmp") && !ICMPV6_TYPES.has(icmpType)) fail("icmp-type", `invalid icmp-type '${icmpType}' for proto '${proto}'`);
  }
  if (rule.sport !== undefined) {
    const error = checkPorts(String(rule.sport));
    if (error) fail("sport", error);
    if (proto === undefined) fail("proto", "missing property - 'sport' requires this property");
    else if (!PROTOCOLS_WITH_PORTS.has(proto)) fail("sport", `protocol '${proto}' does not support ports`);
  }
  for (const side of ["source", "dest"] as const) {
    const value = rule[side] === undefined ? undefined : String(rule[side]);
    if (!value) continue;
    const parsed = addressVersion(value);
    if (parsed.error) fail(side, parsed.error);
    setVersion(side, parsed.version);
    const ipset = /^\+(guest\/|dc\/|sdn\/)?(.*)$/.exec(value);
    if (ipset) {
      const name = ipset[2] ?? "";
      if (!IPSET_NAME.test(name)) fail(side, `invalid ipset name '${value}'`);
      if (!objects.hasIpSet(name)) fail(side, `no such ipset '${name}'`);
      continue;
    }
    const alias = /^(guest\/|dc\/)?(.*)$/.exec(value)?.[2] ?? "";
    if (ALIAS_NAME.test(alias) && isIP(alias) === 0) {
      const version = objects.alias(alias);
      if (version === "missing") fail(side, `no such alias '${value}'`);
      else setVersion(side, version);
    }
  }
  if (ipversion) rule.ipversion = ipversion;
  if (rule.macro !== undefined) checkMacro(rule, String(rule.macro), ipversion);
}
