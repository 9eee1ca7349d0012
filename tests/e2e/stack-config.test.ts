import { describe, expect, it } from "vitest";
import { TOKEN_SECRET, newStack, stepsOf } from "./harness";

describe("credentials from stack config", () => {
  it("reach the provider through configure() (proxmox:* keys) and never the state", async () => {
    const stack = await newStack("stack-config", "stack config");
    try {
      const resources = [{ namespace: "cluster", kind: "Pool", name: "p", args: { poolId: "from-config" } }];
      const created = await stack.up(resources);
      expect(created.ok, created.hostOutput.join("\n")).toBe(true);
      expect(stepsOf(created)).toEqual(["create p"]);
      expect(await stack.admin.get<unknown[]>("/pools", { poolid: "from-config" })).toHaveLength(1);
      expect(stack.stateText()).not.toContain(TOKEN_SECRET);
      const destroyed = await stack.destroy(resources);
      expect(destroyed.ok).toBe(true);
    } finally {
      await stack.close();
    }
  }, 180_000);

  it("missing everywhere fail the step with a message that says how to set them, and nothing is recorded", async () => {
    const stack = await newStack("stack-config", "nowhere");
    try {
      const resources = [{ namespace: "cluster", kind: "Pool", name: "p", args: { poolId: "x" } }];
      // Preview connects, so it fails already, saying how to set them; so does up, which previews first.
      for (const result of [await stack.preview(resources), await stack.up(resources)]) {
        expect(result.ok).toBe(false);
        expect(result.steps.find((s) => s.name === "p")?.error).toMatch(/pulumi config set proxmox:endpoint.*PROXMOX_VE_ENDPOINT/);
      }
      const result = await stack.up(resources, { skipPreview: true });
      expect(result.ok).toBe(false);
      expect(result.steps.find((s) => s.name === "p")?.error).toMatch(/pulumi config set proxmox:endpoint.*PROXMOX_VE_ENDPOINT/);
      expect(result.state.resources.filter((r) => r.type.includes("proxmox"))).toEqual([]);
    } finally {
      await stack.close();
    }
  }, 180_000);
});
