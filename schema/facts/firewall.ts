/**
 * Facts of the PVE firewall that preview checks rules against (the rule API's `verify_rule`
 * refuses anything else at apply):
 * - macro names: pve-firewall `src/PVE/Firewall.pm`, the keys of `$pve_fw_macros` and
 *   `$pve_ipv6fw_macros` (PVE matches them case-insensitively but stores this spelling);
 * - rule actions for `in`/`out`/`forward` rules: `verify_rule` (`ACCEPT|DROP|REJECT`; REJECT not on
 *   `forward`), and the protocols a rule may give ports for: `$PROTOCOLS_WITH_PORTS`;
 * - protocols: `/etc/protocols` of a PVE node (Debian netbase), which `get_etc_protocols` reads by
 *   name and number (the aliases column does not count), plus its special case `icmpv6`.
 */

/** The macros a rule's `macro` may name, in PVE's spelling. */
export const FIREWALL_MACROS: readonly string[] = [
  "Amanda", "Auth", "BGP", "BitTorrent", "BitTorrent32", "Ceph", "Citrix", "CVS", "DAAP", "DCC", "DHCPfwd", "DHCPv6",
  "Distcc", "DNS", "Finger", "FTP", "Git", "GNUnet", "GRE", "HKP", "HTTP", "HTTPS", "ICPV2", "ICQ", "IMAP", "IMAPS",
  "IPIP", "IPsec", "IPsecah", "IPsecnat", "IRC", "Jetdirect", "L2TP", "LDAP", "LDAPS", "Mail", "MDNS", "MSNP",
  "MSSQL", "Munin", "MySQL", "NeighborDiscovery", "NNTP", "NNTPS", "NTP", "OpenVPN", "OSPF", "PCA", "Ping", "PMG",
  "POP3", "POP3S", "PostgreSQL", "PPtP", "Printer", "Razor", "Rdate", "RDP", "RIP", "RNDC", "Rsync", "SANE", "SixXS",
  "SMB", "SMBswat", "SMTP", "SMTPS", "SNMP", "SPAMD", "SPICEproxy", "Squid", "SSH", "Submission", "SVN", "Syslog",
  "Telnet", "Telnets", "TFTP", "Time", "Trcrt", "VNC", "VNCL", "Web", "Webcache", "Webmin", "Whois",
];

/** The actions of `in`, `out` and `forward` rules (a `group` rule names a security group instead). */
export const FIREWALL_ACTIONS: readonly string[] = ["ACCEPT", "DROP", "REJECT"];

/** Protocol names a rule's `proto` may use. */
export const FIREWALL_PROTOCOL_NAMES: readonly string[] = [
  "ip", "hopopt", "icmp", "igmp", "ggp", "ipencap", "st", "tcp", "egp", "igp", "pup", "udp", "hmp", "xns-idp", "rdp",
  "iso-tp4", "dccp", "xtp", "ddp", "idpr-cmtp", "ipv6", "ipv6-route", "ipv6-frag", "idrp", "rsvp", "gre", "esp",
  "ah", "skip", "ipv6-icmp", "ipv6-nonxt", "ipv6-opts", "rspf", "vmtp", "eigrp", "ospf", "ax.25", "ipip", "etherip",
  "encap", "pim", "ipcomp", "vrrp", "l2tp", "isis", "sctp", "fc", "mobility-header", "udplite", "mpls-in-ip",
  "manet", "hip", "shim6", "wesp", "rohc", "ethernet", "mptcp", "icmpv6",
];

/** Protocol numbers a rule's `proto` may use (only those /etc/protocols lists). */
export const FIREWALL_PROTOCOL_NUMBERS: readonly number[] = [
  0, 1, 2, 3, 4, 5, 6, 8, 9, 12, 17, 20, 22, 27, 29, 33, 36, 37, 38, 41, 43, 44, 45, 46, 47, 50, 51, 57, 58, 59, 60,
  73, 81, 88, 89, 93, 94, 97, 98, 103, 108, 112, 115, 124, 132, 133, 135, 136, 137, 138, 139, 140, 141, 142, 143,
  262,
];

/** The protocols (by name or number) whose rules may give `dport`/`sport`. */
export const FIREWALL_PROTOCOLS_WITH_PORTS: readonly string[] = ["tcp", "6", "udp", "17", "udplite", "136", "dccp", "33", "sctp", "132"];

/** ICMP protocols: their `dport` is an ICMP type, not a port. */
export const FIREWALL_ICMP_PROTOCOLS: readonly string[] = ["icmp", "icmpv6", "ipv6-icmp"];
