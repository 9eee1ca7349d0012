// Import (failing as in the real engine), errors, partial failure, parallelism and the state's passphrase.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rmSync } from "node:fs";
import { installPackage } from "./install";
import { destroy, preview, up } from "./index";
import { maxOverlap, setupFixtureProgram, type FixtureProgram } from "./testkit";

describe("engine scenarios", () => {
  let fx: FixtureProgram;
  beforeAll(() => {
    fx = setupFixtureProgram();
  });
  afterAll(() => fx.cleanup());
  beforeEach(() => {
    rmSync(fx.stateFile, { force: true });
    rmSync(fx.storeFile, { force: true });
  });

  it("reinstalling an unchanged package is skipped", () => {
    expect(installPackage(`${__dirname}/fixture/provider-pkg`, fx.dir)).toBe(false);
  });

  it("import fails as in the Go engine: its Read carries the id alone, so the host has no provider to load", async () => {
    // pkg/resource/deploy/step.go ImportStep: Read(URN, ID) with no inputs and no state; the
    // Node.js dynamic-provider host needs `__provider` from one of them (tests/cli/import.test.ts).
    fx.writeStore({ objects: { legacy: { name: "legacy", size: 7, fullName: "legacy", token: "tok-legacy", generation: 5 } }, log: [], seq: 0 });
    for (const run of [preview, up]) {
      const r = await run(fx.options({ importName: "legacy" }));
      expect(r.ok).toBe(false);
      const step = r.steps.find((s) => s.name === "adopted");
      expect(step).toMatchObject({ op: "import" });
      expect(step?.error).toMatch(/code must be a string/);
      expect(r.state.resources.find((x) => x.name === "adopted")).toBeUndefined();
    }
    expect(fx.store().objects.legacy).toMatchObject({ size: 7, generation: 5 });
  });

  it("a check failure names the property; up's preview catches it, so nothing is created", async () => {
    const lines: string[] = [];
    const r = await up(fx.options({ invalid: "true" }, { onLine: (l) => lines.push(l) }));
    expect(r.ok).toBe(false);
    const step = r.steps.find((s) => s.name === "invalid");
    expect(step?.failures).toEqual([
      { property: "size", reason: "size must be a number >= 0" },
      { property: "name", reason: "name must match ^[a-z0-9-]+$" },
    ]);
    expect(lines.some((l) => l.includes("size: size must be a number >= 0"))).toBe(true);
    expect(lines[0], "the preview ran").toBe("Previewing update (dev):");
    expect(lines, "the apply did not").not.toContain("Updating (dev):");
    expect(fx.store().log, "no provider write").toEqual([]);
    expect(r.state.resources).toEqual([]);
  });

  it("with skipPreview, a check failure stops only that resource", async () => {
    const lines: string[] = [];
    const r = await up(fx.options({ invalid: "true" }, { onLine: (l) => lines.push(l), skipPreview: true }));
    expect(r.ok).toBe(false);
    expect(r.steps.find((s) => s.name === "invalid")?.failures?.map((f) => f.property)).toEqual(["size", "name"]);
    expect(lines[0]).toBe("Updating (dev):");
    // Independent steps still completed.
    expect(Object.keys(fx.store().objects).sort()).toEqual(["child", "fan-0", "fan-1", "fan-2", "leaf", "root"]);
  });

  it("a replacement without deleteBeforeReplace creates first and deletes the old copy at the end", async () => {
    await up(fx.options());
    const before = fx.store().log.length;
    const r = await up(fx.options({ childName: "child-2" }));
    expect(r.ok).toBe(true);
    expect(r.steps.find((s) => s.name === "child")).toMatchObject({ op: "replace", replaces: ["name"], id: "child-2" });
    const events = fx
      .store()
      .log.slice(before)
      .map((e) => `${e.event}:${e.name}`);
    expect(events.indexOf("end:create:child-2")).toBeLessThan(events.indexOf("begin:delete:child"));
    expect(Object.keys(fx.store().objects)).toContain("child-2");
    expect(fx.store().objects.child).toBeUndefined();
    expect(r.state.resources.filter((x) => x.name === "child")).toEqual([expect.objectContaining({ id: "child-2" })]);
    expect(r.state.resources.some((x) => x.pendingDelete)).toBe(false);
  });

  it("a failing program fails the run, and nothing unregistered is deleted", async () => {
    await up(fx.options());
    const r = await up(fx.options({ dropLeaf: "true", explode: "true" }));
    expect(r.ok).toBe(false);
    expect(r.programErrors.join("\n")).toContain("the program exploded");
    expect(r.steps.some((s) => s.op === "delete")).toBe(false);
    expect(fx.store().objects.leaf).toBeDefined();
    expect(r.state.resources.some((x) => x.name === "leaf")).toBe(true);
  });

  it("a partial failure keeps the created resource in the state with its id", async () => {
    const r = await up(fx.options({ partial: "true" }));
    expect(r.ok).toBe(false);
    expect(r.steps.find((s) => s.name === "partial")?.error).toMatch(/failed to initialize/);
    const rec = r.state.resources.find((x) => x.name === "partial");
    expect(rec).toMatchObject({ id: "partial", initErrors: ["boot failed"] });
    // The next run updates it instead of creating it again.
    const again = await up(fx.options({ partial: "true" }));
    expect(again.steps.find((s) => s.name === "partial")?.op).toBe("update");
  });

  it("steps run in parallel, and parallel: 1 serializes them", async () => {
    const config = { fanDelay: "200", fanCount: "4" };
    await up(fx.options(config));
    expect(maxOverlap(fx.store().log, "create")).toBeGreaterThan(1);
    await destroy(fx.options(config));
    rmSync(fx.storeFile);
    await up(fx.options(config, { parallel: 1 }));
    expect(maxOverlap(fx.store().log, "create")).toBe(1);
    expect(Object.keys(fx.store().objects)).toHaveLength(7);
  });

  it("a state with secrets cannot be read without the right passphrase", async () => {
    await up(fx.options());
    const withEnv = (env: Record<string, string>): ReturnType<typeof fx.options> => ({ ...fx.options(), env: { FIXTURE_STORE: fx.storeFile, ...env } });
    const saved = process.env.PULUMI_CONFIG_PASSPHRASE;
    delete process.env.PULUMI_CONFIG_PASSPHRASE;
    try {
      await expect(preview(withEnv({}))).rejects.toThrow(/PULUMI_CONFIG_PASSPHRASE/);
      await expect(preview(withEnv({ PULUMI_CONFIG_PASSPHRASE: "wrong" }))).rejects.toThrow(/wrong PULUMI_CONFIG_PASSPHRASE/);
    } finally {
      if (saved !== undefined) process.env.PULUMI_CONFIG_PASSPHRASE = saved;
    }
  });

  it("secret stack config reaches the program as a secret and stays out of the state", async () => {
    const o = fx.options();
    const r = await up({ ...o, secretConfig: { password: "pa55-from-config" } });
    expect(r.ok).toBe(true);
    expect(fx.store().objects.root?.password).toBe("pa55-from-config");
    expect(fx.stateText()).not.toContain("pa55-from-config");
  });

  it("secret provider config reaches configure() unwrapped; host output reaches onLine", async () => {
    const lines: string[] = [];
    const o = fx.options({}, { onLine: (l) => lines.push(l) });
    const r = await up({ ...o, config: { fanDelay: "0" }, secretConfig: { "fixture:prefix": "s-" } });
    expect(fx.store().objects.root?.fullName).toBe("s-root");
    expect(r.hostOutput).toContain("creating root");
    expect(lines).toContain("    creating root");
  });
});
