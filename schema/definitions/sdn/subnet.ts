import { defineKind } from "../../define";
import { SDN_COMMIT } from "./commit";
import { BlockList, isIP } from "node:net";
import type { CheckFailure, KindHooks } from "../../hooks";

/** Whether `ip` lies in `cidr`; undefined when either is not an address PVE would take. */
function inside(ip: string, cidr: string): boolean | undefined {
  const [network = "", bits = ""] = cidr.split("/");
  const family = isIP(network);
  // A prefix longer than the address is the format check's to refuse (BlockList would throw on it).
  if (family === 0 || isIP(ip) !== family || !/^\d+$/.test(bits) || Number(bits) > (family === 4 ? 32 : 128)) return undefined;
  const list = new BlockList();
  const type = family === 4 ? "ipv4" : "ipv6";
  list.addSubnet(network, Number(bits), type);
  return list.check(ip, type);
}

/** The addresses of a DHCP range, by PVE's key: an SDK object (`startAddress`) or PVE's `start-address=<ip>,end-address=<ip>`. */
function rangeAddresses(range: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof range === "object" && range !== null && !Array.isArray(range)) {
    const { startAddress, endAddress } = range as Record<string, unknown>;
    if (typeof startAddress === "string") out["start-address"] = startAddress;
    if (typeof endAddress === "string") out["end-address"] = endAddress;
    return out;
  }
  if (typeof range !== "string") return out;
  for (const part of range.split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

/** A DHCP range's addresses outside the subnet, with PVE's texts (`SubnetPlugin::validate_dhcp_ranges`). */
function rangeFailures(ranges: unknown, cidr: string): CheckFailure[] {
  if (!Array.isArray(ranges)) return [];
  const failures: CheckFailure[] = [];
  ranges.forEach((range: unknown, i) => {
    const addresses = rangeAddresses(range);
    // PVE stops at the first address outside; so does the check, per range.
    const outside = ["start-address", "end-address"].find((key) => {
      const address = addresses[key];
      return address !== undefined && inside(address, cidr) === false;
    });
    if (outside) failures.push({ property: `dhcpRanges.${i}`, reason: `${outside} ${addresses[outside] ?? ""} is not in subnet ${cidr}` });
  });
  return failures;
}

/**
 * PVE's subnet list names each subnet by its id (`zone-10.0.0.0-24`) under `subnet`, and the CIDR
 * the user gave under `cidr`: the field `subnet` (SDK `cidr`) is read from `cidr`, the id kept apart.
 * Preview refuses a gateway or a DHCP range address outside the subnet, as PVE does at apply
 * (pve-network `SubnetPlugin::on_update_hook` and `validate_dhcp_ranges`; only an IPv4 /32 may
 * have its gateway outside).
 */
const sdnSubnetHooks: KindHooks = {
  check(news) {
    const { gateway, cidr } = news;
    if (typeof cidr !== "string") return [];
    const failures = rangeFailures(news["dhcpRanges"], cidr);
    if (typeof gateway !== "string") return failures;
    const pointToPoint = isIP(gateway) === 4 && cidr.endsWith("/32");
    if (inside(gateway, cidr) === false && !pointToPoint) failures.unshift({ property: "gateway", reason: `${gateway} is not in subnet ${cidr}` });
    return failures;
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
    "dhcp-range": {
      sdkName: "dhcpRanges",
      doc:
        'The range of addresses DHCP hands out, inside the subnet: `[{ startAddress: "10.0.0.100", endAddress: "10.0.0.200" }]`. ' +
        "One range for now (several would need repeated parameters, which the provider does not send yet).",
    },
    "dhcp-dns-server": { doc: "The DNS server handed out by DHCP." },
    dnszoneprefix: { sdkName: "dnsZonePrefix", doc: "A DNS zone prefix, e.g. `adm` for `<host>.adm.<dnszone>`." },
  },
  outputs: {
    subnetId: { pveName: "subnet-id", type: "string", doc: "PVE's id of the subnet, `<zone>-<address>-<prefix>`." },
    zone: { pveName: "zone", type: "string", doc: "The zone of the subnet's vnet." },
  },
});
