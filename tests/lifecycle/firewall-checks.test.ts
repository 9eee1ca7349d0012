/** Preview checks of the firewall kinds against pve-firewall's facts (schema/facts/firewall.ts). */
import { describe, expect, it } from "vitest";
import { definitionOf } from "../../schema/definitions";
import { check } from "../../provider/engine";
import { nearest } from "../../schema/nearest";

const reasons = (kind: string, inputs: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(check(definitionOf(kind), inputs).failures.map((f) => [f.property, f.reason]));
const rule = (extra: Record<string, unknown>) => ({ comment: "r", type: "in", action: "ACCEPT", ...extra });

describe("firewall rule checks", () => {
  it("accepts what verify_rule accepts", () => {
    expect(reasons("firewall:ClusterRule", rule({ macro: "SSH", source: "10.0.0.0/8" }))).toEqual({});
    expect(reasons("firewall:NodeRule", rule({ node: "pve1", proto: "tcp", dport: "80,443" }))).toEqual({});
    expect(reasons("firewall:ClusterRule", rule({ proto: "6", dport: "22" }))).toEqual({});
    expect(reasons("firewall:ClusterRule", rule({ proto: "icmp", dport: "echo-request" }))).toEqual({});
    expect(reasons("firewall:ClusterRule", rule({ type: "group", action: "webservers" }))).toEqual({});
  });

  it("names the field and the nearest valid value", () => {
    expect(reasons("firewall:ClusterRule", rule({ action: "ACCPET" }))).toEqual({
      action: "unknown action 'ACCPET': in rules take ACCEPT, DROP or REJECT (did you mean 'ACCEPT'?)",
    });
    expect(reasons("firewall:ClusterRule", rule({ macro: "SHH" }))).toEqual({ macro: "unknown macro 'SHH' (did you mean 'SSH'?)" });
    expect(reasons("firewall:ClusterRule", rule({ macro: "https" }))).toEqual({
      macro: "PVE stores this macro as 'HTTPS': write it so, or every refresh shows a change",
    });
    expect(reasons("firewall:ClusterRule", rule({ proto: "TCP" }))).toEqual({
      proto: "unknown protocol 'TCP': a name or number of /etc/protocols (did you mean 'tcp'?)",
    });
    expect(reasons("firewall:ClusterRule", rule({ proto: "250" }))).toMatchObject({ proto: expect.stringMatching(/^unknown protocol '250'/) });
    expect(reasons("firewall:ClusterRule", rule({ type: "forward", action: "REJECT" }))).toMatchObject({
      action: expect.stringMatching(/forward rules cannot REJECT/),
    });
    expect(reasons("firewall:ClusterRule", rule({ dport: "22" }))).toEqual({ proto: "is required with dport" });
    expect(reasons("firewall:ClusterRule", rule({ proto: "icmp", sport: "1" }))).toEqual({ sport: "protocol 'icmp' does not support ports" });
    expect(reasons("firewall:SecurityGroupRule", rule({ group: "web", type: "group", action: "other" }))).toMatchObject({
      type: expect.stringMatching(/cannot include a security group/),
    });
  });

  it("suggests only near values", () => {
    expect(nearest("ACCPET", ["ACCEPT", "DROP", "REJECT"])).toBe("ACCEPT");
    expect(nearest("teleport", ["SSH", "HTTP"])).toBeUndefined();
  });
});

describe("firewall object checks: what PVE would store differently", () => {
  it("aliases without /32, IP set entries without host bits, names in lower case", () => {
    expect(reasons("firewall:Alias", { name: "gw", cidr: "10.0.0.1/32" })).toEqual({
      cidr: "PVE stores a single address without '/32': write '10.0.0.1', or every refresh shows a change",
    });
    expect(reasons("firewall:Alias", { name: "net", cidr: "10.0.0.5/24" })).toEqual({});
    expect(reasons("firewall:IpSetEntry", { ipSet: "set1", cidr: "10.0.0.5/24" })).toEqual({
      cidr: "has host bits set: PVE stores the network address of this /24, write that",
    });
    expect(reasons("firewall:IpSetEntry", { ipSet: "set1", cidr: "fd00::1/128" })).toMatchObject({
      cidr: expect.stringMatching(/without '\/128': write 'fd00::1'/),
    });
    expect(reasons("firewall:IpSetEntry", { ipSet: "set1", cidr: "fd00:1::/64" })).toEqual({});
    expect(reasons("firewall:IpSetEntry", { ipSet: "set1", cidr: "10.0.0.0/24" })).toEqual({});
    expect(reasons("firewall:IpSet", { name: "Web" })).toEqual({
      name: "PVE reads IP set names back in lower case, so it would not find 'Web' again: write 'web'",
    });
    expect(reasons("firewall:SecurityGroup", { group: "Web" })).toMatchObject({ group: expect.stringMatching(/would not find 'Web' again/) });
  });
});
