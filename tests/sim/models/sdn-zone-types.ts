/** Required options per SDN zone and controller type (pve-network `Zones/*Plugin.pm`, `Controllers/*`). */

/** Options a zone of each type cannot be created without; `|` means either will do. */
export const ZONE_REQUIRED: Readonly<Record<string, readonly string[]>> = {
  simple: [],
  vlan: ["bridge"],
  qinq: ["bridge", "tag"],
  vxlan: ["peers|fabric"],
  evpn: ["controller", "vrf-vxlan"],
  faucet: [],
};

/** Options a controller of each type cannot be created without. */
export const CONTROLLER_REQUIRED: Readonly<Record<string, readonly string[]>> = {
  evpn: ["asn|fabric"],
  bgp: ["asn", "node", "peers"],
  isis: ["isis-domain", "isis-ifaces", "isis-net", "node"],
  faucet: [],
};

/** The first required option (alternatives joined by `|`) missing from `record`, if any. */
export function missingRequired(required: readonly string[] | undefined, record: Readonly<Record<string, unknown>>): string | undefined {
  return (required ?? []).find((option) => option.split("|").every((key) => record[key] === undefined));
}
