import { describe, expect, it } from "vitest";
import { newStack, stepsOf } from "./harness";
import { aptEntry, nodeScenarios, nothingStaged, standardStatus } from "./node-scenarios";
import { runScenario } from "./run-scenario";

describe.each(nodeScenarios.map((s) => [`${s.namespace}.${s.kind}`, s] as const))("%s through the local engine", (_name, scenario) => {
  it("creates, previews no change, updates, replaces, refreshes drift, adopts and destroys", async () => {
    await runScenario("node", scenario);
  }, 240_000);
});

describe("node network applies", () => {
  it("six interfaces on two nodes: one reload per node, nothing left staged", async () => {
    const stack = await newStack("node");
    try {
      const resources = ["pve1", "pve2"].flatMap((node) =>
        [1, 2, 3].map((n) => ({
          namespace: "node",
          kind: "NetworkInterface",
          name: `${node}-vmbr${n}`,
          args: { node, iface: `vmbr${n}`, type: "bridge", autostart: true },
        })),
      );
      const result = await stack.up(resources);
      expect(result.ok, result.steps.map((s) => s.error ?? "").join("\n")).toBe(true);
      await nothingStaged(stack.sim);
      for (const node of ["pve1", "pve2"]) {
        const reloads = await stack.admin.get<unknown[]>(`/nodes/${node}/tasks`, { typefilter: "srvreload", limit: 1000 });
        // One wave of parallel writes per node: one apply; a noisy machine may split it once.
        expect(reloads.length, node).toBeGreaterThanOrEqual(1);
        expect(reloads.length, node).toBeLessThanOrEqual(2);
      }
    } finally {
      await stack.close();
    }
  }, 240_000);
});

describe("APT repositories by hand", () => {
  it("a standard repository disabled by hand is gone on refresh, the next up enables it again; a new handle replaces it", async () => {
    const stack = await newStack("node");
    try {
      const declared = [{ namespace: "node", kind: "AptStandardRepository", name: "nosub", args: { node: "pve1", handle: "no-subscription" } }];
      expect((await stack.up(declared)).ok).toBe(true);
      const path = "/etc/apt/sources.list.d/proxmox.sources";
      await stack.admin.post("/nodes/pve1/apt/repositories", { path, index: 0, enabled: 0 });
      const refreshed = await stack.refresh(declared);
      expect(refreshed.steps.find((s) => s.name === "nosub")?.deleted).toBe(true);
      expect(stepsOf(await stack.preview(declared))).toEqual(["create nosub"]);
      expect((await stack.up(declared)).ok).toBe(true);
      expect(await standardStatus(stack.admin, { node: "pve1", handle: "no-subscription" })).toBe(1);
      // Enabling it again reused the entry instead of adding a second one.
      expect(await aptEntry(stack.admin, { node: "pve1", path, index: 1 })).toBeUndefined();
      // Another handle replaces the resource; PVE cannot remove the old repository, so it stays.
      const other = [{ ...declared[0]!, args: { node: "pve1", handle: "test" } }];
      const planned = await stack.preview(other);
      expect(stepsOf(planned)).toEqual(["replace nosub"]);
      expect(planned.steps.find((s) => s.name === "nosub")?.replaces).toEqual(["handle"]);
      expect((await stack.up(other)).ok).toBe(true);
      expect(await standardStatus(stack.admin, { node: "pve1", handle: "test" })).toBe(1);
      expect(await standardStatus(stack.admin, { node: "pve1", handle: "no-subscription" })).toBe(1);
      expect(stack.stateText()).not.toContain(stack.sim.rootPassword);
    } finally {
      await stack.close();
    }
  }, 240_000);

  it("an entry that does not exist fails the create with PVE's message", async () => {
    const stack = await newStack("node");
    try {
      const result = await stack.up([
        {
          namespace: "node",
          kind: "AptRepository",
          name: "missing",
          args: { node: "pve1", path: "/etc/apt/sources.list.d/ceph.sources", index: 3, enabled: true },
        },
      ]);
      expect(result.ok).toBe(false);
      expect(result.steps.find((s) => s.name === "missing")?.error).toMatch(/invalid index - 3/);
    } finally {
      await stack.close();
    }
  }, 240_000);
});
