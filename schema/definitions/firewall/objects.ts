/** Firewall objects of the datacenter: aliases, IP sets and their entries, security groups; node options. */
import { configCalls, defineKind, restCalls } from "../../define";

/** `firewall.Alias`. */
export const alias = defineKind({
  namespace: "firewall",
  name: "Alias",
  description: "A firewall alias (`/cluster/firewall/aliases`): a name for an IP or network, usable in rules and IP sets.",
  lifecycle: "collection",
  identity: ["name"],
  ...restCalls("/cluster/firewall/aliases", "/cluster/firewall/aliases/{name}"),
  // PVE rewrites the alias from the call's parameters: a comment left out would be dropped.
  update: { method: "PUT", path: "/cluster/firewall/aliases/{name}", whole: true },
  exclude: ["rename"],
  hooks: "firewall-alias",
  fields: {
    name: { doc: "The alias name (PVE compares names case-insensitively; write it in lower case)." },
    cidr: { doc: "The IP address or network (CIDR) the alias stands for; a single address without `/32` (PVE drops it)." },
    comment: { doc: "A free-form comment." },
  },
});

/** `firewall.IpSet`. */
export const ipSet = defineKind({
  namespace: "firewall",
  name: "IpSet",
  description:
    "A datacenter IP set (`/cluster/firewall/ipset`), used in rules as `+name`; its entries are " +
    "`firewall.IpSetEntry` resources. Its comment changes in place (the entries stay); a new name replaces it.",
  lifecycle: "collection",
  identity: ["name"],
  create: { method: "POST", path: "/cluster/firewall/ipset" },
  read: { path: "/cluster/firewall/ipset", select: (item, id) => item["name"] === id["name"] },
  // PVE's only update of an IP set: "rename" it to its own name with the new comment (IPSet.pm `create_ipset`).
  update: { method: "POST", path: "/cluster/firewall/ipset", sameAs: { rename: "name" } },
  remove: { method: "DELETE", path: "/cluster/firewall/ipset/{name}" },
  exclude: ["rename"],
  hooks: "firewall-ip-set",
  fields: {
    name: { doc: "The IP set name, in lower case (PVE reads IP set names back lowercased)." },
    comment: { doc: "A free-form comment." },
  },
});

/** `firewall.SecurityGroup`. */
export const securityGroup = defineKind({
  namespace: "firewall",
  name: "SecurityGroup",
  description:
    "A security group (`/cluster/firewall/groups`): a named list of rules (`firewall.SecurityGroupRule`) that " +
    "other rules include with `type: group`. Its comment changes in place (the rules stay); a new name replaces it.",
  lifecycle: "collection",
  identity: ["group"],
  create: { method: "POST", path: "/cluster/firewall/groups" },
  read: { path: "/cluster/firewall/groups", select: (item, id) => item["group"] === id["group"] },
  // PVE's only update of a group: "rename" it to its own name with the new comment (Groups.pm `create_security_group`).
  update: { method: "POST", path: "/cluster/firewall/groups", sameAs: { rename: "group" } },
  remove: { method: "DELETE", path: "/cluster/firewall/groups/{group}" },
  exclude: ["rename"],
  hooks: "firewall-security-group",
  fields: {
    group: { doc: "The security group name, in lower case (PVE reads group names back lowercased)." },
    comment: { doc: "A free-form comment." },
  },
});

/** `firewall.NodeOptions`. */
export const nodeOptions = defineKind({
  namespace: "firewall",
  name: "NodeOptions",
  description:
    "A node's firewall options (`/nodes/{node}/firewall/options`). A singleton per node: creating it sets the " +
    "given options, deleting it resets exactly the options it managed to PVE's defaults.",
  lifecycle: "singleton",
  identity: ["node"],
  ...configCalls("/nodes/{node}/firewall/options"),
  fields: {
    node: { doc: "The node." },
    enable: { doc: "Apply the node's firewall rules (on by default; the datacenter firewall must be on too)." },
    log_level_forward: { doc: "The log level for forwarded traffic (nftables firewall only): `emerg` ... `debug`, or `nolog` (default)." },
    log_level_in: { doc: "The log level for incoming traffic: `emerg` ... `debug`, or `nolog` (default)." },
    log_level_out: { doc: "The log level for outgoing traffic: `emerg` ... `debug`, or `nolog` (default)." },
    log_nf_conntrack: { doc: "Log connection tracking information (off by default)." },
    ndp: { doc: "Allow IPv6 neighbour discovery (NDP) traffic." },
    nf_conntrack_allow_invalid: { doc: "Let packets that connection tracking marks invalid through (off by default)." },
    nf_conntrack_helpers: { doc: "Conntrack helpers to load for protocols such as `ftp`, `sip` or `tftp` (comma list; none by default)." },
    nf_conntrack_max: { doc: "The maximum number of tracked connections (at least 32768; 262144 when unset)." },
    nf_conntrack_tcp_timeout_established: { doc: "How long an established TCP connection stays tracked, in seconds (at least 7875; 432000 when unset)." },
    nf_conntrack_tcp_timeout_syn_recv: { doc: "The conntrack timeout for connections in SYN_RECV, in seconds (30..60; 60 when unset)." },
    nftables: { doc: "Use the nftables-based firewall (`proxmox-firewall`) instead of iptables (off by default)." },
    nosmurfs: { doc: "Drop smurf packets (broadcast-sourced ICMP)." },
    protection_synflood: { doc: "Rate-limit new TCP connections per source IP against SYN floods (off by default)." },
    protection_synflood_burst: { doc: "SYN flood protection: the burst of SYNs allowed per source IP (1000 when unset)." },
    protection_synflood_rate: { doc: "SYN flood protection: the SYNs per second allowed per source IP (200 when unset)." },
    smurf_log_level: { doc: "The log level for the smurf filter: `emerg` ... `debug`, or `nolog`." },
    tcp_flags_log_level: { doc: "The log level for the illegal TCP flags filter: `emerg` ... `debug`, or `nolog`." },
    tcpflags: { doc: "Drop packets with illegal combinations of TCP flags (off by default)." },
  },
});

/** `firewall.IpSetEntry`. */
export const ipSetEntry = defineKind({
  namespace: "firewall",
  name: "IpSetEntry",
  description:
    "An entry of a datacenter IP set (`/cluster/firewall/ipset/{name}/{cidr}`): an address, network or alias. " +
    "The id is `<ipSet>/<cidr>` (the CIDR keeps its '/': PVE routes the rest of an IP set path as the entry). " +
    "Changing the CIDR replaces the entry; its comment and `nomatch` change in place.",
  lifecycle: "collection",
  identity: ["name", "cidr"],
  create: { method: "POST", path: "/cluster/firewall/ipset/{name}" },
  read: { path: "/cluster/firewall/ipset/{name}/{cidr}" },
  // PVE rewrites the entry's comment and nomatch from the call: one left out would be dropped.
  update: { method: "PUT", path: "/cluster/firewall/ipset/{name}/{cidr}", whole: true },
  remove: { method: "DELETE", path: "/cluster/firewall/ipset/{name}/{cidr}" },
  hooks: "firewall-ip-set-entry",
  fields: {
    name: { sdkName: "ipSet", doc: "The IP set the entry belongs to." },
    cidr: { doc: "The IP address, network (CIDR) or alias name of the entry, as PVE stores it: no `/32`, no host bits in a network (checked in preview)." },
    nomatch: { doc: "Exclude this address or network from the set instead of including it." },
    comment: { doc: "A free-form comment." },
  },
});
