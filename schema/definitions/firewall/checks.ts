/**
 * Preview checks of the firewall kinds: what pve-firewall refuses at apply (`verify_rule` on every
 * rule create and update) and what it stores differently from what was written (so that a refresh
 * would show a change forever): a rule's macro in another spelling, a `/32` address, an IP set
 * entry with host bits, IP set and security group names with capitals (cluster.fw is read back
 * lowercased, so PVE would not find them again).
 */
import { isIP } from "node:net";
import type { CheckFailure } from "../../hooks";
import {
  FIREWALL_ACTIONS,
  FIREWALL_ICMP_PROTOCOLS,
  FIREWALL_MACROS,
  FIREWALL_PROTOCOLS_WITH_PORTS,
  FIREWALL_PROTOCOL_NAMES,
  FIREWALL_PROTOCOL_NUMBERS,
} from "../../facts/firewall";
import { didYouMean } from "../../nearest";
import type { Props } from "../../props";

/** The value when it is a string. */
export const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const PROTOCOL_NUMBERS = new Set(FIREWALL_PROTOCOL_NUMBERS.map(String));

/** `verify_rule`'s checks of action, macro, protocol and ports, in its order (`inGroup`: a security group's rule). */
export function ruleFailures(news: Props, inGroup: boolean): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const type = text(news["type"]);
  const action = text(news["action"]);
  if (type === "group" && inGroup) failures.push({ property: "type", reason: "a security group's rules cannot include a security group (type 'group')" });
  if (type !== undefined && type !== "group" && action !== undefined) {
    if (!FIREWALL_ACTIONS.includes(action)) {
      failures.push({
        property: "action",
        reason: `unknown action '${action}': ${type} rules take ACCEPT, DROP or REJECT${didYouMean(action, FIREWALL_ACTIONS)}`,
      });
    } else if (type === "forward" && action === "REJECT") {
      failures.push({ property: "action", reason: "forward rules cannot REJECT (PVE has no REJECT on the forward chain): use DROP" });
    }
  }
  if (inGroup && news["iface"] !== undefined) failures.push({ property: "iface", reason: "a security group's rules cannot name an interface" });
  const macro = text(news["macro"]);
  if (macro !== undefined && !FIREWALL_MACROS.includes(macro)) {
    const spelled = FIREWALL_MACROS.find((name) => name.toLowerCase() === macro.toLowerCase());
    failures.push({
      property: "macro",
      reason: spelled
        ? `PVE stores this macro as '${spelled}': write it so, or every refresh shows a change`
        : `unknown macro '${macro}'${didYouMean(macro, FIREWALL_MACROS)}`,
    });
  }
  const proto = text(news["proto"]);
  if (proto !== undefined && !FIREWALL_PROTOCOL_NAMES.includes(proto) && !PROTOCOL_NUMBERS.has(proto)) {
    failures.push({
      property: "proto",
      reason: `unknown protocol '${proto}': a name or number of /etc/protocols${didYouMean(proto, FIREWALL_PROTOCOL_NAMES)}`,
    });
  }
  const icmp = proto !== undefined && FIREWALL_ICMP_PROTOCOLS.includes(proto);
  for (const ports of ["dport", "sport"] as const) {
    if (news[ports] === undefined) continue;
    if (proto === undefined) failures.push({ property: "proto", reason: `is required with ${ports}` });
    else if (!FIREWALL_PROTOCOLS_WITH_PORTS.includes(proto) && !(icmp && ports === "dport")) {
      failures.push({ property: ports, reason: `protocol '${proto}' does not support ports` });
    }
  }
  if (news["icmpType"] !== undefined && !icmp) failures.push({ property: "icmpType", reason: "needs proto icmp, icmpv6 or ipv6-icmp" });
  return failures;
}

/** An IPv4 address as a 32-bit number, or an IPv6 one as a 128-bit BigInt. */
function bitsOf(address: string): { value: bigint; width: number } {
  if (isIP(address) === 4) return { value: address.split(".").reduce((acc, octet) => (acc << 8n) | BigInt(octet), 0n), width: 32 };
  const [head = "", tail] = address.split("::");
  const groups = (part: string): string[] => (part === "" ? [] : part.split(":"));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...Array.from({ length: 8 - left.length - right.length }, () => "0"), ...right];
  return { value: all.reduce((acc, group) => (acc << 16n) | BigInt(`0x${group || "0"}`), 0n), width: 128 };
}

/** How PVE would store `cidr` differently (undefined when it keeps it as written): `/32` and `/128` go; host bits are cleared. */
export function storedDifferently(cidr: string, clearsHostBits: boolean): string | undefined {
  const [address = "", prefix] = cidr.split("/");
  const family = isIP(address);
  if (family === 0 || prefix === undefined || !/^\d+$/.test(prefix)) return undefined;
  const { value, width } = bitsOf(address);
  const bits = Number(prefix);
  if (bits === width) return `PVE stores a single address without '/${prefix}': write '${address}', or every refresh shows a change`;
  const host = (1n << BigInt(width - Math.min(bits, width))) - 1n;
  if (clearsHostBits && (value & host) !== 0n) return `has host bits set: PVE stores the network address of this /${prefix}, write that`;
  return undefined;
}

/** A name cluster.fw reads back lowercased. */
export function lowercaseName(news: Props, field: string, what: string): CheckFailure[] {
  const name = text(news[field]);
  return name !== undefined && name !== name.toLowerCase()
    ? [{ property: field, reason: `PVE reads ${what} names back in lower case, so it would not find '${name}' again: write '${name.toLowerCase()}'` }]
    : [];
}
