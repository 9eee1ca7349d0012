/**
 * Issue 19 through the local engine and the simulator: after a refresh that found drift, the
 * preview's update line names the drifted fields, as the Pulumi CLI's does: the refresh records
 * the inputs as PVE has them (the provider's Read returns them), so the engine's diff of the old
 * and new inputs finds each field.
 */
import { describe, expect, it } from "vitest";
import { stepLines } from "../pulumi-engine/render";
import { type Declared, newStack } from "./harness";

describe("a preview after a refresh that found drift", () => {
  it("names the drifted fields on the update lines", async () => {
    const stack = await newStack("drift-preview");
    const { admin } = stack;
    try {
      const program: Declared[] = [
        { namespace: "access", kind: "Group", name: "group", args: { groupId: "g1", comment: "one" } },
        { namespace: "cluster", kind: "Pool", name: "pool", args: { poolId: "p1", comment: "one" } },
      ];
      expect((await stack.up(program)).ok).toBe(true);
      await admin.put("/access/groups/g1", { comment: "by hand" });
      await admin.put("/pools", { poolid: "p1", comment: "edited" });

      const refreshed = await stack.refresh(program);
      expect(refreshed.steps.filter((s) => s.drift?.length).map((s) => `${s.name}: ${s.drift?.join()}`)).toEqual(["group: comment", "pool: comment"].sort());

      const planned = await stack.preview(program);
      const line = (name: string): string => {
        const step = planned.steps.find((s) => s.name === name);
        return step ? (stepLines(step, true)[0] ?? "") : "";
      };
      expect(line("group")).toMatch(/ group update \[diff: ~comment\]$/);
      expect(line("pool")).toMatch(/ pool update \[diff: ~comment\]$/);
    } finally {
      await stack.close();
    }
  }, 300_000);
});
