/**
 * Every kind's end-to-end proof through the real `pulumi` CLI: the local engine's scenarios
 * (tests/e2e/*scenarios.ts), run as one stack per group so that each phase is one CLI operation
 * for all the group's kinds at once: invalid input in preview, create, no-op preview, update,
 * replace, refresh drift, adopt, destroy, and no secret in plain text in `pulumi stack export`.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { definitionOf } from "../../schema/definitions";
import { TOKEN_SECRET, stepsOf, type Declared } from "../e2e/harness";
import { adopting, type KindScenario } from "../e2e/scenarios";
import { newRealStack, type RealStack } from "./e2e";
import type { CliResult } from "./stack";

interface Entry {
  s: KindScenario;
  label: string;
  res: string;
  adopted: string;
  /** The args the resource has now. */
  current: Record<string, unknown>;
}

/** The keys of a change the CLI's events can show: secret fields are masked there. */
function visible(s: KindScenario, keys: readonly string[]): string[] {
  const def = definitionOf(`${s.namespace}:${s.kind}`);
  return keys.filter((k) => !def.fieldsBySdkName.get(k)?.secret && !def.outputs?.[k]?.secret).sort();
}

const declared = (e: Entry, name: string, args: Record<string, unknown>): Declared => ({ namespace: e.s.namespace, kind: e.s.kind, name, args });

function errorsOf(result: CliResult): string {
  return [...result.errors.map((e) => `${e.urn}: ${e.message}`), result.stderr.slice(-4000)].join("\n");
}

/**
 * Registers the phases of the group as tests, in order, on one stack of the real CLI. Labels
 * (`namespace.Kind#n`) name the kind in every failed expectation.
 */
export function kindGroupThroughCli(suite: string, scenarios: KindScenario[], auth: "token" | "ticket"): void {
  let stack: RealStack;
  const entries: Entry[] = scenarios.map((s, i) => {
    const slug = `${s.namespace}-${s.kind}-${i}`.toLowerCase();
    return { s, label: `${s.namespace}.${s.kind}#${i}`, res: `${slug}-res`, adopted: `${slug}-adopted`, current: s.initial };
  });
  const all = (pick: (e: Entry) => Record<string, unknown>): Declared[] => entries.map((e) => declared(e, e.res, pick(e)));
  const step = (result: CliResult, name: string) => result.steps.find((st) => st.name === name);
  const settled = async (): Promise<void> => {
    for (const e of entries) await e.s.settled?.(stack.admin, stack.sim);
  };
  const secretsAbsent = async (): Promise<void> => {
    const exported = await stack.exportText();
    for (const e of entries) {
      for (const secret of [TOKEN_SECRET, stack.sim.rootPassword, ...(e.s.secrets ?? [])])
        expect(exported, `${e.label}: a secret in pulumi stack export`).not.toContain(secret);
    }
  };

  beforeAll(async () => {
    stack = await newRealStack(suite, { auth });
    for (const e of entries) await e.s.setup?.(stack.admin);
  }, 300_000);
  afterAll(async () => {
    await stack?.close();
  });

  it("invalid inputs fail the preview, naming the field; nothing is written", async () => {
    for (const e of entries.filter((x) => x.s.invalid)) {
      const invalid = e.s.invalid!;
      const rejected = await stack.preview([declared(e, e.res, invalid.args)]);
      expect(rejected.ok, `${e.label}: invalid inputs fail the preview`).toBe(false);
      expect(step(rejected, e.res)?.error ?? errorsOf(rejected), e.label).toMatch(new RegExp(`\\b${invalid.property.replace(/\./g, "\\.")}\\b`));
    }
  }, 600_000);

  it("preview plans every create and writes nothing; up creates them; the export holds no plain secret", async () => {
    const planned = await stack.preview(all((e) => e.s.initial));
    expect(planned.ok, errorsOf(planned)).toBe(true);
    expect(stepsOf(planned)).toEqual(entries.map((e) => `create ${e.res}`).sort());
    for (const e of entries) expect(await e.s.exists(stack.admin, e.s.initial), `${e.label}: preview writes nothing`).toBe(false);
    const created = await stack.up(all((e) => e.s.initial));
    expect(created.ok, errorsOf(created)).toBe(true);
    expect(stepsOf(created)).toEqual(entries.map((e) => `create ${e.res}`).sort());
    for (const e of entries) expect(await e.s.exists(stack.admin, e.s.initial), `${e.label}: exists after up`).toBe(true);
    await settled();
    await secretsAbsent();
    const again = await stack.preview(
      all((e) => e.s.initial),
      { expectNoChanges: true },
    );
    expect(again.ok, `no-op preview: ${errorsOf(again)}`).toBe(true);
    expect(stepsOf(again)).toEqual(entries.map((e) => `same ${e.res}`).sort());
  }, 600_000);

  it("updates in place, with the field-level diffs planned", async () => {
    const target = (e: Entry) => e.s.updated?.args ?? e.s.initial;
    const planned = await stack.preview(all(target));
    expect(planned.ok, errorsOf(planned)).toBe(true);
    for (const e of entries) {
      if (!e.s.updated) {
        expect(step(planned, e.res)?.op, e.label).toBe("same");
        continue;
      }
      expect(step(planned, e.res)?.op, e.label).toBe("update");
      // The provider leaves the diff to the engine (its host drops per-property diffs), which
      // compares the inputs key by key: a changed secret is listed too, its value masked.
      expect(step(planned, e.res)?.diffs, e.label).toEqual([...e.s.updated.diffs].sort());
    }
    const updated = await stack.up(all(target));
    expect(updated.ok, errorsOf(updated)).toBe(true);
    for (const e of entries) e.current = target(e);
    await settled();
    expect(stepsOf(await stack.preview(all((e) => e.current)))).toEqual(entries.map((e) => `same ${e.res}`).sort());
  }, 600_000);

  it("replaces what PVE cannot change in place, naming the fields", async () => {
    const target = (e: Entry) => e.s.replaced?.args ?? e.current;
    const planned = await stack.preview(all(target));
    expect(planned.ok, errorsOf(planned)).toBe(true);
    for (const e of entries) {
      if (!e.s.replaced) {
        expect(step(planned, e.res)?.op, e.label).toBe("same");
        continue;
      }
      expect(step(planned, e.res)?.op, e.label).toBe("replace");
      expect(step(planned, e.res)?.replaces, e.label).toEqual([...e.s.replaced.replaces].sort());
    }
    const replaced = await stack.up(all(target));
    expect(replaced.ok, errorsOf(replaced)).toBe(true);
    for (const e of entries.filter((x) => x.s.replaced)) {
      expect(await e.s.exists(stack.admin, e.current), `${e.label}: the old object is gone`).toBe(false);
      expect(await e.s.exists(stack.admin, e.s.replaced!.args), `${e.label}: the new object exists`).toBe(true);
      e.current = e.s.replaced!.args;
    }
    await settled();
  }, 600_000);

  it("refresh shows the drift of edits made by hand; preview plans to undo it and up does", async () => {
    for (const e of entries) await e.s.drift.edit(stack.admin, e.current);
    const refreshed = await stack.refresh(all((e) => e.current));
    expect(refreshed.ok, errorsOf(refreshed)).toBe(true);
    for (const e of entries) expect(step(refreshed, e.res)?.drift ?? [], e.label).toEqual(visible(e.s, e.s.drift.keys));
    const planned = await stack.preview(all((e) => e.current));
    for (const e of entries) {
      const expected = e.s.drift.keys.length > 0 ? (e.s.drift.step ?? "update") : "same";
      expect(step(planned, e.res)?.op, `${e.label}: the drift shows as ${expected}`).toBe(expected);
    }
    const fixed = await stack.up(all((e) => e.current));
    expect(fixed.ok, errorsOf(fixed)).toBe(true);
  }, 600_000);

  it("adopts objects made by hand; destroy removes everything it manages", async () => {
    const existing = new Map<Entry, Record<string, unknown>>();
    const adoptable = new Map<Entry, Record<string, unknown>>();
    for (const e of entries) {
      const args = (await e.s.existing(stack.admin)).args;
      existing.set(e, args);
      const adoptArgs = adopting(e.s, args);
      if (adoptArgs) adoptable.set(e, adoptArgs);
    }
    const withAdopted = entries.flatMap((e) => [declared(e, e.res, e.current), ...(adoptable.has(e) ? [declared(e, e.adopted, adoptable.get(e) ?? {})] : [])]);
    const adopted = await stack.up(withAdopted);
    expect(adopted.ok, errorsOf(adopted)).toBe(true);
    for (const e of entries) if (adoptable.has(e)) expect(step(adopted, e.adopted)?.op, e.label).toBe("create");
    await settled();
    const again = await stack.preview(withAdopted);
    expect(stepsOf(again)).toEqual(entries.flatMap((e) => [...(adoptable.has(e) ? [`same ${e.adopted}`] : []), `same ${e.res}`]).sort());
    await secretsAbsent();
    const destroyed = await stack.destroy(withAdopted);
    expect(destroyed.ok, errorsOf(destroyed)).toBe(true);
    for (const e of entries) {
      if (e.s.destroyKeeps) continue;
      expect(await e.s.exists(stack.admin, e.current), `${e.label}: gone after destroy`).toBe(false);
      if (e.s.replaced && adoptable.has(e))
        expect(await e.s.exists(stack.admin, existing.get(e) ?? {}), `${e.label}: adopted object gone after destroy`).toBe(false);
    }
    await settled();
  }, 600_000);
}
