/**
 * Property-string formats of PVE's SDN that the vendored schema carries only by name, keyed by that
 * name. `pve-sdn-dhcp-range` (the items of a subnet's `dhcp-range`): pve-network
 * `src/PVE/Network/SDN/SubnetPlugin.pm` `$dhcp_range_fmt`. PVE declares both keys required and of
 * `type => 'ip'`, a type pve-common's `check_type` leaves unchecked ("no need to verify unknown
 * types"): the addresses are checked when the subnet is written (`validate_dhcp_ranges`: single IPs,
 * start before end, inside the subnet, no overlap), so here they are plain strings.
 */
import type { ApiPropertyKey } from "../pve-schema";

/** The SDN property-string formats by name. */
export const SDN_PROPERTY_FORMATS: Readonly<Record<string, Readonly<Record<string, ApiPropertyKey>>>> = {
  "pve-sdn-dhcp-range": {
    "start-address": { type: "string" },
    "end-address": { type: "string" },
  },
};
