/**
 * Issue 19 through the local engine and the simulator: `up` previews first, as `pulumi up` does,
 * so that an error any preview finds (here a rule PVE's verify_rule would refuse) ends the run
 * before the first write to PVE; `skipPreview` (`--skip-preview`) applies straight away.
 */
import { describe, expect, it } from "vitest";
import { type Declared, newStack } from "./harness";

const good: Declared = { namespace: "cluster", kind: "Pool", name: "good", args: { poolId: "good", comment: "fine" } };
const bad: Declared = { namespace: "firewall", kind: "ClusterRule", name: "bad", args: { comment: "bad", type: "in", action: "ACCPET" } };

describe("up previews first", () => {
  it("a check that fails in the preview stops the run: nothing is written, not even the good resource", async () => {
    const stack = await newStack("preview-first");
    const { admin, sim } = stack;
    const writes = (): string[] => sim.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`);
    try {
      const before = writes().length;
      const result = await stack.up([good, bad]);
      expect(result.ok).toBe(false);
      expect(writes().slice(before), "no write reached PVE").toEqual([]);
      expect(await admin.get<unknown[]>("/pools")).toEqual([]);
      expect(result.preview, "the preview ran and the result is its own").toBeDefined();
      expect(result.steps.find((s) => s.name === "bad")?.failures?.map((f) => f.property)).toContain("action");
      expect(result.steps.find((s) => s.name === "good")?.op).toBe("create");
      expect(await admin.get<unknown[]>("/cluster/firewall/rules")).toEqual([]);
      expect(() => stack.stateText(), "no state was written").toThrow(/ENOENT/);
    } finally {
      await stack.close();
    }
  }, 300_000);

  it("skipPreview applies without the preview: the good resource is created, the bad one fails its check", async () => {
    const stack = await newStack("preview-first");
    const { admin } = stack;
    try {
      const result = await stack.up([good, bad], { skipPreview: true });
      expect(result.ok).toBe(false);
      expect(result.preview).toBeUndefined();
      expect(result.steps.find((s) => s.name === "bad")?.failures?.map((f) => f.property)).toContain("action");
      expect((await admin.get<Array<{ poolid: string }>>("/pools")).map((p) => p.poolid)).toEqual(["good"]);
      expect(await admin.get<unknown[]>("/cluster/firewall/rules")).toEqual([]);
    } finally {
      await stack.close();
    }
  }, 300_000);

  it("a preview that succeeds is followed by the apply, whose steps are the result's", async () => {
    const stack = await newStack("preview-first");
    const { admin } = stack;
    try {
      const result = await stack.up([good]);
      expect(result.ok, result.steps.map((s) => s.error ?? "").join("\n")).toBe(true);
      expect(result.preview?.steps.find((s) => s.name === "good")).toMatchObject({ op: "create" });
      expect(result.preview?.steps.find((s) => s.name === "good")?.id, "the preview created nothing").toBeUndefined();
      expect(result.steps.find((s) => s.name === "good")).toMatchObject({ op: "create", id: "good" });
      expect((await admin.get<Array<{ poolid: string }>>("/pools")).map((p) => p.poolid)).toEqual(["good"]);
    } finally {
      await stack.close();
    }
  }, 300_000);
});
