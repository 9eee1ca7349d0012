/**
 * /etc/network/interfaces as pve-common `PVE/Network/Interfaces.pm` reads and writes it
 * (`__read_etc_network_interfaces`, `__interface_to_string`, `__write_etc_network_interfaces`,
 * with ifupdown2): the reader derives each interface's type from its name and options, maps
 * addresses to `cidr`, fills bridge defaults and gives every comment line a newline; the writer
 * orders stanzas by type and priority, prints each option once, and refuses configs that could
 * not come up (a bridge port or bond slave that does not exist, a port used twice, an address on
 * a bridge port, a VLAN without its parent). Open vSwitch stanzas are read, never written: a fresh
 * PVE node has no Open vSwitch, and the API refuses OVS types there.
 */
import { isIP } from "node:net";
import { perlSplit } from "../../core/params";
import { pveDie, splitList } from "../config-text";

/** One interface as the parser returns it (PVE's `$ifaces->{$name}`). */
export type Iface = Record<string, unknown> & { families?: (string | undefined)[] };

/** The parsed file: interfaces, and the lines the parser keeps as they are (`source ...`) with their position. */
export interface NetConfig {
  ifaces: Record<string, Iface>;
  options: [number, string][];
}

/** What the host adds when reading: its physical NICs (`exists`) and the interfaces that are up (`active`). */
export interface HostLinks {
  readonly physical: readonly string[];
  readonly active: ReadonlySet<string>;
}

const PHYSICAL_NIC_RE = /^(?:eth\d+|en[^:.]+|ib[^:.]+|(?:nic|if)\d+)$/;
const BOND_MODES: Readonly<Record<string, string>> = {
  "balance-rr": "0",
  "active-backup": "1",
  "balance-xor": "2",
  broadcast: "3",
  "802.3ad": "4",
  "balance-tlb": "5",
  "balance-alb": "6",
};
const ALTERNATIVES: Readonly<Record<string, string>> = {
  ovs_mtu: "mtu",
  "bond-slaves": "slaves",
  bond_slaves: "slaves",
  "bond-xmit-hash-policy": "bond_xmit_hash_policy",
  "bond-mode": "bond_mode",
  "bond-miimon": "bond_miimon",
  "bridge-vlan-aware": "bridge_vlan_aware",
  "bridge-fd": "bridge_fd",
  "bridge-stp": "bridge_stp",
  "bridge-ports": "bridge_ports",
  "bridge-vids": "bridge_vids",
};
const SIMPLE = new Set([
  "mtu",
  "ovs_type",
  "ovs_options",
  "ovs_bridge",
  "ovs_bonds",
  "ovs_ports",
  "bridge_fd",
  "bridge_vids",
  "bridge-access",
  "bridge-learning",
  "bridge-arp-nd-suppress",
  "bridge-unicast-flood",
  "bridge-multicast-flood",
  "bridge-disable-mac-learning",
  "bond_miimon",
  "bond_xmit_hash_policy",
  "bond-primary",
  "link-type",
  "uplink-id",
  "vlan-protocol",
  "vlan-raw-device",
  "vlan-id",
  "vxlan-id",
  "vxlan-svcnodeip",
  "vxlan-physdev",
  "vxlan-local-tunnelip",
]);

/** `$ipv4_mask_hash`: dotted mask → bits. */
function maskBits(mask: string): number | undefined {
  const parts = mask.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  const n = (((parts[0] ?? 0) << 24) >>> 0) + ((parts[1] ?? 0) << 16) + ((parts[2] ?? 0) << 8) + (parts[3] ?? 0);
  for (let bits = 0; bits <= 32; bits++) if ((bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0) === n) return bits;
  return undefined;
}

/** `_get_cidr`. */
function getCidr(addr: string, mask: unknown): string | undefined {
  if (/\/\d+$/.test(addr)) return addr;
  if (!mask) return undefined;
  if (/^\d+$/.test(String(mask))) return `${addr}/${String(mask)}`;
  const bits = maskBits(String(mask));
  return bits ? `${addr}/${bits}` : undefined;
}

const decodeUtf8 = (text: string): string => Buffer.from(text, "latin1").toString("utf8");

/** `__read_etc_network_interfaces`. */
export function readInterfaces(text: string, host: HostLinks): NetConfig {
  const ifaces: Record<string, Iface> = {};
  const options: [number, string][] = [];
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  const get = (name: string): Iface => (ifaces[name] ??= {});
  let priority = 2; // 1 is reserved for lo
  let i = 0;
  let line: string | undefined = lines[i++];
  section: while (line !== undefined) {
    if (/^\s*#/.test(line)) {
      line = lines[i++];
      continue;
    }
    const auto = /^\s*(allow-auto|auto|allow-ovs|allow-hotplug)\s+(.*)$/.exec(line);
    const stanza = /^\s*iface\s+(\S+)(?:\s+(inet6?)\s+(\S+))?\s*$/.exec(line);
    if (auto) {
      for (const name of (auto[2] ?? "").split(/\s+/)) if (name !== "") get(name).autostart = 1;
    } else if (stanza?.[1]) {
      const name = stanza[1];
      const family = stanza[2];
      const f: Iface = { method: stanza[3] };
      const suffix = family === undefined ? undefined : family.replace(/^inet/, "");
      const d = get(name);
      if (!d.priority) d.priority = priority++;
      (d.families ??= []).push(family);
      while ((line = lines[i++]) !== undefined) {
        line = line.replace(/\s+$/, "");
        const comment = /^\s*#(.*?)\s*$/.exec(line);
        if (comment) {
          const to = suffix !== undefined ? f : d;
          to.comments = `${String(to.comments ?? "")}${decodeUtf8(comment[1] ?? "")}\n`;
          continue;
        }
        if (/^\s*(?:(?:iface|mapping|auto|source|source-directory)\s|allow-)/.test(line)) break;
        const opt = /^\s*((\S+)\s+(.+))$/.exec(line);
        if (!opt?.[2]) break;
        const option = opt[1] ?? "";
        const id = ALTERNATIVES[opt[2]] ?? opt[2];
        let value = opt[3] ?? "";
        if (id === "address" || id === "netmask" || id === "broadcast" || id === "gateway") {
          if (suffix !== undefined) d[id + suffix] = value;
          else if (id !== "netmask") d[value.includes(":") ? `${id}6` : id] = value;
          else d[id] = value;
        } else if (SIMPLE.has(id)) {
          d[id] = value;
        } else if (id === "slaves" || id === "bridge_ports") {
          const devs = new Set<string>();
          for (const p of value.split(/\s+/)) {
            if (p === "none") {
              if (id === "bridge_ports") d.is_empty_bridge = 1;
              continue;
            }
            if (p !== "") devs.add(p);
          }
          const str = [...devs].sort().join(" ");
          if (d[id]) {
            if (str) d[id] = `${String(d[id])} ${str}`;
          } else d[id] = str;
        } else if (id === "bridge_stp") {
          d[id] = /^\s*(on|yes)\s*$/i.test(value) ? "on" : "off";
        } else if (id === "bridge_vlan_aware") {
          d[id] = 1;
        } else if (id === "bond_mode") {
          value = Object.keys(BOND_MODES).find((name) => BOND_MODES[name] === value) ?? value;
          d[id] = value;
        } else if (id === "vxlan-remoteip") {
          ((d[id] ??= []) as string[]).push(value);
        } else {
          const to = suffix !== undefined ? f : d;
          ((to.options ??= []) as string[]).push(option);
        }
      }
      if (suffix !== undefined) for (const [k, v] of Object.entries(f)) d[k + suffix] = v;
      continue section; // the line that ended the stanza is read again
    } else if (/\w/.test(line)) {
      options.push([priority++, line]);
    }
    line = lines[i++];
  }

  for (const name of host.physical) get(name).exists = 1;
  for (const name of host.active) if (ifaces[name]) (ifaces[name] as Iface).active = 1;
  ifaces["lo"] ??= { priority: 1, method: "loopback", type: "loopback", autostart: 1 };

  for (const name of Object.keys(ifaces).sort()) {
    const d = ifaces[name] as Iface;
    d.type = "unknown";
    const alias = /^(\S+):\d+$/.exec(name);
    const vlan = /^(\S+)\.(\d+)$/.exec(name);
    if (d.bridge_ports !== undefined || d.is_empty_bridge) {
      delete d.is_empty_bridge;
      d.type = "bridge";
      d.bridge_stp ??= "off";
      if (d.bridge_fd === undefined && d.bridge_stp === "off") d.bridge_fd = 0;
    } else if (d.ovs_type === "OVSBridge") {
      d.type = d.ovs_type;
    } else if (/^bond\d+$/.test(name)) {
      d.type = d.ovs_type ? String(d.ovs_type) : "bond";
    } else if (alias?.[1]) {
      d.type = "alias";
      const parent = (ifaces[alias[1]] ??= { exists: 0 });
      d.exists = parent.exists ?? 0;
    } else if (vlan?.[1]) {
      d.type = "vlan";
      d["vlan-raw-device"] ??= vlan[1];
      if (Number(vlan[2])) d["vlan-id"] = vlan[2];
      const raw = String(d["vlan-raw-device"]);
      const parent = (ifaces[raw] ??= { exists: 0 });
      d.exists = parent.exists ?? 0;
    } else if (d["vlan-raw-device"]) {
      d.type = "vlan";
      const m = /^vlan(\d+)$/.exec(name);
      if (m && Number(m[1])) d["vlan-id"] = m[1];
      const raw = String(d["vlan-raw-device"]);
      const parent = (ifaces[raw] ??= { exists: 0 });
      d.exists = parent.exists ?? 0;
    } else if (host.physical.includes(name) || PHYSICAL_NIC_RE.test(name)) {
      d.type = d.ovs_type ? String(d.ovs_type) : "eth";
    } else if (name === "lo") {
      d.type = "loopback";
    } else if (d["vxlan-id"]) {
      d.type = "vxlan";
    } else if (d.ovs_type === "OVSIntPort") {
      d.type = d.ovs_type;
    } else if (d["link-type"] === "dummy") {
      d.type = "dummy";
    }
    // Map address and netmask (address6 and netmask6) to cidr (cidr6).
    for (const [suffix, host] of [
      ["", 32],
      ["6", 128],
    ] as const) {
      const addr = d[`address${suffix}`];
      if (typeof addr !== "string" || addr === "") continue;
      if (/\/\d+$/.test(addr)) {
        const [base, bits] = addr.split("/");
        d[`cidr${suffix}`] = addr;
        d[`address${suffix}`] = base;
        d[`netmask${suffix}`] = bits;
      } else {
        const cidr = getCidr(addr, d[`netmask${suffix}`]);
        // PVE rewrites an IPv4 netmask to its bits, an IPv6 one stays as written.
        if (cidr && suffix === "") d.netmask = cidr.split("/")[1];
        d[`cidr${suffix}`] = cidr ?? `${addr}/${host}`;
      }
    }
    d.method ??= "manual";
    d.method6 ??= "manual";
    if (d.comments6) {
      d.comments = `${String(d.comments ?? "")}${String(d.comments6)}`;
      delete d.comments6;
    }
    if (!d.families || d.families.length === 0) d.families = ["inet"];
  }
  return { ifaces, options };
}

/** `__interface_to_string` (ifupdown2, no Open vSwitch). */
function interfaceToString(name: string, d: Iface, family: string | undefined, first: boolean): string {
  const suffix = family === undefined ? undefined : family.replace(/^inet/, "");
  if (family && !(d && d[`method${suffix}`])) return "";
  let raw = `iface ${name}`;
  if (family !== undefined) raw += ` ${family} ${String(d[`method${suffix}`])}`;
  raw += "\n";
  const addAddr = (s: string): void => {
    let addr = d[`address${s}`];
    if (addr) {
      addr = String(addr);
      const mask = d[`netmask${s}`];
      if (!/\/\d+$/.test(String(addr)) && mask) {
        if (/^\d+$/.test(String(mask))) addr = `${String(addr)}/${String(mask)}`;
        else {
          const bits = maskBits(String(mask));
          if (bits) addr = `${String(addr)}/${bits}`;
        }
      }
      raw += `\taddress ${String(addr)}\n`;
    }
    if (d[`gateway${s}`]) raw += `\tgateway ${String(d[`gateway${s}`])}\n`;
  };
  if (family !== undefined) addAddr(suffix ?? "");
  else {
    addAddr("");
    addAddr("6");
  }
  const done = new Set([
    "type",
    "priority",
    "method",
    "active",
    "exists",
    "comments",
    "autostart",
    "options",
    "address",
    "netmask",
    "gateway",
    "broadcast",
    "method6",
    "families",
    "options6",
    "comments6",
    "address6",
    "netmask6",
    "gateway6",
    "broadcast6",
    "uplink-id",
  ]);
  if (first && d.type === "bridge") {
    const ports = String(d.bridge_ports || "none").replace(/[;,\s]+/g, " ");
    raw += `\tbridge-ports ${ports}\n`;
    const stp = d.bridge_stp === undefined ? "off" : String(d.bridge_stp);
    raw += `\tbridge-stp ${stp}\n`;
    if (d.bridge_fd !== undefined) {
      const fd = Number(d.bridge_fd);
      // ifupdown2 wants a forwarding delay of 2..30 with STP: other values are dropped with a warning.
      if (stp === "off" || (fd >= 2 && fd <= 30)) raw += `\tbridge-fd ${String(d.bridge_fd)}\n`;
    } else if (stp === "off") raw += "\tbridge-fd 0\n";
    if (d.bridge_vlan_aware !== undefined) {
      raw += "\tbridge-vlan-aware yes\n";
      raw += `\tbridge-vids ${d.bridge_vids ? String(d.bridge_vids) : "2-4094"}\n`;
    }
    if (d.mtu) raw += `\tmtu ${String(d.mtu)}\n`;
    for (const k of ["bridge_ports", "bridge_stp", "bridge_fd", "bridge_vlan_aware", "bridge_vids", "mtu", "bridge-disable-mac-learning"]) done.add(k);
  } else if (first && d.type === "bond") {
    const slaves = String(d.slaves ?? "").replace(/[;,\s]+/g, " ") || "none";
    raw += `\tbond-slaves ${slaves}\n`;
    raw += `\tbond-miimon ${d.bond_miimon === undefined ? 100 : String(d.bond_miimon)}\n`;
    raw += `\tbond-mode ${d.bond_mode === undefined ? "balance-rr" : String(d.bond_mode)}\n`;
    if (d.bond_mode && d.bond_xmit_hash_policy && (d.bond_mode === "balance-xor" || d.bond_mode === "802.3ad")) {
      raw += `\tbond-xmit-hash-policy ${String(d.bond_xmit_hash_policy)}\n`;
    }
    if (d.bond_mode === "active-backup" && d["bond-primary"]) raw += `\tbond-primary ${String(d["bond-primary"])}\n`;
    if (d.mtu) raw += `\tmtu ${String(d.mtu)}\n`;
    for (const k of ["slaves", "bond_miimon", "bond_mode", "bond_xmit_hash_policy", "bond-primary", "mtu"]) done.add(k);
  } else if (first && d.type === "vlan") {
    const protocol = d["vlan-protocol"];
    if (protocol && protocol !== "802.1ad" && protocol !== "802.1q") throw pveDie(`${name}: wrong vlan-protocol ${String(protocol)}`);
  }
  if (first) {
    for (const k of Object.keys(d).sort()) {
      if (done.has(k) || !d[k]) continue;
      raw += `\t${k} ${String(d[k])}\n`;
    }
  }
  const addOptionsComments = (s: string): void => {
    for (const option of (d[`options${s}`] as string[] | undefined) ?? []) raw += `\t${option}\n`;
    for (const line of perlSplit(String(d[`comments${s}`] ?? ""), /\n/)) raw += `#${line}\n`;
  };
  if (family !== undefined) addOptionsComments(suffix ?? "");
  else {
    addOptionsComments("");
    addOptionsComments("6");
  }
  return `${raw}\n`;
}

const HEADER = `# network interface settings; autogenerated
# Please do NOT modify this file directly, unless you know what
# you're doing.
#
# If you want to manage parts of the network configuration manually,
# please utilize the 'source' or 'source-directory' directives to do
# so.
# PVE will preserve these directives, but will NOT read its network
# configuration from sourced files, so do not attempt to move any of
# the PVE managed interfaces into external files!

`;

const TYPE_PRIORITY: Readonly<Record<string, number>> = {
  loopback: 100000,
  dummy: 100000,
  eth: 200000,
  OVSPort: 200000,
  OVSIntPort: 300000,
  OVSBond: 400000,
  bond: 400000,
  bridge: 500000,
  OVSBridge: 500000,
  vlan: 600000,
  vxlan: 600000,
};

/** `$check_mtu`. */
function checkMtu(ifaces: Readonly<Record<string, Iface>>, parent: string, child: string): void {
  const cmtu = ifaces[child]?.mtu;
  if (!cmtu) return;
  const p = ifaces[parent] ?? {};
  let pmtu = p.mtu;
  if (p.type === "bond" && !pmtu) pmtu = cmtu;
  pmtu ||= 1500;
  if (Number(pmtu) < Number(cmtu)) throw pveDie(`interface '${parent}' - mtu ${String(pmtu)} is lower than '${child}' - mtu ${String(cmtu)}`);
}

/** `__write_etc_network_interfaces`: the file text, after the checks that refuse a broken config. */
export function writeInterfaces(config: NetConfig): string {
  const ifaces = structuredClone(config.ifaces);
  const options = [...config.options];
  const used = new Map<string, string>();
  for (const [name, d] of Object.entries(ifaces)) {
    const cidr = d.cidr;
    const cidr6 = d.cidr6;
    delete d.cidr;
    delete d.cidr6;
    d.address ??= cidr;
    d.address6 ??= cidr6;
    const ports = ["bridge_ports", "ovs_ports", "slaves", "ovs_bonds"].map((k) => (d[k] ? String(d[k]) : "")).join(" ");
    for (const p of splitList(ports)) {
      const owner = used.get(p);
      if (owner && owner !== name) throw pveDie(`port '${p}' is already used on interface '${owner}'`);
      used.set(p, name);
    }
  }
  for (const [name, d] of Object.entries(ifaces)) {
    if (d.type !== "bond" || !d.slaves) continue;
    let primaryIsSlave = false;
    for (const p of String(d.slaves).split(/\s+/)) {
      const n = ifaces[p];
      if (!n) throw pveDie(`bond '${name}' - unable to find slave '${p}'`);
      n.autostart = 1;
      if (n.type !== "eth" && n.type !== "bond") throw pveDie(`bond '${name}' - wrong interface type on slave '${p}' ('${String(n.type)}' != 'eth or bond')`);
      checkMtu(ifaces, name, p);
      if (d["bond-primary"] === p) primaryIsSlave = true;
    }
    // PVE's die has no newline here, so its message also names the Perl file and line.
    if (d["bond-primary"] && !primaryIsSlave) throw pveDie(`bond '${name}' - bond-primary interface is not a slave`);
  }
  for (const [name, d] of Object.entries(ifaces)) {
    if (d.type !== "vlan") continue;
    let parent: string;
    let vlanId: number;
    const dotted = /^(\S+)\.(\d+)$/.exec(name);
    if (dotted?.[1]) {
      parent = dotted[1];
      vlanId = Number(dotted[2]);
      delete d["vlan-raw-device"];
      delete d["vlan-id"];
    } else {
      if (!d["vlan-raw-device"]) throw pveDie("missing vlan-raw-device option");
      parent = String(d["vlan-raw-device"]);
      const m = /^vlan(\d+)$/.exec(name);
      if (m) {
        vlanId = Number(m[1]);
        delete d["vlan-id"];
      } else {
        if (!d["vlan-id"]) throw pveDie("missing vlan-id option");
        vlanId = Number(d["vlan-id"]);
      }
    }
    if (vlanId > 4094) throw pveDie(`vlan '${name}' - vlan-id ${vlanId} should be <= 4094`);
    const n = ifaces[parent];
    if (!n) throw pveDie(`vlan '${name}' - unable to find parent '${parent}'`);
    if (!["eth", "bridge", "bond", "vlan"].includes(String(n.type))) {
      throw pveDie(`vlan '${name}' - wrong interface type on parent '${parent}' ('${String(n.type)}' != 'eth|bond|bridge|vlan' )`);
    }
    checkMtu(ifaces, parent, name);
  }
  const uplinks = new Map<string, string>();
  for (const [name, d] of Object.entries(ifaces)) {
    const uplink = d["uplink-id"];
    if (!uplink) continue;
    if (d.type !== "eth" && d.type !== "bond")
      throw pveDie(`iface '${name}' - uplink-id ${String(uplink)} is only allowed on physical and linux bond interfaces`);
    const owner = uplinks.get(String(uplink));
    if (owner) throw pveDie(`iface '${name}' - uplink-id ${String(uplink)} is already assigned on '${owner}'`);
    uplinks.set(String(uplink), name);
  }
  const copy: Record<string, Iface> = { ...ifaces };
  for (const [name, d] of Object.entries(copy)) {
    if (d.type !== "bridge") continue;
    for (const p of String(d.bridge_ports ?? "")
      .split(/\s+/)
      .filter((x) => x !== "")) {
      const sub = /(\S+)\.(\d+)$/.exec(p);
      if (sub && !copy[p])
        copy[p] = { type: "vlan", method: "manual", method6: "manual", ...(copy[sub[1] ?? ""]?.mtu ? { mtu: copy[sub[1] ?? ""]?.mtu } : {}) };
      const n = copy[p];
      if (!n) throw pveDie(`bridge '${name}' - unable to find bridge port '${p}'`);
      if ((n.method === "static" && n.address !== "0.0.0.0") || (n.method6 === "static" && n.address6 !== "::")) {
        throw pveDie(`iface ${p} - ip address can't be set on interface if bridged in ${name}`);
      }
      checkMtu(copy, p, name);
    }
  }
  const prio = (name: string): number | undefined => {
    const [root = "", ...rest] = name.split(/[.:]/);
    const type = ifaces[root]?.type;
    if (!type || type === "unknown") return undefined;
    return (TYPE_PRIORITY[String(type)] ?? 0) + rest.length;
  };
  const order = Object.keys(ifaces).sort((a, b) => {
    let ta = prio(a);
    let tb = prio(b);
    if (ta === undefined || tb === undefined) ta = tb = 0;
    const pa = ta + Number(ifaces[a]?.priority ?? 50000);
    const pb = tb + Number(ifaces[b]?.priority ?? 50000);
    return pa !== pb ? pa - pb : a < b ? -1 : a > b ? 1 : 0;
  });
  let raw = HEADER;
  for (const name of order) {
    const d = ifaces[name] as Iface;
    const pri = Number(d.priority ?? 0);
    if (options.length > 0 && (options[0]?.[0] ?? 0) < pri) {
      while (options.length > 0 && (options[0]?.[0] ?? 0) < pri) raw += `${options.shift()?.[1] ?? ""}\n`;
      raw += "\n";
    }
    if (d.autostart) raw += `auto ${name}\n`;
    const families = d.families ?? ["inet"];
    if (families.length === 1 && families[0] === "inet6") {
      d.comments6 = d.comments;
      delete d.comments;
    }
    families.forEach((family, index) => (raw += interfaceToString(name, d, family, index === 0)));
  }
  for (const [, line] of options) raw += `${line}\n`;
  return raw;
}

/** True for an IPv6 address PVE takes as a host address (`$check_ipv6_settings`: global, unique- or link-local unicast). */
export function ipv6HostType(address: string): string | undefined {
  if (isIP(address) !== 6) return undefined;
  const lower = address.toLowerCase();
  if (lower === "::") return "UNSPECIFIED";
  if (lower === "::1") return "LOOPBACK";
  if (/^ff/.test(lower)) return "MULTICAST";
  if (/^::ffff:/.test(lower)) return "IPV4MAP";
  return "UNICAST";
}
