/** `firewall.NodeOptions`: a node's firewall options, a singleton per node. */
import { configCalls, defineKind } from "../../define";

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
