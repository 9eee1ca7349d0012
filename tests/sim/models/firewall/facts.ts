/**
 * Firewall facts as data, for the simulator (its own copy, so that it stays the ground truth the
 * product is checked against):
 * - the macros: pve-firewall `src/PVE/Firewall.pm` `$pve_fw_macros` and `$pve_ipv6fw_macros`
 *   (names are matched case-insensitively and stored in this spelling, `$pve_fw_preferred_macro_names`);
 * - the protocols: `/etc/protocols` of a PVE node (Debian netbase), read by `parse_protocol_file`
 *   (name and number columns only), plus the `icmpv6` special case of `get_etc_protocols`;
 * - the ICMP type names of `$icmp_type_names` and `$icmpv6_type_names`.
 */

/** One rule of a macro (its action is always the rule's own, `PARAM`). */
export interface MacroRule {
  readonly proto: string;
  readonly dport?: string;
  readonly sport?: string;
}

/** A macro: its rules, and the IP version it is limited to (`ipv4only`/`ipv6only`). */
export interface Macro {
  readonly rules: readonly MacroRule[];
  readonly ipversion?: 4 | 6;
  /** The rules used for IPv6 (`$pve_ipv6fw_macros`), when they differ. */
  readonly ipv6Rules?: readonly MacroRule[];
}

/** Every macro by its preferred name. */
export const MACROS: Readonly<Record<string, Macro>> = {
  Amanda: {
    rules: [
      { dport: "10080", proto: "udp" },
      { dport: "10080", proto: "tcp" },
    ],
  },
  Auth: { rules: [{ dport: "113", proto: "tcp" }] },
  BGP: { rules: [{ dport: "179", proto: "tcp" }] },
  BitTorrent: {
    rules: [
      { dport: "6881:6889", proto: "tcp" },
      { dport: "6881", proto: "udp" },
    ],
  },
  BitTorrent32: {
    rules: [
      { dport: "6881:6999", proto: "tcp" },
      { dport: "6881", proto: "udp" },
    ],
  },
  Ceph: {
    rules: [
      { dport: "6789", proto: "tcp" },
      { dport: "3300", proto: "tcp" },
      { dport: "6800:7300", proto: "tcp" },
    ],
  },
  Citrix: {
    rules: [
      { dport: "1494", proto: "tcp" },
      { dport: "1604", proto: "udp" },
      { dport: "2598", proto: "tcp" },
    ],
  },
  CVS: { rules: [{ dport: "2401", proto: "tcp" }] },
  DAAP: {
    rules: [
      { dport: "3689", proto: "tcp" },
      { dport: "3689", proto: "udp" },
    ],
  },
  DCC: { rules: [{ dport: "6277", proto: "tcp" }] },
  DHCPfwd: { rules: [{ dport: "67:68", proto: "udp", sport: "67:68" }] },
  DHCPv6: { rules: [{ dport: "546:547", proto: "udp", sport: "546:547" }], ipversion: 6 },
  Distcc: { rules: [{ dport: "3632", proto: "tcp" }] },
  DNS: {
    rules: [
      { dport: "53", proto: "udp" },
      { dport: "53", proto: "tcp" },
    ],
  },
  Finger: { rules: [{ dport: "79", proto: "tcp" }] },
  FTP: { rules: [{ dport: "21", proto: "tcp" }] },
  Git: { rules: [{ dport: "9418", proto: "tcp" }] },
  GNUnet: {
    rules: [
      { dport: "2086", proto: "tcp" },
      { dport: "2086", proto: "udp" },
      { dport: "1080", proto: "tcp" },
      { dport: "1080", proto: "udp" },
    ],
  },
  GRE: { rules: [{ proto: "47" }] },
  HKP: { rules: [{ dport: "11371", proto: "tcp" }] },
  HTTP: { rules: [{ dport: "80", proto: "tcp" }] },
  HTTPS: { rules: [{ dport: "443", proto: "tcp" }] },
  ICPV2: { rules: [{ dport: "3130", proto: "udp" }] },
  ICQ: { rules: [{ dport: "5190", proto: "tcp" }] },
  IMAP: { rules: [{ dport: "143", proto: "tcp" }] },
  IMAPS: { rules: [{ dport: "993", proto: "tcp" }] },
  IPIP: { rules: [{ proto: "94" }] },
  IPsec: { rules: [{ dport: "500", proto: "udp", sport: "500" }, { proto: "50" }] },
  IPsecah: { rules: [{ dport: "500", proto: "udp", sport: "500" }, { proto: "51" }] },
  IPsecnat: { rules: [{ dport: "500", proto: "udp" }, { dport: "4500", proto: "udp" }, { proto: "50" }] },
  IRC: { rules: [{ dport: "6667", proto: "tcp" }] },
  Jetdirect: { rules: [{ dport: "9100", proto: "tcp" }] },
  L2TP: { rules: [{ dport: "1701", proto: "udp" }] },
  LDAP: { rules: [{ dport: "389", proto: "tcp" }] },
  LDAPS: { rules: [{ dport: "636", proto: "tcp" }] },
  Mail: {
    rules: [
      { dport: "25", proto: "tcp" },
      { dport: "465", proto: "tcp" },
      { dport: "587", proto: "tcp" },
    ],
  },
  MDNS: { rules: [{ dport: "5353", proto: "udp" }] },
  MSNP: { rules: [{ dport: "1863", proto: "tcp" }] },
  MSSQL: { rules: [{ dport: "1433", proto: "tcp" }] },
  Munin: { rules: [{ dport: "4949", proto: "tcp" }] },
  MySQL: { rules: [{ dport: "3306", proto: "tcp" }] },
  NeighborDiscovery: {
    rules: [
      { dport: "router-solicitation", proto: "icmpv6" },
      { dport: "router-advertisement", proto: "icmpv6" },
      { dport: "neighbor-solicitation", proto: "icmpv6" },
      { dport: "neighbor-advertisement", proto: "icmpv6" },
    ],
    ipversion: 6,
  },
  NNTP: { rules: [{ dport: "119", proto: "tcp" }] },
  NNTPS: { rules: [{ dport: "563", proto: "tcp" }] },
  NTP: { rules: [{ dport: "123", proto: "udp" }] },
  OpenVPN: { rules: [{ dport: "1194", proto: "udp" }] },
  OSPF: { rules: [{ proto: "89" }] },
  PCA: {
    rules: [
      { dport: "5632", proto: "udp" },
      { dport: "5631", proto: "tcp" },
    ],
  },
  Ping: { rules: [{ dport: "echo-request", proto: "icmp" }], ipv6Rules: [{ dport: "echo-request", proto: "icmpv6" }] },
  PMG: { rules: [{ dport: "8006", proto: "tcp" }] },
  POP3: { rules: [{ dport: "110", proto: "tcp" }] },
  POP3S: { rules: [{ dport: "995", proto: "tcp" }] },
  PostgreSQL: { rules: [{ dport: "5432", proto: "tcp" }] },
  PPtP: { rules: [{ proto: "47" }, { dport: "1723", proto: "tcp" }] },
  Printer: { rules: [{ dport: "515", proto: "tcp" }] },
  Razor: { rules: [{ dport: "2703", proto: "tcp" }] },
  Rdate: { rules: [{ dport: "37", proto: "tcp" }] },
  RDP: { rules: [{ dport: "3389", proto: "tcp" }] },
  RIP: { rules: [{ dport: "520", proto: "udp" }] },
  RNDC: { rules: [{ dport: "953", proto: "tcp" }] },
  Rsync: { rules: [{ dport: "873", proto: "tcp" }] },
  SANE: { rules: [{ dport: "6566", proto: "tcp" }] },
  SixXS: { rules: [{ dport: "3874", proto: "tcp" }, { dport: "3740", proto: "udp" }, { proto: "41" }, { dport: "5072,8374", proto: "udp" }] },
  SMB: {
    rules: [
      { dport: "135,445", proto: "udp" },
      { dport: "137:139", proto: "udp" },
      { dport: "1024:65535", proto: "udp", sport: "137" },
      { dport: "135,139,445", proto: "tcp" },
    ],
  },
  SMBswat: { rules: [{ dport: "901", proto: "tcp" }] },
  SMTP: { rules: [{ dport: "25", proto: "tcp" }] },
  SMTPS: { rules: [{ dport: "465", proto: "tcp" }] },
  SNMP: {
    rules: [
      { dport: "161:162", proto: "udp" },
      { dport: "161", proto: "tcp" },
    ],
  },
  SPAMD: { rules: [{ dport: "783", proto: "tcp" }] },
  SPICEproxy: { rules: [{ dport: "3128", proto: "tcp" }] },
  Squid: { rules: [{ dport: "3128", proto: "tcp" }] },
  SSH: { rules: [{ dport: "22", proto: "tcp" }] },
  Submission: { rules: [{ dport: "587", proto: "tcp" }] },
  SVN: { rules: [{ dport: "3690", proto: "tcp" }] },
  Syslog: {
    rules: [
      { dport: "514", proto: "udp" },
      { dport: "514", proto: "tcp" },
    ],
  },
  Telnet: { rules: [{ dport: "23", proto: "tcp" }] },
  Telnets: { rules: [{ dport: "992", proto: "tcp" }] },
  TFTP: { rules: [{ dport: "69", proto: "udp" }] },
  Time: { rules: [{ dport: "37", proto: "tcp" }] },
  Trcrt: {
    rules: [
      { dport: "33434:33524", proto: "udp" },
      { dport: "echo-request", proto: "icmp" },
    ],
    ipv6Rules: [
      { dport: "33434:33524", proto: "udp" },
      { dport: "echo-request", proto: "icmpv6" },
    ],
  },
  VNC: { rules: [{ dport: "5900:5999", proto: "tcp" }] },
  VNCL: { rules: [{ dport: "5500", proto: "tcp" }] },
  Web: {
    rules: [
      { dport: "80", proto: "tcp" },
      { dport: "443", proto: "tcp" },
    ],
  },
  Webcache: { rules: [{ dport: "8080", proto: "tcp" }] },
  Webmin: { rules: [{ dport: "10000", proto: "tcp" }] },
  Whois: { rules: [{ dport: "43", proto: "tcp" }] },
};

/** `/etc/protocols`: name → number (a number is accepted too; several names may share one). */
export const PROTOCOLS: Readonly<Record<string, number>> = {
  ip: 0,
  hopopt: 0,
  icmp: 1,
  igmp: 2,
  ggp: 3,
  ipencap: 4,
  st: 5,
  tcp: 6,
  egp: 8,
  igp: 9,
  pup: 12,
  udp: 17,
  hmp: 20,
  "xns-idp": 22,
  rdp: 27,
  "iso-tp4": 29,
  dccp: 33,
  xtp: 36,
  ddp: 37,
  "idpr-cmtp": 38,
  ipv6: 41,
  "ipv6-route": 43,
  "ipv6-frag": 44,
  idrp: 45,
  rsvp: 46,
  gre: 47,
  esp: 50,
  ah: 51,
  skip: 57,
  "ipv6-icmp": 58,
  "ipv6-nonxt": 59,
  "ipv6-opts": 60,
  rspf: 73,
  vmtp: 81,
  eigrp: 88,
  ospf: 89,
  "ax.25": 93,
  ipip: 94,
  etherip: 97,
  encap: 98,
  pim: 103,
  ipcomp: 108,
  vrrp: 112,
  l2tp: 115,
  isis: 124,
  sctp: 132,
  fc: 133,
  "mobility-header": 135,
  udplite: 136,
  "mpls-in-ip": 137,
  manet: 138,
  hip: 139,
  shim6: 140,
  wesp: 141,
  rohc: 142,
  ethernet: 143,
  mptcp: 262,
};

/** `$icmp_type_names`: the names `icmp-type` takes with `proto: icmp`. */
export const ICMP_TYPES: ReadonlySet<string> = new Set([
  "any",
  "echo-reply",
  "destination-unreachable",
  "network-unreachable",
  "host-unreachable",
  "protocol-unreachable",
  "port-unreachable",
  "fragmentation-needed",
  "source-route-failed",
  "network-unknown",
  "host-unknown",
  "network-prohibited",
  "host-prohibited",
  "TOS-network-unreachable",
  "TOS-host-unreachable",
  "communication-prohibited",
  "host-precedence-violation",
  "precedence-cutoff",
  "source-quench",
  "redirect",
  "network-redirect",
  "host-redirect",
  "TOS-network-redirect",
  "TOS-host-redirect",
  "echo-request",
  "router-advertisement",
  "router-solicitation",
  "time-exceeded",
  "ttl-zero-during-transit",
  "ttl-zero-during-reassembly",
  "parameter-problem",
  "ip-header-bad",
  "required-option-missing",
  "timestamp-request",
  "timestamp-reply",
  "address-mask-request",
  "address-mask-reply",
]);

/** `$icmpv6_type_names`: the names `icmp-type` takes with `proto: icmpv6` or `ipv6-icmp`. */
export const ICMPV6_TYPES: ReadonlySet<string> = new Set([
  "destination-unreachable",
  "no-route",
  "communication-prohibited",
  "beyond-scope",
  "address-unreachable",
  "port-unreachable",
  "failed-policy",
  "reject-route",
  "packet-too-big",
  "time-exceeded",
  "ttl-zero-during-transit",
  "ttl-zero-during-reassembly",
  "parameter-problem",
  "bad-header",
  "unknown-header-type",
  "unknown-option",
  "echo-request",
  "echo-reply",
  "router-solicitation",
  "router-advertisement",
  "neighbor-solicitation",
  "neighbour-solicitation",
  "neighbor-advertisement",
  "neighbour-advertisement",
  "redirect",
]);

/** `$PROTOCOLS_WITH_PORTS`: the protocols a rule may give ports for. */
export const PROTOCOLS_WITH_PORTS: ReadonlySet<string> = new Set(["udp", "17", "udplite", "136", "tcp", "6", "dccp", "33", "sctp", "132"]);
