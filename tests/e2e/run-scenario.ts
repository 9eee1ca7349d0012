/** Runs one kind's scenario through the local engine: the proof list of the resource-engine issue. */
import { expect } from "vitest";
import { TOKEN_SECRET, newStack, stepsOf } from "./harness";
import { type KindScenario, adopting, declare } from "./scenarios";

export async function runScenario(suite: string, s: KindScenario): Promise<void> {
  const stack = await newStack(suite, "environment", { auth: s.auth ?? "token" });
  const { admin } = stack;
  try {
    await s.setup?.(admin);
    const settled = async (): Promise<void> => {
      await s.settled?.(admin, stack.sim);
    };
    if (s.invalid) {
      const rejected = await stack.preview([declare(s, "res", s.invalid.args)]);
      expect(rejected.ok, "invalid inputs fail the preview").toBe(false);
      const failures = rejected.steps.find((st) => st.name === "res")?.failures ?? [];
      expect(
        failures.map((f) => f.property),
        JSON.stringify(failures),
      ).toContain(s.invalid.property);
    }
    const initial = [declare(s, "res", s.initial)];

    const planned = await stack.preview(initial);
    expect(planned.ok).toBe(true);
    expect(stepsOf(planned)).toEqual(["create res"]);
    expect(await s.exists(admin, s.initial), "preview writes nothing").toBe(false);

    const created = await stack.up(initial);
    expect(created.ok, created.programErrors.join("\n")).toBe(true);
    expect(stepsOf(created)).toEqual(["create res"]);
    expect(await s.exists(admin, s.initial)).toBe(true);
    await settled();
    for (const secret of [TOKEN_SECRET, stack.sim.rootPassword, ...(s.secrets ?? [])]) expect(stack.stateText()).not.toContain(secret);

    expect(stepsOf(await stack.preview(initial)), "no-op preview").toEqual(["same res"]);

    if (s.updated) {
      const changed = [declare(s, "res", s.updated.args)];
      const plannedUpdate = await stack.preview(changed);
      expect(stepsOf(plannedUpdate)).toEqual(["update res"]);
      expect(plannedUpdate.steps.find((st) => st.name === "res")?.diffs).toEqual(s.updated.diffs);
      const updated = await stack.up(changed);
      expect(updated.ok, updated.steps.map((st) => st.error ?? "").join("\n")).toBe(true);
      expect(stepsOf(updated)).toEqual(["update res"]);
      await settled();
      expect(stepsOf(await stack.preview(changed)), "no-op preview after update").toEqual(["same res"]);
    }
    let current = s.updated?.args ?? s.initial;
    if (s.replaced) {
      const replacement = [declare(s, "res", s.replaced.args)];
      const plannedReplace = await stack.preview(replacement);
      expect(stepsOf(plannedReplace)).toEqual(["replace res"]);
      expect(plannedReplace.steps.find((st) => st.name === "res")?.replaces).toEqual(s.replaced.replaces);
      const replaced = await stack.up(replacement);
      expect(replaced.ok).toBe(true);
      expect(await s.exists(admin, current), "the old object is gone").toBe(false);
      expect(await s.exists(admin, s.replaced.args), "the new object exists").toBe(true);
      await settled();
      current = s.replaced.args;
    }

    await s.drift.edit(admin, current);
    const refreshed = await stack.refresh([declare(s, "res", current)]);
    expect(refreshed.ok).toBe(true);
    expect(refreshed.steps.find((st) => st.name === "res")?.drift).toEqual(s.drift.keys);
    // An edit outside what the resource manages (no drift keys) must stay invisible.
    const expected = s.drift.keys.length > 0 ? [`${s.drift.step ?? "update"} res`] : ["same res"];
    expect(stepsOf(await stack.preview([declare(s, "res", current)])), "the drift shows as an update").toEqual(expected);
    await stack.up([declare(s, "res", current)]);

    // Pulumi's import cannot reach a dynamic provider (tests/cli/import.test.ts): existing objects are adopted.
    const existing = await s.existing(admin);
    const adoptArgs = adopting(s, existing.args);
    const withAdopted = adoptArgs ? [declare(s, "res", current), declare(s, "adopted", adoptArgs)] : [declare(s, "res", current)];
    if (adoptArgs) {
      const adopted = await stack.up(withAdopted);
      expect(adopted.ok, adopted.steps.map((st) => st.error ?? "").join("\n")).toBe(true);
      expect(adopted.steps.find((st) => st.name === "adopted")?.op).toBe("create");
      await settled();
      expect(stepsOf(await stack.preview(withAdopted))).toEqual(["same adopted", "same res"]);
    }

    const destroyed = await stack.destroy(withAdopted);
    expect(destroyed.ok).toBe(true);
    if (!s.destroyKeeps) expect(await s.exists(admin, current)).toBe(false);
    await settled();
    // Singletons and built-in objects stay; what they managed was reset.
    if (s.replaced && !s.destroyKeeps && adoptArgs) expect(await s.exists(admin, existing.args)).toBe(false);
  } finally {
    await stack.close();
  }
}
