/** Node actions through the local engine: `node.AptUpdate` (and the simulator's apt model). */
import { describe, expect, it } from "vitest";
import { type Declared, newStack, stepsOf } from "./harness";

const aptUpdate = (name: string, args: Record<string, unknown>): Declared => ({ namespace: "node", kind: "AptUpdate", name, args });

describe("node.AptUpdate through the local engine", () => {
  it("runs apt-get update as a task, reruns on a trigger change, rejects invalid inputs, destroys", async () => {
    const stack = await newStack("node-actions");
    try {
      const rejected = await stack.preview([aptUpdate("apt", { node: "pve1", quiet: "loudly" })]);
      expect(rejected.ok).toBe(false);
      expect(rejected.steps.find((s) => s.name === "apt")?.failures?.map((f) => f.property)).toContain("quiet");
      // PVE has no upgrade operation: asking for one fails in preview with the reason, not silently.
      const upgrade = await stack.preview([aptUpdate("apt", { node: "pve1", upgrade: true })]);
      expect(upgrade.ok).toBe(false);
      expect(upgrade.steps.find((s) => s.name === "apt")?.failures).toContainEqual({
        property: "upgrade",
        reason: expect.stringMatching(/PVE's API has no apt upgrade operation/) as unknown,
      });

      const run = (trigger: string) => [aptUpdate("apt", { node: "pve1", quiet: true, triggers: { week: trigger } })];
      expect(await stack.admin.get<unknown[]>("/nodes/pve1/apt/update")).toEqual([]);
      const first = await stack.up(run("1"));
      expect(first.ok, first.steps.map((s) => s.error ?? "").join("\n")).toBe(true);
      // The task refreshed the package index: PVE lists the upgradable packages.
      const upgradable = await stack.admin.get<Array<{ Package: string; Version: string; OldVersion: string }>>("/nodes/pve1/apt/update");
      expect(upgradable.map((p) => p.Package)).toContain("pve-manager");
      expect(stepsOf(await stack.preview(run("1")))).toEqual(["same apt"]);
      expect(stepsOf(await stack.up(run("2")))).toEqual(["replace apt"]);
      const tasks = await stack.admin.get<Array<{ type: string }>>("/nodes/pve1/tasks", { typefilter: "aptupdate" });
      expect(tasks.filter((t) => t.type === "aptupdate")).toHaveLength(2);
      // Refresh of an action compares nothing: it happened once.
      expect((await stack.refresh(run("2"))).steps.find((s) => s.name === "apt")?.drift ?? []).toEqual([]);
      expect((await stack.destroy(run("2"))).ok).toBe(true);
    } finally {
      await stack.close();
    }
  }, 240_000);
});

const service = (name: string, args: Record<string, unknown>): Declared => ({ namespace: "node", kind: "ServiceAction", name, args });

describe("node.ServiceAction through the local engine", () => {
  it("stops and starts a service by its action input, reruns on a trigger or action change, rejects unknown actions", async () => {
    const stack = await newStack("node-actions");
    try {
      const state = async (): Promise<string> => (await stack.admin.get<{ state: string }>("/nodes/pve1/services/postfix/state")).state;
      const rejected = await stack.preview([service("svc", { node: "pve1", service: "postfix", action: "explode" })]);
      expect(rejected.ok).toBe(false);
      expect(rejected.steps.find((s) => s.name === "svc")?.failures?.map((f) => f.property)).toContain("action");

      const run = (action: string, trigger: string) => [service("svc", { node: "pve1", service: "postfix", action, triggers: { config: trigger } })];
      const stopped = await stack.up(run("stop", "1"));
      expect(stopped.ok, stopped.steps.map((s) => s.error ?? "").join("\n")).toBe(true);
      expect(await state()).toBe("dead");
      expect(stepsOf(await stack.preview(run("stop", "1")))).toEqual(["same svc"]);
      const started = await stack.preview(run("start", "1"));
      expect(started.steps.find((s) => s.name === "svc")?.replaces).toEqual(["action"]);
      // A new action is a new run: created before the old one is forgotten (its delete undoes nothing).
      expect(stepsOf(await stack.up(run("start", "1")))).toContain("replace svc");
      expect(await state()).toBe("running");
      expect(stepsOf(await stack.up(run("restart", "2")))).toContain("replace svc");
      const tasks = await stack.admin.get<Array<{ type: string; id: string }>>("/nodes/pve1/tasks", { limit: 1000 });
      expect(
        tasks
          .filter((t) => t.id === "postfix")
          .map((t) => t.type)
          .sort(),
      ).toEqual(["srvrestart", "srvstart", "srvstop"]);
      expect((await stack.destroy(run("restart", "2"))).ok).toBe(true);
      expect(await state()).toBe("running");
    } finally {
      await stack.close();
    }
  }, 240_000);
});
