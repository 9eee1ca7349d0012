import { describe, expect, it } from "vitest";
import { newStack } from "./harness";
import { nodeScenarios, nothingStaged } from "./node-scenarios";
import { runScenario } from "./run-scenario";

describe.each(nodeScenarios.map((s) => [`${s.namespace}.${s.kind}`, s] as const))("%s through the local engine", (_name, scenario) => {
  it("creates, previews no change, updates, replaces, refreshes drift, imports and destroys", async () => {
    await runScenario("node", scenario);
  }, 240_000);
});

describe("node network applies", () => {
  it("six interfaces on two nodes: one reload per node, nothing left staged", async () => {
    const stack = await newStack("node");
    try {
      const resources = ["pve1", "pve2"].flatMap((node) =>
        [1, 2, 3].map((n) => ({ namespace: "node", kind: "NetworkInterface", name: `${node}-vmbr${n}`, args: { node, iface: `vmbr${n}`, type: "bridge", autostart: true } })),
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
