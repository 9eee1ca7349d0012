// The resource options the engine enforces, as Pulumi's Go engine does: protect, retainOnDelete,
// replaceOnChanges (and the diff answer it needs), through the real dynamic-provider host.
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { destroy, preview, up, type EngineResult } from "./index";
import { setupFixtureProgram, type FixtureProgram } from "./testkit";

const step = (r: EngineResult, name: string) => r.steps.find((s) => s.name === name);
const events = (fx: FixtureProgram, since: number): string[] =>
  fx
    .store()
    .log.slice(since)
    .filter((e) => e.name.startsWith("guarded"))
    .map((e) => `${e.event}:${e.name}`);

describe("resource options", () => {
  const fx: FixtureProgram = setupFixtureProgram();
  afterAll(() => fx.cleanup());
  beforeEach(() => {
    rmSync(fx.stateFile, { force: true });
    rmSync(fx.storeFile, { force: true });
  });

  it("protect: a protected resource is neither deleted nor replaced, with Pulumi's messages; unprotected, it goes", async () => {
    const guarded = { guarded: "true", guardedProtect: "true" };
    expect((await up(fx.options(guarded))).ok).toBe(true);

    const dropped = await up(fx.options({ guarded: "false" }));
    expect(dropped.ok).toBe(false);
    expect(step(dropped, "guarded")).toMatchObject({ op: "delete", error: expect.stringContaining("cannot be deleted\nbecause it is protected") as unknown });
    const urn = step(dropped, "guarded")?.urn ?? "";
    expect(urn).toMatch(/^urn:pulumi:dev::.*::pulumi-nodejs:dynamic\/fixture:Thing::guarded$/);
    expect(step(dropped, "guarded")?.error).toBe(
      `resource "${urn}" cannot be deleted\nbecause it is protected. To unprotect the resource, either remove the \`protect\` flag from the resource in your Pulumi program and run \`pulumi up\`, or use the command:\n\`pulumi state unprotect '${urn}'\``,
    );
    expect(fx.store().objects.guarded).toBeDefined();
    expect(dropped.state.resources.some((r) => r.name === "guarded")).toBe(true);

    const renamed = await up(fx.options({ ...guarded, guardedName: "guarded-2" }));
    expect(step(renamed, "guarded")).toMatchObject({ op: "replace", error: expect.stringContaining("as it is currently marked for protection") as unknown });
    expect(Object.keys(fx.store().objects)).not.toContain("guarded-2");

    const destroyed = await destroy(fx.options(guarded));
    expect(destroyed.ok).toBe(false);
    expect(Object.keys(fx.store().objects)).toEqual(["guarded"]);

    // Unprotecting is a change of the program; then the resource can go.
    expect((await up(fx.options({ guarded: "true" }))).ok).toBe(true);
    expect((await destroy(fx.options({ guarded: "true" }))).ok).toBe(true);
    expect(fx.store().objects).toEqual({});
  }, 600_000);

  it("retainOnDelete: a dropped resource leaves the state and stays in place, without the provider's delete", async () => {
    expect((await up(fx.options({ guarded: "true", guardedRetain: "true" }))).ok).toBe(true);
    const before = fx.store().log.length;
    const dropped = await up(fx.options({ guarded: "false" }));
    expect(dropped.ok).toBe(true);
    expect(step(dropped, "guarded")).toMatchObject({ op: "delete" });
    expect(dropped.state.resources.some((r) => r.name === "guarded")).toBe(false);
    expect(fx.store().objects.guarded).toBeDefined();
    expect(events(fx, before)).toEqual([]);
  }, 300_000);

  it("replaceOnChanges: a change of a named key replaces, given a diff answer that lets the engine find the key", async () => {
    const base = { guarded: "true", guardedEngineDiff: "true", guardedReplaceOnChanges: "size", guardedDeleteFirst: "true" };
    expect((await up(fx.options(base))).ok).toBe(true);
    const planned = await preview(fx.options({ ...base, guardedSize: "5" }));
    expect(step(planned, "guarded")).toMatchObject({ op: "replace", replaces: ["size"], diffs: ["size"], detailedDiff: { size: "UPDATE_REPLACE" } });
    const before = fx.store().log.length;
    const replaced = await up(fx.options({ ...base, guardedSize: "5" }));
    expect(step(replaced, "guarded")?.op).toBe("replace");
    expect(events(fx, before)).toEqual(["begin:delete:guarded", "end:delete:guarded", "begin:create:guarded", "end:create:guarded"]);
    expect(fx.store().objects.guarded?.size).toBe(5);
  }, 300_000);

  it("replaceOnChanges finds no key in an answer that says only `changes: true` (as in the Go engine): it updates", async () => {
    const base = { guarded: "true", guardedReplaceOnChanges: "size" };
    expect((await up(fx.options(base))).ok).toBe(true);
    const planned = await preview(fx.options({ ...base, guardedSize: "5" }));
    expect(step(planned, "guarded")).toMatchObject({ op: "update", diffs: ["size"] });
  }, 300_000);
});
