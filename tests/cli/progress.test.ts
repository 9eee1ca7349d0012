/**
 * Progress of a long operation through the real `pulumi` CLI: the lines of the PVE task's log (and
 * the wait's heartbeat, which travels the same way: tests/client/task-heartbeat.test.ts) reach the
 * CLI while the step runs, labelled with the kind and id. A dynamic provider is not told its
 * resource's URN, so the CLI files them under the stack's row, not the resource's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Declared } from "../e2e/harness";
import { newRealStack, type RealStack } from "./e2e";

describe("a task's progress through the real pulumi CLI", () => {
  let stack: RealStack;
  beforeAll(async () => {
    stack = await newRealStack("progress", { stack: "progress" });
  }, 300_000);
  afterAll(async () => {
    await stack?.close();
  });

  it("shows the task's log lines, labelled with the kind and id, while up runs it", async () => {
    const program: Declared[] = [{ namespace: "node", kind: "AptUpdate", name: "apt", args: { node: "pve1", quiet: true } }];
    const result = await stack.up(program);
    expect(result.ok, result.stderr.slice(-2000)).toBe(true);
    expect(result.messages).toContainEqual({ urn: "", severity: "info", message: "[node:AptUpdate pve1] TASK OK" });
    // The live view shows the line while the resource's step runs, before it is created.
    const lines = result.stdout.split("\n");
    const shown = lines.findIndex((line) => line.includes("[node:AptUpdate pve1] TASK OK"));
    const created = lines.findIndex((line) => /node:AptUpdate apt created/.test(line));
    expect(shown).toBeGreaterThan(-1);
    expect(shown).toBeLessThan(created);
    expect((await stack.destroy(program)).ok).toBe(true);
  }, 300_000);
});
