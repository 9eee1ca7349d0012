/**
 * PVE's named formats in `check`: a value PVE's schema validator would refuse at apply fails the
 * preview, naming the field and PVE's reason (the table in `schema/pve-formats.ts`, shared with
 * the simulator).
 */
import { describe, expect, it } from "vitest";
import { listFamily } from "../../schema/codecs/families";
import { definitionOf } from "../../schema/definitions";
import { check } from "../../provider/engine";
import { checkNamedFormat } from "../../schema/pve-formats";

type Def = ReturnType<typeof definitionOf>;

/** The check's failures by property. */
const failures = (def: Def, inputs: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(check(def, inputs).failures.map((f) => [f.property, f.reason]));

const subnet = definitionOf("sdn:Subnet");

describe("named formats in check", () => {
  it("refuses a subnet whose prefix or address PVE would not take, naming the field", () => {
    expect(failures(subnet, { vnet: "v", cidr: "10.0.0.0/33" })).toEqual({ cidr: "value does not look like a valid CIDR network" });
    expect(failures(subnet, { vnet: "v", cidr: "10.300.0.0/24" })).toEqual({ cidr: "value does not look like a valid CIDR network" });
    // pve_verify_cidrv4/v6 want a prefix above 7.
    expect(failures(subnet, { vnet: "v", cidr: "10.0.0.0/7" })).toEqual({ cidr: "value does not look like a valid CIDR network" });
    expect(failures(subnet, { vnet: "v", cidr: "fd00::/129" })).toEqual({ cidr: "value does not look like a valid CIDR network" });
  });

  it("takes valid IPv4 and IPv6 subnets", () => {
    expect(failures(subnet, { vnet: "v", cidr: "10.0.0.0/24", gateway: "10.0.0.1" })).toEqual({});
    expect(failures(subnet, { vnet: "v", cidr: "10.0.0.0/8" })).toEqual({});
    expect(failures(subnet, { vnet: "v", cidr: "fd00:1::/64", gateway: "fd00:1::1" })).toEqual({});
  });

  it("refuses a gateway and DHCP range addresses outside the subnet", () => {
    expect(failures(subnet, { vnet: "v", cidr: "10.0.0.0/24", gateway: "10.0.1.1" })).toEqual({ gateway: "10.0.1.1 is not in subnet 10.0.0.0/24" });
    const ranges = (startAddress: string, endAddress: string): Record<string, unknown> => ({
      vnet: "v",
      cidr: "10.0.0.0/24",
      dhcpRanges: [{ startAddress, endAddress }],
    });
    expect(failures(subnet, ranges("10.0.0.100", "10.0.1.5"))).toEqual({ "dhcpRanges.0": "end-address 10.0.1.5 is not in subnet 10.0.0.0/24" });
    expect(failures(subnet, ranges("10.1.0.1", "10.0.0.5"))).toEqual({ "dhcpRanges.0": "start-address 10.1.0.1 is not in subnet 10.0.0.0/24" });
    expect(failures(subnet, ranges("10.0.0.10", "10.0.0.20"))).toEqual({});
  });

  it("refuses a bad IP address and gateway with PVE's text", () => {
    expect(failures(subnet, { vnet: "v", cidr: "10.0.0.0/24", gateway: "10.0.0.256" })).toEqual({ gateway: "value does not look like a valid IP address" });
    const dns = definitionOf("node:Dns");
    expect(failures(dns, { node: "pve1", search: "example.com", dns1: "1.1.1" })["dns1"]).toBe("value does not look like a valid IP address");
    expect(failures(dns, { node: "pve1", search: "example.com", dns1: "fe80::1%eth0" })["dns1"]).toBe("value does not look like a valid IP address");
    expect(failures(dns, { node: "pve1", search: "example.com", dns1: "2001:db8::53" })["dns1"]).toBeUndefined();
  });

  it("refuses a multicast MAC address and a bad interface CIDR", () => {
    const zone = definitionOf("sdn:Zone");
    expect(failures(zone, { zone: "z1", type: "evpn", mac: "01:00:5e:00:00:01" })["mac"]).toBe("value does not look like a valid unicast MAC address");
    expect(failures(zone, { zone: "z1", type: "evpn", mac: "02:00:5e:00:00:01" })["mac"]).toBeUndefined();
    const iface = definitionOf("node:NetworkInterface");
    expect(failures(iface, { node: "pve1", iface: "vmbr1", type: "bridge", cidr: "192.168.1.0/40" })["cidr"]).toBe(
      "value does not look like a valid IPv4 CIDR network",
    );
  });

  it("checks a node name", () => {
    const dns = definitionOf("node:Dns");
    expect(failures(dns, { node: "-pve", search: "example.com" })["node"]).toBe("value does not look like a valid node name");
    expect(failures(dns, { node: "pve-1", search: "example.com" })["node"]).toBeUndefined();
  });

  it("checks each entry of a -list format", () => {
    // An ACL's user is one entry of PVE's `pve-userid-list`.
    const acl = definitionOf("access:Acl");
    expect(failures(acl, { path: "/", roleId: "PVEAuditor", userId: "no-realm" })["userId"]).toBe("value 'no-realm' does not look like a valid user name");
    expect(failures(acl, { path: "/", roleId: "Bad!Role", userId: "a@pve" })["roleId"]).toBe("role name 'Bad!Role' contains invalid characters");
    // A list field's entries, each of the list's format.
    const nodes = listFamily.shape({ format: "pve-node-list" }).schema;
    const parsed = nodes.safeParse(["pve1", "bad_node"]);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => [issue.path.join("."), issue.message])).toEqual([["1", "value does not look like a valid node name"]]);
    expect(nodes.safeParse(["pve1", "pve2"]).success).toBe(true);
    const emails = listFamily.shape({ format: "email-list" }).schema;
    expect(emails.safeParse(["admin@example.com", "not an email"]).success).toBe(false);
  });
});

describe("PVE's format table", () => {
  it("uses PVE's IPv4 and IPv6 patterns and CIDR prefix bounds", () => {
    expect(checkNamedFormat("ipv4", "10.300.0.0")).toBe("value does not look like a valid IPv4 address");
    expect(checkNamedFormat("ipv4", "010.0.0.1")).toBe("value does not look like a valid IPv4 address");
    expect(checkNamedFormat("ipv6", "::ffff:10.0.0.1")).toBeUndefined();
    expect(checkNamedFormat("CIDRv4", "10.0.0.0/32")).toBeUndefined();
    expect(checkNamedFormat("CIDRv4", "0.0.0.0/0")).toBe("value does not look like a valid IPv4 CIDR network");
    expect(checkNamedFormat("CIDRv6", "fd00::/8")).toBeUndefined();
    expect(checkNamedFormat("CIDRv6", "fd00::/7")).toBe("value does not look like a valid IPv6 CIDR network");
    // pve-firewall takes any prefix Net::IP takes.
    expect(checkNamedFormat("IPorCIDR", "0.0.0.0/0")).toBeUndefined();
    expect(checkNamedFormat("IPorCIDR", "10.0.0.0/33")).toBe("Prefix length 33 is longer than IP address (32)");
    expect(checkNamedFormat("IPorCIDRorAlias", "dc/myalias")).toBeUndefined();
  });

  it("needs parse_id's two characters and knows the formats the schema uses", () => {
    expect(checkNamedFormat("pve-storage-id", "a")).toBe("storage ID 'a' cannot be shorter than 2 characters");
    expect(checkNamedFormat("pve-storage-id", "a_")).toBe("storage ID 'a_' contains illegal characters");
    expect(checkNamedFormat("pve-sdn-subnet-id", "zone1-10.0.0.0-24")).toBeUndefined();
    expect(checkNamedFormat("pve-sdn-subnet-id", "zone1-10.0.0.0-33")).toBe("value does not look like a valid CIDR network");
    expect(checkNamedFormat("address", "pve.example.com")).toBeUndefined();
    expect(checkNamedFormat("address", "bad host")).toBe("value does not look like a valid address: bad host");
    expect(checkNamedFormat("disk-size", "32G")).toBeUndefined();
    expect(checkNamedFormat("disk-size", "32GB")).toBe("value does not look like a valid disk size: 32GB");
    expect(checkNamedFormat("urlencoded", "a%20b")).toBeUndefined();
    expect(checkNamedFormat("urlencoded", "a b")).toBe("invalid urlencoded string: a b");
    expect(checkNamedFormat("pve-bridge-id", "vmbr0")).toBeUndefined();
    expect(checkNamedFormat("pve-bridge-id", "vmbr 0")).toBe("invalid bridge ID 'vmbr 0'");
    expect(checkNamedFormat("acme-plugin-id", "x")).toBe("ACME plugin ID 'x' cannot be shorter than 2 characters");
    expect(checkNamedFormat("pve-ipv4-config", "dhcp")).toBeUndefined();
    expect(checkNamedFormat("pve-ipv4-config", "10.0.0.5/33")).toBe("value does not look like a valid ipv4 network configuration");
    expect(checkNamedFormat("pve-ipv6-config", "auto")).toBeUndefined();
    expect(checkNamedFormat("email-or-username", "a..b")).toBe("value does not look like a valid email address or user name");
    expect(checkNamedFormat("email-or-username", "a.b")).toBeUndefined();
    expect(checkNamedFormat("storage-pair-list", "local:other,1")).toBeUndefined();
    expect(checkNamedFormat("storage-pair-list", "local:x")).toBe("entry 'local:x' contains invalid ID - storage ID 'x' cannot be shorter than 2 characters");
    expect(checkNamedFormat("pve-tag-list", "prod;web")).toBeUndefined();
    expect(checkNamedFormat("pve-tag-list", "prod;-web")).toBe("invalid characters in tag");
    expect(checkNamedFormat("pve-startup-order", "order=2,up=30")).toBeUndefined();
    expect(checkNamedFormat("pve-startup-order", "first")).toBe("unable to parse startup options");
    expect(checkNamedFormat("email-opt", "")).toBeUndefined();
    expect(checkNamedFormat("no-such-format", "anything")).toBeUndefined();
  });
});
