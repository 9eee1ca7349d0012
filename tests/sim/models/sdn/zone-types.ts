/**
 * Required options per SDN zone and controller type: the options each plugin's `options()` marks
 * `optional => 0` (pve-network `Zones/*Plugin.pm`, `Controllers/*Plugin.pm`), which
 * `SectionConfig::check_config` demands on create. "Exactly one of peers / fabric" (VXLAN zones,
 * EVPN controllers) is the plugins' `on_update_hook`, modelled in `index.ts`.
 */

/** Options a zone of each type cannot be created without. */
export const ZONE_REQUIRED: Readonly<Record<string, readonly string[]>> = {
  simple: [],
  vlan: ["bridge"],
  qinq: ["bridge", "tag"],
  vxlan: [],
  evpn: ["controller", "vrf-vxlan"],
  faucet: ["dp-id", "controller"],
};

/** Options a controller of each type cannot be created without. */
export const CONTROLLER_REQUIRED: Readonly<Record<string, readonly string[]>> = {
  evpn: ["asn"],
  bgp: ["node", "asn", "peers"],
  isis: ["isis-domain", "isis-net", "isis-ifaces", "node"],
  faucet: [],
};
