import { defineKind } from "../../define";
import { SDN_COMMIT } from "./commit";
import { BlockList, isIP } from "node:net";
import type { KindHooks } from "../../hooks";

/** Whether `ip` lies in `cidr`; undefined when either is not an address PVE would take. */
function inside(ip: string, cidr: string): boolean | undefined {
  const [network = "", bits = ""] = cidr.split("/");
  const family = isIP(network);
  if (family === 0 || isIP(ip) !== family || !/^\d+$/.test(bits)) return undefined;
  const list = new BlockList();
  const type = family === 4 ? "ipv4" : "ipv6";
  list.addSubnet(network, Number(bits), type);
  return list.check(ip, type);
}

/**
 * PVE's subnet list names each subnet by its id (`zone-10.0.0.0-24`) under `subnet`, and the CIDR
 * the user gave under `cidr`: the field `subnet` (SDK `cidr`) is read from `cidr`, the id kept apart.
 * Preview refuses a gateway outside the subnet, as PVE does at apply (pve-network
 * `SubnetPlugin::on_update_hook`; only an IPv4 /32 may point outside).
 */
const sdnSubnetHooks: KindHooks = {
  check(news) {
    const { gateway, cidr } = news;
    if (typeof gateway !== "string" || typeof cidr !== "string") return [];
    const pointToPoint = isIP(gateway) === 4 && cidr.endsWith("/32");
    return inside(gateway, cidr) === false && !pointToPoint ? [{ property: "gateway", reason: `${gateway} is not in subnet ${cidr}` }] : [];
  },
  decodeRead(raw) {
    return { ...raw, "subnet-id": raw["subnet"], subnet: raw["cidr"] };
  },
};

const ITEM = "/cluster/sdn/vnets/{vnet}/subnets/{subnet}";

/** `sdn.Subnet`: a subnet of a vnet (`/cluster/sdn/vnets/{vnet}/subnets`). */
export const subnet = defineKind({
  namespace: "sdn",
  name: "Subnet",
  description:
    "A subnet of an SDN vnet. You give its CIDR (`10.0.0.0/24`); PVE names it `<zone>-<address>-<prefix>` " +
    "(e.g. `zonea-10.0.0.0-24`), the output `subnetId`. The Pulumi id is `<vnet>/<cidr>`; import accepts " +
    "`<vnet>/<cidr>` or `<vnet>/<PVE subnet id>`. Staged and applied like every SDN change (see `sdn.Zone`).",
  lifecycle: "collection",
  identity: ["vnet", "subnet"],
  create: { method: "POST", path: "/cluster/sdn/vnets/{vnet}/subnets", extra: { type: "subnet" } },
  // The item path wants PVE's id, which embeds the zone: the list is read and the id taken from it.
  read: {
    path: "/cluster/sdn/vnets/{vnet}/subnets",
    select: (item, id) => item["cidr"] === id["subnet"] || item["subnet"] === id["subnet"],
    address: { subnet: "subnet" },
  },
  update: { method: "PUT", path: ITEM },
  remove: { method: "DELETE", path: ITEM },
  exclude: ["type"],
  hooks: sdnSubnetHooks,
  commit: SDN_COMMIT,
  fields: {
    vnet: { doc: "The vnet (`sdn.Vnet`) of the subnet." },
    subnet: { sdkName: "cidr", doc: "The subnet in CIDR notation, e.g. `10.0.0.0/24` or `fd00::/64`." },
    gateway: { doc: "The gateway address inside the subnet." },
    snat: { doc: "Source-NAT traffic leaving the subnet (simple and evpn zones)." },
    "dhcp-range": { sdkName: "dhcpRanges", doc: "DHCP ranges, each `start-address=<ip>,end-address=<ip>`." },
    "dhcp-dns-server": { doc: "The DNS server handed out by DHCP." },
    dnszoneprefix: { sdkName: "dnsZonePrefix", doc: "A DNS zone prefix, e.g. `adm` for `<host>.adm.<dnszone>`." },
  },
  outputs: {
    subnetId: { pveName: "subnet-id", type: "string", doc: "PVE's id of the subnet, `<zone>-<address>-<prefix>`." },
    zone: { pveName: "zone", type: "string", doc: "The zone of the subnet's vnet." },
  },
});
