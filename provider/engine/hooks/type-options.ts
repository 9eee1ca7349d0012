/**
 * Kinds whose `type` decides which options apply (SDN zones, controllers; the schema lists all
 * options flat): what each type requires, and options that only some types take. Tables are in
 * PVE names, from pve-network's `Zones/*Plugin.pm` and `Controllers/*Plugin.pm` `options()`.
 */
import type { CheckFailure, KindHooks } from ".";
import { toCamel } from "../../../schema/naming";
import type { Props } from "../values";

export interface TypeOptions {
  /** Per type, the options it cannot do without; `a|b` means either. */
  readonly required: Readonly<Record<string, readonly string[]>>;
  /** Options that only the listed types take. */
  readonly only: Readonly<Record<string, readonly string[]>>;
}

const isSet = (value: unknown): boolean => value !== undefined && value !== null;

/** A `check` hook from a type table; `what` names the object in messages (e.g. `zone`). */
export function typeOptionsHooks(what: string, table: TypeOptions): KindHooks {
  return {
    check(news: Props): CheckFailure[] {
      const type = news["type"];
      if (typeof type !== "string") return [];
      const failures: CheckFailure[] = [];
      for (const option of table.required[type] ?? []) {
        const alternatives = option.split("|");
        if (alternatives.some((pve) => isSet(news[toCamel(pve)]))) continue;
        failures.push({
          property: toCamel(alternatives[0] as string),
          reason: `a ${type} ${what} requires ${alternatives.map((pve) => `'${toCamel(pve)}'`).join(" or ")}`,
        });
      }
      for (const [option, types] of Object.entries(table.only)) {
        if (isSet(news[toCamel(option)]) && !types.includes(type)) {
          failures.push({ property: toCamel(option), reason: `is not an option of a ${type} ${what} (only of: ${types.join(", ")})` });
        }
      }
      return failures;
    },
  };
}

/** SDN zones (PVE 9.2). */
export const sdnZoneHooks = typeOptionsHooks("zone", {
  required: { vlan: ["bridge"], qinq: ["bridge", "tag"], vxlan: ["peers|fabric"], evpn: ["controller", "vrf-vxlan"] },
  only: {
    bridge: ["vlan", "qinq"],
    tag: ["qinq"],
    "vlan-protocol": ["qinq"],
    peers: ["vxlan"],
    fabric: ["vxlan", "evpn"],
    "vxlan-port": ["vxlan", "evpn"],
    controller: ["evpn"],
    "vrf-vxlan": ["evpn"],
    exitnodes: ["evpn"],
    "exitnodes-local-routing": ["evpn"],
    "exitnodes-primary": ["evpn"],
    "advertise-subnets": ["evpn"],
    "disable-arp-nd-suppression": ["evpn"],
    "rt-import": ["evpn"],
    mac: ["evpn"],
    "secondary-controllers": ["evpn"],
    "dp-id": ["faucet"],
  },
});

/** SDN controllers (PVE 9.2). */
export const sdnControllerHooks = typeOptionsHooks("controller", {
  required: { evpn: ["asn|fabric"], bgp: ["asn", "node", "peers"], isis: ["isis-domain", "isis-ifaces", "isis-net", "node"] },
  only: {
    "isis-domain": ["isis"],
    "isis-ifaces": ["isis"],
    "isis-net": ["isis"],
    ebgp: ["bgp"],
    "ebgp-multihop": ["bgp"],
    "bgp-multipath-as-path-relax": ["bgp"],
    loopback: ["bgp"],
  },
});

/** SDN IPAMs (PVE 9.2): netbox and phpIPAM reach an external API. */
export const sdnIpamHooks = typeOptionsHooks("IPAM", {
  required: { netbox: ["url", "token"], phpipam: ["url", "token", "section"] },
  only: { url: ["netbox", "phpipam"], token: ["netbox", "phpipam"], section: ["phpipam"], fingerprint: ["netbox", "phpipam"] },
});
