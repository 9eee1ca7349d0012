/**
 * Issue 12 through the local engine and the simulator: the resource options `protect`,
 * `retainOnDelete` and `replaceOnChanges` on PVE objects, as Pulumi's engine enforces them.
 */
import { describe, expect, it } from "vitest";
import { optionResources } from "./lifecycle-programs";
import type { EngineResult } from "../pulumi-engine";
import { newStack, stepsOf } from "./harness";
import { found } from "./scenarios";

const step = (r: EngineResult, name: string) => r.steps.find((s) => s.name === name);

describe("resource options on PVE objects", () => {
  it("protect refuses to delete a pool, retainOnDelete drops one from the state and leaves it, replaceOnChanges replaces a group on a comment change", async () => {
    const stack = await newStack("lifecycle-options");
    const { admin } = stack;
    const pool = (id: string) => found(() => admin.get("/pools", { poolid: id }));
    const { guarded, kept, group } = optionResources;
    try {
      expect((await stack.up([guarded(true), kept, group("one")])).ok).toBe(true);

      const planned = await stack.preview([guarded(true), kept, group("two")]);
      expect(step(planned, "team")).toMatchObject({ op: "replace", replaces: ["comment"], diffs: ["comment"], detailedDiff: { comment: "UPDATE_REPLACE" } });

      // Both pools leave the program. The preview that `up` runs first plans the protected pool's delete
      // and refuses it, as Pulumi's does: the run stops there, with nothing written.
      const stopped = await stack.up([group("two")]);
      expect(stopped.ok).toBe(false);
      expect(stopped.steps, "the run ended in its preview").toBe(stopped.preview?.steps);
      expect(step(stopped, "guarded")).toMatchObject({ op: "delete", error: expect.stringContaining("cannot be deleted\nbecause it is protected") as unknown });
      expect(stack.state().resources.map((r) => r.name)).toEqual(expect.arrayContaining(["guarded", "kept", "team"]));
      expect((await admin.get<{ comment?: string }>("/access/groups/team")).comment, "nothing was replaced").toBe("one");

      // Without the preview (`--skip-preview`), the apply refuses the one delete and does the rest.
      const dropped = await stack.up([group("two")], { skipPreview: true });
      expect(dropped.ok).toBe(false);
      expect(dropped.preview).toBeUndefined();
      expect(step(dropped, "guarded")).toMatchObject({ op: "delete", error: expect.stringContaining("cannot be deleted\nbecause it is protected") as unknown });
      expect(step(dropped, "kept")).toMatchObject({ op: "delete" });
      expect(step(dropped, "kept")?.error).toBeUndefined();
      expect(step(dropped, "team")).toMatchObject({ op: "replace", replaces: ["comment"] });
      expect(await pool("guarded"), "the protected pool stays").toBe(true);
      expect(await pool("kept"), "the retained pool stays on PVE").toBe(true);
      const names = stack.state().resources.map((r) => r.name);
      expect(names).toEqual(expect.arrayContaining(["guarded", "team"]));
      expect(names).not.toContain("kept");
      expect((await admin.get<{ comment?: string }>("/access/groups/team")).comment).toBe("two");

      const destroyRefused = await stack.destroy([group("two")]);
      expect(destroyRefused.ok).toBe(false);
      expect(await pool("guarded")).toBe(true);

      // Unprotecting is a change of the program; then the pool can go.
      expect(stepsOf(await stack.up([guarded(false)]))).toEqual(["same guarded"]);
      expect((await stack.destroy([guarded(false)])).ok).toBe(true);
      expect(await pool("guarded")).toBe(false);
    } finally {
      await stack.close();
    }
  }, 900_000);
});
