import { describe, expect, it } from "vitest";
import { type Declared, newStack, stepsOf } from "./harness";
import { firewallScenarios, posOf } from "./firewall-scenarios";
import { runScenario } from "./run-scenario";

describe.each(firewallScenarios.map((s) => [`${s.namespace}.${s.kind}`, s] as const))("%s through the local engine", (_name, scenario) => {
  it("creates, previews no change, updates, replaces, refreshes drift, adopts and destroys", async () => {
    await runScenario("firewall", scenario);
  }, 240_000);
});

describe("preview checks rules against PVE's verify_rule", () => {
  it.each([
    ["an action typo", { action: "ACCPET" }, "action", /unknown action 'ACCPET'.*did you mean 'ACCEPT'/],
    ["a macro typo", { macro: "SHH" }, "macro", /unknown macro 'SHH' \(did you mean 'SSH'\?\)/],
    ["a macro in another spelling", { macro: "ssh" }, "macro", /PVE stores this macro as 'SSH'/],
    ["a protocol /etc/protocols does not list", { proto: "tpc", dport: "22" }, "proto", /unknown protocol 'tpc'.*did you mean 'tcp'/],
    ["REJECT on a forward rule", { type: "forward", action: "REJECT" }, "action", /forward rules cannot REJECT/],
  ])(
    "refuses %s, naming the field; nothing is written",
    async (_what, args, property, reason) => {
      const stack = await newStack("firewall");
      try {
        const result = await stack.preview([
          { namespace: "firewall", kind: "ClusterRule", name: "r", args: { comment: "r", type: "in", action: "ACCEPT", ...args } },
        ]);
        expect(result.ok).toBe(false);
        const failures = result.steps.find((s) => s.name === "r")?.failures ?? [];
        expect(failures.find((f) => f.property === property)?.reason, JSON.stringify(failures)).toMatch(reason);
        expect(await stack.admin.get<unknown[]>("/cluster/firewall/rules")).toEqual([]);
      } finally {
        await stack.close();
      }
    },
    120_000,
  );
});

describe("firewall rules whose positions shift", () => {
  it("a rule inserted by hand above managed rules causes no drift, and updates and deletes hit the right rules", async () => {
    const stack = await newStack("firewall");
    const { admin } = stack;
    const list = "/nodes/pve1/firewall/rules";
    try {
      const rule = (name: string, comment: string, action: string, dependsOn: string[]): Declared => ({
        namespace: "firewall",
        kind: "NodeRule",
        name,
        args: { node: "pve1", comment, type: "in", action, macro: "SSH" },
        dependsOn,
      });
      const managed = [rule("a", "managed-a", "ACCEPT", []), rule("b", "managed-b", "ACCEPT", ["a"]), rule("c", "managed-c", "ACCEPT", ["b"])];
      expect((await stack.up(managed)).ok).toBe(true);

      // By hand: one rule on top, one moved between the managed ones (PVE inserts at the top, whatever `pos` says).
      await admin.post(list, { type: "in", action: "DROP", macro: "HTTP", comment: "by-hand-top" });
      await admin.post(list, { type: "in", action: "DROP", macro: "DNS", comment: "by-hand-middle", pos: 2 });
      await admin.put(`${list}/0`, { moveto: 3 });
      const before = await admin.get<Array<Record<string, unknown>>>(list);
      expect(before.map((r) => r["comment"])).toEqual(["by-hand-top", "managed-c", "by-hand-middle", "managed-b", "managed-a"]);

      const refreshed = await stack.refresh(managed);
      expect(refreshed.ok).toBe(true);
      expect(
        refreshed.steps.filter((s) => (s.drift ?? []).length > 0),
        "no drift",
      ).toEqual([]);
      expect(stepsOf(await stack.preview(managed))).toEqual(["same a", "same b", "same c"]);

      // Change the middle managed rule: exactly that rule changes, wherever it is now.
      const changed = [managed[0] as Declared, rule("b", "managed-b", "REJECT", ["a"]), managed[2] as Declared];
      expect(stepsOf(await stack.up(changed))).toEqual(["same a", "same c", "update b"]);
      const after = await admin.get<Array<Record<string, unknown>>>(list);
      expect(after.map((r) => [r["comment"], r["action"]])).toEqual([
        ["by-hand-top", "DROP"],
        ["managed-c", "ACCEPT"],
        ["by-hand-middle", "DROP"],
        ["managed-b", "REJECT"],
        ["managed-a", "ACCEPT"],
      ]);

      // Destroy removes the managed rules and nothing else.
      const destroyed = await stack.destroy(changed);
      expect(destroyed.ok).toBe(true);
      const left = await admin.get<Array<Record<string, unknown>>>(list);
      expect(left.map((r) => r["comment"])).toEqual(["by-hand-top", "by-hand-middle"]);
      expect(await posOf(admin, list, "managed-b")).toBe(-1);
    } finally {
      await stack.close();
    }
  }, 240_000);

  it("refuses to create a rule whose comment an existing rule already has", async () => {
    const stack = await newStack("firewall");
    try {
      await stack.admin.post("/cluster/firewall/rules", { type: "in", action: "ACCEPT", comment: "taken" });
      const program = [{ namespace: "firewall", kind: "ClusterRule", name: "dup", args: { comment: "taken", type: "in", action: "DROP" } }];
      // The preview (which up runs first) finds the comment taken; an up without it is refused by the same check.
      const previewed = await stack.up(program);
      expect(previewed.ok).toBe(false);
      expect(previewed.steps.find((s) => s.name === "dup")?.failures?.map((f) => f.reason)).toEqual([
        "firewall.ClusterRule 'taken' already exists on PVE: adopt it (set `adopt: true`), or choose another identity",
      ]);
      const applied = await stack.up(program, { skipPreview: true });
      expect(applied.ok).toBe(false);
      expect(applied.steps.find((s) => s.name === "dup")?.error).toMatch(/comment: firewall.ClusterRule 'taken' already exists on PVE: adopt it/);
      expect((await stack.admin.get<unknown[]>("/cluster/firewall/rules")).length).toBe(1);
    } finally {
      await stack.close();
    }
  }, 120_000);
});
