/**
 * Old state, new package, through the real CLI: a state written by this build refreshes and
 * destroys with the next one, whose internal files moved; the serialized providers in the state
 * only require the stable runtime entry point.
 */
import { describe, expect, it } from "vitest";
import { TOKEN_SECRET, programDir, stepsOf, type Declared } from "../e2e/harness";
import { installNextBuild } from "../e2e/next-build";
import { newRealStack } from "./e2e";

const PASSWORD = "old-state-Passw0rd-secret";
const resources: Declared[] = [
  { namespace: "access", kind: "Group", name: "g1", args: { groupId: "g1" } },
  { namespace: "access", kind: "Group", name: "g2", args: { groupId: "g2", comment: "second" } },
  { namespace: "access", kind: "User", name: "u", args: { userId: "u@pve", password: { $secret: PASSWORD } } },
  { namespace: "access", kind: "ApiToken", name: "t", args: { userId: "root@pam", tokenId: "ci" } },
];

describe("a state written by this build, with the next build installed", () => {
  it("refreshes (showing drift) and destroys through the real CLI", async () => {
    const stack = await newRealStack("old-state");
    try {
      const created = await stack.up(resources);
      expect(created.ok, created.stderr).toBe(true);
      const exported = await stack.exportText();
      for (const secret of [TOKEN_SECRET, PASSWORD]) expect(exported).not.toContain(secret);
      expect([...exported.matchAll(/require\(\\"([^"\\]+)\\"\)/g)].map((m) => m[1]).every((r) => r === "@naas/pulumi-proxmox/runtime")).toBe(true);

      expect(installNextBuild(programDir("cli-old-state"))).toBe("99.0.0-next");
      await stack.admin.put("/access/groups/g2", { comment: "edited" });
      const refreshed = await stack.refresh(resources);
      expect(refreshed.ok, refreshed.stderr).toBe(true);
      expect(refreshed.steps.find((s) => s.name === "g2")?.drift).toEqual(["comment"]);
      const destroyed = await stack.destroy(resources);
      expect(destroyed.ok, destroyed.stderr).toBe(true);
      expect(stepsOf(destroyed)).toEqual(["delete g1", "delete g2", "delete t", "delete u"]);
      await expect(stack.admin.get("/access/groups/g1")).rejects.toMatchObject({ kind: "not-found" });
      await expect(stack.admin.get("/access/users/u@pve")).rejects.toMatchObject({ kind: "not-found" });
    } finally {
      await stack.close();
    }
  }, 600_000);
});
