import { defineKind, restCalls } from "../../define";

/** `node.NetworkInterface`. */
export const networkInterface = defineKind({
  namespace: "node",
  name: "NetworkInterface",
  description:
    "A network interface of a node (`/nodes/{node}/network`): `bridge`, `bond`, `eth`, `vlan`, `alias` or an " +
    "OVS type. PVE stages interface edits in /etc/network/interfaces.new; the provider applies them with one " +
    "reload per node per batch of changes (`PUT /nodes/{node}/network`), so after `pulumi up` no node is left " +
    "with staged changes of yours. Changing `type` replaces the interface.",
  lifecycle: "collection",
  identity: ["node", "iface"],
  ...restCalls("/nodes/{node}/network", "/nodes/{node}/network/{iface}"),
  // PVE recomputes an interface's method from what the update sends (`static` only with its address):
  // every managed field goes along, so that an update of the comments keeps a static address static.
  update: { method: "PUT", path: "/nodes/{node}/network/{iface}", whole: true },
  commit: { call: { method: "PUT", path: "/nodes/{node}/network" } },
  fields: {
    node: { doc: "The node." },
    iface: { doc: "The interface name, e.g. `vmbr1`, `bond0`, `vmbr0.20`." },
    type: { replaceOnChange: true, doc: "The interface type." },
    bridge_ports: { sdkName: "bridgePorts", doc: "`bridge`: the ports of the bridge." },
    bridge_vlan_aware: {
      sdkName: "bridgeVlanAware",
      presence: true,
      doc: "`bridge`: VLAN-aware bridge (PVE makes a bridge VLAN-aware whenever the option is there: `false` removes it).",
    },
    bridge_vids: {
      sdkName: "bridgeVids",
      encoding: "space-list",
      doc: '`bridge`, VLAN-aware: the VLANs it carries, e.g. `["2-4094"]` (PVE\'s default when unset).',
    },
    slaves: { doc: "`bond`: the bonded interfaces." },
    bond_mode: { sdkName: "bondMode", doc: "`bond`: the bonding mode." },
    cidr: { doc: "IPv4 address with prefix, e.g. `10.0.0.2/24`." },
    gateway: { doc: "The IPv4 default gateway." },
    autostart: { doc: "Bring the interface up at boot." },
    comments: { encoding: "comment-lines", doc: "A comment on the interface (kept as comment lines of its stanza)." },
    address: { doc: "The IPv4 address (with `netmask`; `cidr` sets both at once)." },
    address6: { doc: "The IPv6 address (with `netmask6`; `cidr6` sets both at once)." },
    "bond-primary": { doc: "`bond` in `active-backup` mode: the slave that is preferred as the active one." },
    bond_xmit_hash_policy: { doc: "`bond` in `balance-xor` or `802.3ad` mode: the hash that picks a slave, `layer2`, `layer2+3` or `layer3+4`." },
    cidr6: { doc: "IPv6 address with prefix, e.g. `fd00::2/64`." },
    comments6: { doc: "A comment on the interface's IPv6 (`inet6`) stanza." },
    gateway6: { doc: "The IPv6 default gateway." },
    mtu: { doc: "The MTU of the interface, in bytes (1280..65520)." },
    netmask: { doc: "The IPv4 netmask of `address`, dotted, e.g. `255.255.255.0`." },
    netmask6: { doc: "The IPv6 prefix length of `address6` (0..128)." },
    ovs_bonds: { doc: "`OVSBridge`: the OVS bonds attached to the bridge." },
    ovs_bridge: { doc: "`OVSPort`/`OVSIntPort`/`OVSBond`: the OVS bridge the interface belongs to." },
    ovs_options: { doc: "OVS types: extra options passed to Open vSwitch for the interface." },
    ovs_ports: { doc: "`OVSBridge`: the ports of the bridge." },
    ovs_tag: { doc: "`OVSPort`/`OVSIntPort`/`OVSBond`: the VLAN tag of the port (1..4094)." },
    "vlan-id": { doc: "`vlan`: the VLAN tag (1..4094), for interfaces not named `<device>.<tag>`." },
    "vlan-raw-device": { doc: "`vlan`: the parent interface, for interfaces not named `<device>.<tag>`." },
  },
});
