/**
 * Issue 12 through the local engine and the simulator: a refresh records the inputs as read back
 * (so `ignoreChanges` keeps a hand-made change) and lists the drifted keys; deletes are idempotent
 * after a lost answer; an IP set's comment changes in place, its entries untouched.
 */
import { describe, expect, it } from "vitest";
import { deletesProgram } from "./lifecycle-programs";
import type { EngineResult } from "../pulumi-engine";
import { type Declared, newStack, stepsOf } from "./harness";

const errors = (r: EngineResult): string => r.steps.map((s) => s.error ?? "").join("\n");
const step = (r: EngineResult, name: string) => r.steps.find((s) => s.name === name);

describe("a refresh that found drift", () => {
  it("records the inputs as read back: ignoreChanges keeps the hand-made change, other drift is listed and undone", async () => {
    const stack = await newStack("lifecycle-refresh");
    const { admin } = stack;
    try {
      const program: Declared[] = [
        { namespace: "cluster", kind: "Pool", name: "pool", args: { poolId: "p1", comment: "one" }, options: { ignoreChanges: ["comment"] } },
        { namespace: "access", kind: "Group", name: "group", args: { groupId: "g1", comment: "one" } },
      ];
      expect((await stack.up(program)).ok).toBe(true);
      await admin.put("/pools", { poolid: "p1", comment: "by hand" });
      await admin.put("/access/groups/g1", { comment: "by hand" });

      const refreshed = await stack.refresh(program);
      expect(refreshed.ok, errors(refreshed)).toBe(true);
      // The field list of each drifted resource (the Pulumi CLI shows it for a refresh).
      expect(step(refreshed, "pool")).toMatchObject({ op: "refresh", drift: ["comment"] });
      expect(step(refreshed, "group")).toMatchObject({ op: "refresh", drift: ["comment"], diffs: ["comment"] });
      expect(stack.state().resources.find((r) => r.name === "pool")?.inputs).toMatchObject({ poolId: "p1", comment: "by hand" });

      const next = await stack.up(program);
      expect(next.ok, errors(next)).toBe(true);
      expect(stepsOf(next)).toEqual(["same pool", "update group"]);
      expect(step(next, "group")?.diffs).toEqual(["comment"]);
      const pools = await admin.get<Array<{ comment?: string }>>("/pools", { poolid: "p1" });
      expect(pools[0]?.comment, "the ignored hand-made change stays").toBe("by hand");
      expect((await admin.get<{ comment?: string }>("/access/groups/g1")).comment).toBe("one");
    } finally {
      await stack.close();
    }
  }, 600_000);
});

describe("deletes", () => {
  it("succeed when PVE's answer was lost after it deleted (IP sets, SDN zones, pool members); a refresh finds an entry of a removed set gone", async () => {
    const stack = await newStack("lifecycle-refresh");
    const { admin } = stack;
    try {
      await admin.post("/pools", { poolid: "pm" });
      const program = deletesProgram;
      expect((await stack.up(program("one"))).ok).toBe(true);

      // An IP set's comment changes in place: no replacement, its entry stays.
      const commented = await stack.up(program("two"));
      expect(commented.ok, errors(commented)).toBe(true);
      expect(stepsOf(commented)).toEqual(["same lab", "same lab-net", "same member", "same office-lan", "same zone", "update office"]);
      const sets = await admin.get<Array<{ name: string; comment?: string }>>("/cluster/firewall/ipset");
      expect(sets.find((s) => s.name === "office")?.comment).toBe("two");
      expect((await admin.get<Array<{ cidr: string }>>("/cluster/firewall/ipset/office")).map((e) => e.cidr)).toEqual(["10.0.0.0/24"]);

      // Removed by hand with its entries: a refresh finds both gone.
      await admin.delete("/cluster/firewall/ipset/lab", { force: 1 });
      const refreshed = await stack.refresh(program("two"));
      expect(refreshed.ok, errors(refreshed)).toBe(true);
      expect(step(refreshed, "lab-net")).toMatchObject({ deleted: true });
      expect(step(refreshed, "lab")).toMatchObject({ deleted: true });

      // Every delete happens on PVE, and its answer is lost: the client's retry finds the object gone.
      const lost = { type: "status", status: 596, afterHandling: true } as const;
      for (const path of ["/cluster/firewall/ipset/office/10.0.0.0/24", "/cluster/firewall/ipset/office", "/cluster/sdn/zones/zd"]) {
        stack.sim.faults.add({ method: "DELETE", path, times: 1, action: lost });
      }
      stack.sim.faults.add({ method: "PUT", path: "/pools", times: 1, action: lost });
      const destroyed = await stack.destroy(program("two"));
      expect(destroyed.ok, errors(destroyed)).toBe(true);
      expect(await admin.get<unknown[]>("/cluster/firewall/ipset")).toEqual([]);
      expect(await admin.get<unknown[]>("/cluster/sdn/zones", { pending: 1 })).toEqual([]);
      expect((await admin.get<Array<{ members?: unknown[] }>>("/pools", { poolid: "pm" }))[0]?.members ?? []).toEqual([]);
    } finally {
      await stack.close();
    }
  }, 600_000);
});
