import type { KindHooks } from ".";

/**
 * PVE's subnet list names each subnet by its id (`zone-10.0.0.0-24`) under `subnet`, and the CIDR
 * the user gave under `cidr`: the field `subnet` (SDK `cidr`) is read from `cidr`, the id kept apart.
 */
export const sdnSubnetHooks: KindHooks = {
  decodeRead(raw) {
    return { ...raw, "subnet-id": raw["subnet"], subnet: raw["cidr"] };
  },
};
