import { describe, expect, it } from "vitest";
import { fakeSim } from "./fake-context";
import { firewallModel } from "./firewall";

const sim = () => fakeSim([firewallModel()]);
type Rule = { pos: number; comment?: string; digest: string };
const comments = async (s: ReturnType<typeof sim>, template = "/cluster/firewall/rules", params = {}) =>
  ((await s.call("GET", template, params)) as Rule[]).map((r) => `${r.pos}:${r.comment}`);

async function seed(s: ReturnType<typeof sim>): Promise<void> {
  // Each POST without pos goes to the top, so C ends up first.
  for (const c of ["A", "B", "C"]) await s.call("POST", "/cluster/firewall/rules", { type: "in", action: "ACCEPT", comment: c });
}

describe("firewall rules", () => {
  it("inserts at the top by default and at pos when given", async () => {
    const s = sim();
    await seed(s);
    expect(await comments(s)).toEqual(["0:C", "1:B", "2:A"]);
    await s.call("POST", "/cluster/firewall/rules", { type: "out", action: "DROP", comment: "X", pos: 1 });
    expect(await comments(s)).toEqual(["0:C", "1:X", "2:B", "3:A"]);
  });

  it("moves with moveto exactly as PVE (before the rule that was at moveto)", async () => {
    const s = sim();
    await seed(s);
    await s.call("PUT", "/cluster/firewall/rules/{pos}", { pos: 0, moveto: 2 });
    expect(await comments(s)).toEqual(["0:B", "1:C", "2:A"]);
    await s.call("PUT", "/cluster/firewall/rules/{pos}", { pos: 2, moveto: 0 });
    expect(await comments(s)).toEqual(["0:A", "1:B", "2:C"]);
    await s.call("PUT", "/cluster/firewall/rules/{pos}", { pos: 0, moveto: 9 });
    expect(await comments(s)).toEqual(["0:B", "1:C", "2:A"]);
  });

  it("shifts the rest up on delete and enforces the list digest", async () => {
    const s = sim();
    await seed(s);
    const [first] = (await s.call("GET", "/cluster/firewall/rules")) as Rule[];
    await s.call("DELETE", "/cluster/firewall/rules/{pos}", { pos: 1, digest: first?.digest });
    expect(await comments(s)).toEqual(["0:C", "1:A"]);
    await expect(s.call("DELETE", "/cluster/firewall/rules/{pos}", { pos: 0, digest: first?.digest })).rejects.toMatchObject({
      status: 500, message: "detected modified configuration - file changed by other user? Try again.\n",
    });
    await expect(s.call("GET", "/cluster/firewall/rules/{pos}", { pos: 5 })).rejects.toMatchObject({ status: 500 });
    expect(s.locks).toContain("firewall-cluster");
  });

  it("updates fields with delete lists; node rules are per node under their own lock", async () => {
    const s = sim();
    await s.call("POST", "/nodes/{node}/firewall/rules", { node: "pve1", type: "in", action: "ACCEPT", dport: "22", comment: "ssh" });
    await s.call("PUT", "/nodes/{node}/firewall/rules/{pos}", { node: "pve1", pos: 0, enable: 1, delete: "comment" });
    expect(await s.call("GET", "/nodes/{node}/firewall/rules/{pos}", { node: "pve1", pos: 0 })).toMatchObject({ dport: "22", enable: 1, pos: 0 });
    expect(((await s.call("GET", "/nodes/{node}/firewall/rules/{pos}", { node: "pve1", pos: 0 })) as Rule).comment).toBeUndefined();
    expect(await s.call("GET", "/nodes/{node}/firewall/rules", { node: "pve2" })).toEqual([]);
    expect(s.locks).toContain("firewall-host-pve1");
  });

  it("security groups hold their own rules and refuse deletion while not empty", async () => {
    const s = sim();
    await s.call("POST", "/cluster/firewall/groups", { group: "web", comment: "web servers" });
    await s.call("POST", "/cluster/firewall/groups/{group}", { group: "web", type: "in", action: "ACCEPT", dport: "443", comment: "https" });
    expect(await comments(s, "/cluster/firewall/groups/{group}", { group: "web" })).toEqual(["0:https"]);
    await expect(s.call("DELETE", "/cluster/firewall/groups/{group}", { group: "web" })).rejects.toMatchObject({ status: 500 });
    await s.call("DELETE", "/cluster/firewall/groups/{group}/{pos}", { group: "web", pos: 0 });
    await s.call("DELETE", "/cluster/firewall/groups/{group}", { group: "web" });
    expect(await s.call("GET", "/cluster/firewall/groups")).toEqual([]);
    await expect(s.call("GET", "/cluster/firewall/groups/{group}", { group: "web" })).rejects.toMatchObject({ message: "no such security group 'web'\n" });
  });
});

describe("firewall objects and options", () => {
  it("aliases: create, rename, missing", async () => {
    const s = sim();
    await s.call("POST", "/cluster/firewall/aliases", { name: "LAN", cidr: "10.0.0.0/8" });
    await s.call("PUT", "/cluster/firewall/aliases/{name}", { name: "lan", cidr: "10.1.0.0/16", rename: "office" });
    expect(await s.call("GET", "/cluster/firewall/aliases/{name}", { name: "office" })).toMatchObject({ name: "office", cidr: "10.1.0.0/16" });
    await expect(s.call("GET", "/cluster/firewall/aliases/{name}", { name: "lan" })).rejects.toMatchObject({ message: "no such alias 'lan'\n" });
  });

  it("ipsets: entries with nomatch, not-empty guard and force", async () => {
    const s = sim();
    await s.call("POST", "/cluster/firewall/ipset", { name: "blocked" });
    await s.call("POST", "/cluster/firewall/ipset/{name}", { name: "blocked", cidr: "192.0.2.0/24", nomatch: 1 });
    expect(await s.call("GET", "/cluster/firewall/ipset/{name}/{cidr}", { name: "blocked", cidr: "192.0.2.0/24" })).toMatchObject({ nomatch: 1 });
    await expect(s.call("DELETE", "/cluster/firewall/ipset/{name}", { name: "blocked" })).rejects.toMatchObject({ message: "IPSet 'blocked' is not empty\n" });
    await s.call("DELETE", "/cluster/firewall/ipset/{name}", { name: "blocked", force: 1 });
    expect(await s.call("GET", "/cluster/firewall/ipset")).toEqual([]);
  });

  it("options: digest enforced, delete works; the node log has n/t lines", async () => {
    const s = sim();
    const { digest } = (await s.call("GET", "/cluster/firewall/options")) as { digest: string };
    await s.call("PUT", "/cluster/firewall/options", { enable: 1, digest, delete: "policy_out" });
    const now = (await s.call("GET", "/cluster/firewall/options")) as Record<string, unknown>;
    expect(now).toMatchObject({ enable: 1, policy_in: "DROP" });
    expect(now.policy_out).toBeUndefined();
    await expect(s.call("PUT", "/cluster/firewall/options", { enable: 0, digest })).rejects.toMatchObject({ status: 500 });
    await s.call("PUT", "/nodes/{node}/firewall/options", { node: "pve2", nftables: 1 });
    expect(await s.call("GET", "/nodes/{node}/firewall/options", { node: "pve2" })).toMatchObject({ enable: 1, nftables: 1 });
    const log = (await s.call("GET", "/nodes/{node}/firewall/log", { node: "pve1" })) as { n: number; t: string }[];
    expect(log[0]).toMatchObject({ n: 1, t: expect.stringContaining("pvefw logger") });
  });
});
