/**
 * The PR check through the real CLI: `pulumi preview --expect-no-changes` exits zero on a clean
 * stack and non-zero when the program or (with `--refresh`) PVE differs from the state, and
 * `pulumi preview --diff` shows the change field by field.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Declared } from "../e2e/harness";
import { newRealStack, type RealStack } from "./e2e";

const PASSWORD = "pr-check-Passw0rd-secret";
const program = (comment: string): Declared[] => [
  { namespace: "cluster", kind: "Pool", name: "team", args: { poolId: "team", comment } },
  { namespace: "access", kind: "Group", name: "ops", args: { groupId: "ops", comment: "operators" } },
  { namespace: "access", kind: "User", name: "alice", args: { userId: "alice@pve", comment: "Alice", password: { $secret: PASSWORD } } },
];

let stack: RealStack;

beforeAll(async () => {
  stack = await newRealStack("pr-check");
  const created = await stack.up(program("first"));
  expect(created.ok, created.stderr).toBe(true);
}, 300_000);
afterAll(async () => {
  await stack?.destroy(program("first"));
  await stack?.close();
});

describe("pulumi preview as a PR check", () => {
  it("--expect-no-changes exits zero on a clean stack", async () => {
    const clean = await stack.preview(program("first"), { expectNoChanges: true });
    expect(clean.exitCode, clean.stderr).toBe(0);
    expect(clean.steps.filter((s) => s.op !== "same")).toEqual([]);
  }, 300_000);

  it("--expect-no-changes exits non-zero when the program changed", async () => {
    const changed = await stack.preview(program("second"), { expectNoChanges: true });
    expect(changed.exitCode).not.toBe(0);
    expect(`${changed.stdout}\n${changed.stderr}`).toMatch(/no changes were expected for preview but changes were proposed/);
  }, 300_000);

  it("--refresh --expect-no-changes exits non-zero on drift made by hand, and zero again once it is gone", async () => {
    await stack.admin.put("/access/groups/ops", { comment: "edited in the GUI" });
    const drifted = await stack.preview(program("first"), { expectNoChanges: true, refresh: true });
    expect(drifted.exitCode).not.toBe(0);
    await stack.admin.put("/access/groups/ops", { comment: "operators" });
    const back = await stack.preview(program("first"), { expectNoChanges: true, refresh: true });
    expect(back.exitCode, back.stderr).toBe(0);
  }, 300_000);

  it("--diff shows the changed field with its old and new value, and never a secret", async () => {
    const diff = await stack.preview(program("second"), { diff: true });
    expect(diff.ok, diff.stderr).toBe(true);
    expect(diff.steps.find((s) => s.name === "team")).toMatchObject({ op: "update", diffs: ["comment"] });
    // The field-level line of the CLI's diff view: `~ comment: "first" => "second"`.
    expect(diff.stdout).toMatch(/~ comment\s*:\s*"first"\s*=>\s*"second"/);
    expect(diff.stdout).not.toContain(PASSWORD);
    // Unchanged resources and unchanged fields are not listed as changes.
    expect(diff.stdout).not.toMatch(/~ groupId/);
  }, 300_000);
});
