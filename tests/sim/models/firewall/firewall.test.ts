/** The firewall model against pve-firewall's handlers (see the models' headers). */
import { describe, expect, it } from "vitest";
import { fakeSim } from "../fake-context";
import { firewallModel } from ".";

const sim = () => fakeSim([firewallModel()]);
type Rule = Record<string, unknown> & { pos: number; comment?: string; digest: string };
const comments = async (s: ReturnType<typeof sim>, template = "/cluster/firewall/rules", params = {}) =>
  ((await s.call("GET", template, params)) as Rule[]).map((r) => `${r.pos}:${r.comment}`);

async function seed(s: ReturnType<typeof sim>): Promise<void> {
  // Each POST goes to the top, so C ends up first.
  for (const c of ["A", "B", "C"]) await s.call("POST", "/cluster/firewall/rules", { type: "in", action: "ACCEPT", comment: c });
}

describe("firewall rules (API2/Firewall/Rules.pm)", () => {
  it("inserts every new rule at the top: pos and digest are ignored on create", async () => {
    const s = sim();
    await seed(s);
    expect(await comments(s)).toEqual(["0:C", "1:B", "2:A"]);
    await s.call("POST", "/cluster/firewall/rules", { type: "out", action: "DROP", comment: "X", pos: 2, digest: "0000000000000000000000000000000000000000" });
    expect(await comments(s)).toEqual(["0:X", "1:C", "2:B", "3:A"]);
    const created = (await s.call("GET", "/cluster/firewall/rules/{pos}", { pos: 0 })) as Rule;
    expect(created).toMatchObject({ type: "out", action: "DROP", enable: 0, pos: 0 });
    expect(created).not.toHaveProperty("digest", "0000000000000000000000000000000000000000");
  });

  it("moves with moveto exactly as PVE (before the rule that was at moveto); moveto = pos updates instead", async () => {
    const s = sim();
    await seed(s);
    await s.call("PUT", "/cluster/firewall/rules/{pos}", { pos: 0, moveto: 2, comment: "ignored" });
    expect(await comments(s)).toEqual(["0:B", "1:C", "2:A"]);
    await s.call("PUT", "/cluster/firewall/rules/{pos}", { pos: 2, moveto: 0 });
    expect(await comments(s)).toEqual(["0:A", "1:B", "2:C"]);
    await s.call("PUT", "/cluster/firewall/rules/{pos}", { pos: 0, moveto: 9 });
    expect(await comments(s)).toEqual(["0:B", "1:C", "2:A"]);
    await s.call("PUT", "/cluster/firewall/rules/{pos}", { pos: 1, moveto: 1, comment: "c2" });
    expect(await comments(s)).toEqual(["0:B", "1:c2", "2:A"]);
  });

  it("shifts the rest up on delete and enforces the list digest", async () => {
    const s = sim();
    await seed(s);
    const [first] = (await s.call("GET", "/cluster/firewall/rules")) as Rule[];
    await s.call("DELETE", "/cluster/firewall/rules/{pos}", { pos: 1, digest: first?.digest });
    expect(await comments(s)).toEqual(["0:C", "1:A"]);
    await expect(s.call("DELETE", "/cluster/firewall/rules/{pos}", { pos: 0, digest: first?.digest })).rejects.toMatchObject({
      status: 500,
      message: "detected modified configuration - file changed by other user? Try again.\n",
    });
    await expect(s.call("GET", "/cluster/firewall/rules/{pos}", { pos: 5 })).rejects.toMatchObject({ status: 500, message: "no rule at position 5\n" });
    expect(s.locks).toContain("firewall-cluster");
  });

  it("verify_rule refuses unknown actions, macros and protocols with PVE's texts (a real 400)", async () => {
    const s = sim();
    const refused = (params: Record<string, unknown>) => s.call("POST", "/cluster/firewall/rules", { type: "in", action: "ACCEPT", ...params });
    await expect(refused({ action: "ACCPET" })).rejects.toMatchObject({
      status: 400,
      message: "Parameter verification failed.\n",
      errors: { action: "unknown action 'ACCPET'" },
    });
    await expect(refused({ macro: "SHH" })).rejects.toMatchObject({ status: 400, errors: { macro: "unknown macro 'SHH'" } });
    await expect(refused({ proto: "tpc", dport: "22" })).rejects.toMatchObject({ status: 400, errors: { proto: "unknown protocol 'tpc'" } });
    await expect(refused({ proto: "TCP" })).rejects.toMatchObject({ errors: { proto: "unknown protocol 'TCP'" } });
    await expect(refused({ type: "forward", action: "REJECT" })).rejects.toMatchObject({ errors: { action: "cannot define REJECT rules on forward chain" } });
    await expect(refused({ dport: "22" })).rejects.toMatchObject({ errors: { proto: "missing property - 'dport' requires this property" } });
    await expect(refused({ proto: "icmp", sport: "22" })).rejects.toMatchObject({ errors: { sport: "protocol 'icmp' does not support ports" } });
    await expect(refused({ proto: "tcp", dport: "90:80" })).rejects.toMatchObject({
      errors: { dport: "backwards range '90:80' not allowed, did you mean '80:90'?" },
    });
    await expect(refused({ macro: "SSH", dport: "2222" })).rejects.toMatchObject({ errors: { proto: "missing property - 'dport' requires this property" } });
    await expect(refused({ macro: "SSH", proto: "tcp", dport: "2222" })).rejects.toMatchObject({
      errors: { dport: "parameter 'dport' already define in macro (value = '22')" },
    });
    await expect(refused({ source: "+nope" })).rejects.toMatchObject({ errors: { source: "no such ipset 'nope'" } });
    await expect(refused({ source: "10.0.0.1", dest: "fd00::1" })).rejects.toMatchObject({ errors: { dest: "detected mixed ipv4/ipv6 addresses in rule" } });
    await expect(s.call("POST", "/cluster/firewall/groups", { group: "web" })).resolves.toBeNull();
    await expect(s.call("POST", "/cluster/firewall/groups/{group}", { group: "web", type: "group", action: "other" })).rejects.toMatchObject({
      errors: { type: "invalid rule type 'group' for rule_env 'group'" },
    });
    expect(await s.call("GET", "/cluster/firewall/rules")).toEqual([]);
  });

  it("stores the macro's preferred spelling, numbers as protocols, and the rule's IP version", async () => {
    const s = sim();
    await s.call("POST", "/cluster/firewall/rules", { type: "in", action: "ACCEPT", macro: "ssh", source: "10.0.0.0/8" });
    await s.call("POST", "/cluster/firewall/rules", { type: "in", action: "DROP", proto: "6", dport: "80" });
    const [numbered, ssh] = (await s.call("GET", "/cluster/firewall/rules")) as Rule[];
    expect(ssh).toMatchObject({ macro: "SSH", ipversion: 4 });
    expect(numbered).toMatchObject({ proto: "6", dport: "80" });
    expect(numbered).not.toHaveProperty("ipversion");
  });

  it("updates with copy_rule_data ('' removes) and delete lists; node rules are per node under their own lock", async () => {
    const s = sim();
    await s.call("POST", "/nodes/{node}/firewall/rules", {
      node: "pve1",
      type: "in",
      action: "ACCEPT",
      proto: "tcp",
      dport: "22",
      comment: "ssh",
      log: "info",
    });
    await s.call("PUT", "/nodes/{node}/firewall/rules/{pos}", { node: "pve1", pos: 0, enable: 1, delete: "comment", log: "" });
    const rule = (await s.call("GET", "/nodes/{node}/firewall/rules/{pos}", { node: "pve1", pos: 0 })) as Rule;
    expect(rule).toMatchObject({ dport: "22", enable: 1, pos: 0 });
    expect([rule.comment, rule.log]).toEqual([undefined, undefined]);
    await expect(s.call("PUT", "/nodes/{node}/firewall/rules/{pos}", { node: "pve1", pos: 0, delete: "action" })).rejects.toMatchObject({
      status: 400,
      errors: { delete: "unable to delete required property 'action'" },
    });
    expect(await s.call("GET", "/nodes/{node}/firewall/rules", { node: "pve2" })).toEqual([]);
    expect(s.locks).toContain("firewall-host-pve1");
  });

  it("security groups hold their own rules and refuse deletion while not empty", async () => {
    const s = sim();
    await s.call("POST", "/cluster/firewall/groups", { group: "web", comment: "web servers" });
    await s.call("POST", "/cluster/firewall/groups/{group}", { group: "web", type: "in", action: "ACCEPT", proto: "tcp", dport: "443", comment: "https" });
    expect(await comments(s, "/cluster/firewall/groups/{group}", { group: "web" })).toEqual(["0:https"]);
    await expect(s.call("DELETE", "/cluster/firewall/groups/{group}", { group: "web" })).rejects.toMatchObject({
      status: 500,
      message: "Security group 'web' is not empty\n",
    });
    await expect(s.call("POST", "/cluster/firewall/groups", { group: "web" })).rejects.toMatchObject({
      status: 400,
      errors: { group: "Security group 'web' already exists" },
    });
    await s.call("DELETE", "/cluster/firewall/groups/{group}/{pos}", { group: "web", pos: 0 });
    await s.call("DELETE", "/cluster/firewall/groups/{group}", { group: "web" });
    expect(await s.call("GET", "/cluster/firewall/groups")).toEqual([]);
    await expect(s.call("GET", "/cluster/firewall/groups/{group}", { group: "web" })).rejects.toMatchObject({ message: "no such security group 'web'\n" });
  });

  it("group and IP set names are lowercased when cluster.fw is read back: a name with capitals is not found again", async () => {
    const s = sim();
    await s.call("POST", "/cluster/firewall/groups", { group: "Web" });
    expect(((await s.call("GET", "/cluster/firewall/groups")) as Rule[]).map((g) => g.group)).toEqual(["web"]);
    await expect(s.call("GET", "/cluster/firewall/groups/{group}", { group: "Web" })).rejects.toMatchObject({ message: "no such security group 'Web'\n" });
    await s.call("POST", "/cluster/firewall/ipset", { name: "Blocked" });
    await expect(s.call("GET", "/cluster/firewall/ipset/{name}", { name: "Blocked" })).rejects.toMatchObject({ message: "no such IPSet 'Blocked'\n" });
  });
});

describe("firewall objects and options", () => {
  it("aliases: case-insensitive names kept as written, cidr read back without /32, 400s for duplicates and missing", async () => {
    const s = sim();
    await s.call("POST", "/cluster/firewall/aliases", { name: "LAN", cidr: "10.0.0.0/8", comment: "" });
    await s.call("POST", "/cluster/firewall/aliases", { name: "gw", cidr: "10.0.0.1/32" });
    expect(await s.call("GET", "/cluster/firewall/aliases/{name}", { name: "lan" })).toEqual({ name: "LAN", cidr: "10.0.0.0/8", ipversion: 4 });
    expect(await s.call("GET", "/cluster/firewall/aliases/{name}", { name: "GW" })).toEqual({ name: "gw", cidr: "10.0.0.1", ipversion: 4 });
    await expect(s.call("POST", "/cluster/firewall/aliases", { name: "lan", cidr: "10.9.0.0/16" })).rejects.toMatchObject({
      status: 400,
      errors: { name: "alias 'lan' already exists" },
    });
    await s.call("PUT", "/cluster/firewall/aliases/{name}", { name: "lan", cidr: "10.1.0.0/16", rename: "office" });
    expect(await s.call("GET", "/cluster/firewall/aliases/{name}", { name: "office" })).toEqual({ name: "office", cidr: "10.1.0.0/16", ipversion: 4 });
    await expect(s.call("GET", "/cluster/firewall/aliases/{name}", { name: "lan" })).rejects.toMatchObject({ status: 400, errors: { name: "no such alias" } });
    await expect(s.call("DELETE", "/cluster/firewall/aliases/{name}", { name: "lan" })).resolves.toBeNull();
  });

  it("ipsets: entries normalized and inserted first, duplicates refused, update replaces nomatch and comment", async () => {
    const s = sim();
    await s.call("POST", "/cluster/firewall/ipset", { name: "blocked", comment: "bad" });
    await expect(s.call("POST", "/cluster/firewall/ipset", { name: "blocked" })).rejects.toMatchObject({
      status: 400,
      errors: { name: "IPSet 'blocked' already exists" },
    });
    await s.call("POST", "/cluster/firewall/ipset/{name}", { name: "blocked", cidr: "192.0.2.7/24", nomatch: 1, comment: "net" });
    await s.call("POST", "/cluster/firewall/ipset/{name}", { name: "blocked", cidr: "198.51.100.9/32" });
    expect(((await s.call("GET", "/cluster/firewall/ipset/{name}", { name: "blocked" })) as Rule[]).map((e) => e.cidr)).toEqual([
      "198.51.100.9",
      "192.0.2.0/24",
    ]);
    await expect(s.call("POST", "/cluster/firewall/ipset/{name}", { name: "blocked", cidr: "192.0.2.0/24" })).rejects.toMatchObject({
      status: 400,
      errors: { cidr: "address '192.0.2.0/24' already exists" },
    });
    await expect(s.call("GET", "/cluster/firewall/ipset/{name}/{cidr}", { name: "blocked", cidr: "192.0.2.7/24" })).rejects.toMatchObject({
      status: 400,
      errors: { cidr: "no such IP/Network" },
    });
    await s.call("PUT", "/cluster/firewall/ipset/{name}/{cidr}", { name: "blocked", cidr: "192.0.2.0/24", comment: "kept" });
    const entry = (await s.call("GET", "/cluster/firewall/ipset/{name}/{cidr}", { name: "blocked", cidr: "192.0.2.0/24" })) as Rule;
    expect(entry).toMatchObject({ cidr: "192.0.2.0/24", comment: "kept" });
    expect(entry).not.toHaveProperty("nomatch");
    await expect(s.call("DELETE", "/cluster/firewall/ipset/{name}", { name: "blocked" })).rejects.toMatchObject({ message: "IPSet 'blocked' is not empty\n" });
    await s.call("DELETE", "/cluster/firewall/ipset/{name}", { name: "blocked", force: 1 });
    expect(await s.call("GET", "/cluster/firewall/ipset")).toEqual([]);
  });

  it("options: empty on a fresh cluster, digest enforced, unknown deletes refused, enable as PVE stores it; the node log has n/t lines", async () => {
    const s = sim();
    const fresh = (await s.call("GET", "/cluster/firewall/options")) as Record<string, unknown>;
    expect(Object.keys(fresh)).toEqual(["digest"]);
    await s.call("PUT", "/cluster/firewall/options", { enable: 1, policy_in: "DROP", policy_out: "ACCEPT", digest: fresh.digest });
    await s.call("PUT", "/cluster/firewall/options", { delete: "policy_out" });
    const now = (await s.call("GET", "/cluster/firewall/options")) as Record<string, unknown>;
    expect(now).toMatchObject({ enable: 1, policy_in: "DROP" });
    expect(now.policy_out).toBeUndefined();
    await expect(s.call("PUT", "/cluster/firewall/options", { enable: 0, digest: fresh.digest })).rejects.toMatchObject({ status: 500 });
    await expect(s.call("PUT", "/cluster/firewall/options", { delete: "bogus" })).rejects.toMatchObject({
      status: 400,
      errors: { delete: "no such option 'bogus'" },
    });
    await s.call("PUT", "/nodes/{node}/firewall/options", { node: "pve2", nftables: 1, enable: 1 });
    expect(await s.call("GET", "/nodes/{node}/firewall/options", { node: "pve2" })).toMatchObject({ enable: 1, nftables: 1 });
    expect(Object.keys((await s.call("GET", "/nodes/{node}/firewall/options", { node: "pve1" })) as object)).toEqual(["digest"]);
    const log = (await s.call("GET", "/nodes/{node}/firewall/log", { node: "pve1" })) as { n: number; t: string }[];
    expect(log[0]).toMatchObject({ n: 1, t: expect.stringContaining("pvefw logger") });
  });
});
