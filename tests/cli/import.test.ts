/**
 * What Pulumi's import does with our dynamic resources, through the real CLI: the `import` resource
 * option, and `pulumi import`. The engine's import Read carries only the id (no old state,
 * no inputs: pkg/resource/deploy/step.go ImportStep), so the Node.js dynamic-provider host has no
 * `__provider` to load and fails before any of our code runs. The local engine must fail the same
 * way, and `adopt: true` is the way that works.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newStack, stepsOf } from "../e2e/harness";
import { newRealStack, type RealStack } from "./e2e";

/** The dynamic-provider host's answer to a Read without a serialized provider. */
const NO_PROVIDER = /code must be a string/;

let real: RealStack;

beforeAll(async () => {
  real = await newRealStack("import");
  await real.admin.post("/access/groups", { groupid: "legacy", comment: "made by hand" });
}, 300_000);
afterAll(async () => {
  await real?.close();
});

const group = (name: string, args: Record<string, unknown>, importId?: string) => ({
  namespace: "access",
  kind: "Group",
  name,
  args,
  ...(importId ? { importId } : {}),
});

describe("Pulumi's import of a dynamic resource", () => {
  it("`pulumi import` cannot even start here: it loads the Node.js language host, which the Go module proxy does not serve", async () => {
    // `pulumi import` has no --client (Automation API inline programs): it loads the project's language
    // plugin. Its planned import runs the same ImportStep as the `import` option below (step.go: the
    // Read gets the id alone), so it would fail in the provider host the same way.
    const result = await real.importExisting([group("legacy", {}, "legacy")]);
    expect(result.ok).toBe(false);
    expect(result.stderr).toMatch(/no language plugin 'pulumi-language-nodejs' found/);
    expect(JSON.stringify(await real.exportState())).not.toContain("legacy");
  }, 300_000);

  it("the `import` resource option fails in the provider host, in preview and in up: the Read has no serialized provider", async () => {
    const declared = [group("adopted", { groupId: "legacy", comment: "made by hand" }, "legacy")];
    const planned = await real.preview(declared);
    expect(planned.ok).toBe(false);
    expect(`${planned.stdout}\n${planned.stderr}`).toMatch(NO_PROVIDER);
    const applied = await real.up(declared);
    expect(applied.ok).toBe(false);
    expect(`${applied.stdout}\n${applied.stderr}`).toMatch(NO_PROVIDER);
    expect(JSON.stringify(await real.exportState())).not.toContain('"adopted"');
    expect(await real.admin.get<Record<string, unknown>>("/access/groups/legacy")).toMatchObject({ comment: "made by hand" });
  }, 300_000);

  it("the local engine sends the same Read and fails with the same message", async () => {
    const local = await newStack("cli-import-local");
    try {
      await local.admin.post("/access/groups", { groupid: "legacy", comment: "made by hand" });
      const result = await local.up([group("adopted", { groupId: "legacy", comment: "made by hand" }, "legacy")]);
      expect(result.ok).toBe(false);
      expect(result.steps.find((s) => s.name === "adopted")).toMatchObject({ op: "import" });
      expect(result.steps.find((s) => s.name === "adopted")?.error).toMatch(NO_PROVIDER);
      expect(result.state.resources.filter((r) => r.name === "adopted")).toEqual([]);
    } finally {
      await local.close();
    }
  }, 300_000);

  it("`adopt: true` takes the object over instead, and converges it to the program", async () => {
    const declared = [group("adopted", { groupId: "legacy", comment: "now managed", adopt: true })];
    const planned = await real.preview(declared);
    expect(stepsOf(planned)).toEqual(["create adopted"]);
    const applied = await real.up(declared);
    expect(applied.ok, applied.stderr).toBe(true);
    expect(stepsOf(applied)).toEqual(["create adopted"]);
    expect(await real.admin.get<Record<string, unknown>>("/access/groups/legacy")).toMatchObject({ comment: "now managed" });
    expect(stepsOf(await real.preview(declared, { expectNoChanges: true }))).toEqual(["same adopted"]);
    expect((await real.destroy(declared)).ok).toBe(true);
    await expect(real.admin.get("/access/groups/legacy")).rejects.toMatchObject({ kind: "not-found" });
  }, 300_000);
});
