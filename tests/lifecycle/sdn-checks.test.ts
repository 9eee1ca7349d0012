/** Preview checks of the SDN kinds that follow pve-network's own refusals (see the simulator's sdn.ts). */
import { describe, expect, it } from "vitest";
import { definitionOf } from "../../schema/definitions";
import { check, diff } from "../../provider/engine";

const subnet = definitionOf("sdn:Subnet");
const controller = definitionOf("sdn:Controller");
const zone = definitionOf("sdn:Zone");

const failures = (def: typeof subnet, inputs: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(check(def, inputs).failures.map((f) => [f.property, f.reason]));

describe("SDN preview checks", () => {
  it("a subnet's gateway must lie inside it (an IPv4 /32 may point outside)", () => {
    expect(failures(subnet, { vnet: "v", cidr: "10.1.0.0/24", gateway: "10.2.0.1" })).toEqual({ gateway: "10.2.0.1 is not in subnet 10.1.0.0/24" });
    expect(failures(subnet, { vnet: "v", cidr: "10.1.0.0/24", gateway: "10.1.0.254" })).toEqual({});
    expect(failures(subnet, { vnet: "v", cidr: "10.1.0.5/32", gateway: "192.0.2.1" })).toEqual({});
    expect(failures(subnet, { vnet: "v", cidr: "fd00:1::/64", gateway: "fd00:2::1" })).toEqual({ gateway: "fd00:2::1 is not in subnet fd00:1::/64" });
  });

  it("an EVPN controller needs asn and peers or fabric; a faucet zone needs dp-id and a controller", () => {
    expect(failures(controller, { controller: "ev", type: "evpn", asn: 65000 })).toEqual({ peers: "(or fabric) is required for type 'evpn'" });
    expect(failures(controller, { controller: "ev", type: "evpn", peers: ["10.0.0.1"] })).toEqual({ asn: "is required for type 'evpn'" });
    expect(failures(zone, { zone: "fc", type: "faucet", dpId: 1 })).toEqual({ controller: "is required for type 'faucet'" });
  });

  it("a controller is replaced by deleting the old one first: PVE allows one EVPN controller", () => {
    const olds = { controller: "ev1", type: "evpn", asn: 65000, peers: ["10.0.0.1"] };
    expect(diff(controller, olds, { ...olds, controller: "ev2" })).toMatchObject({ replaces: ["controller"], deleteBeforeReplace: true });
  });
});
