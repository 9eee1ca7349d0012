import { BlockList, isIP } from "node:net";
import type { KindHooks } from ".";

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
export const sdnSubnetHooks: KindHooks = {
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
