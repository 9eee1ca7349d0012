// The whole lifecycle of the fixture program through the real dynamic-provider host.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { destroy, preview, refresh, up, type EngineResult, type StepRecord } from "./index";
import { PASSPHRASE, setupFixtureProgram, type FixtureProgram } from "./testkit";

const THING = "pulumi-nodejs:dynamic/fixture:Thing";

function ops(r: EngineResult, op?: StepRecord["op"]): string[] {
  return r.steps
    .filter((s) => s.type === THING && (!op || s.op === op))
    .map((s) => (op ? s.name : `${s.op}:${s.name}`))
    .sort();
}

describe("engine lifecycle", () => {
  let fx: FixtureProgram;
  beforeAll(() => {
    fx = setupFixtureProgram();
  });
  afterAll(() => fx.cleanup());

  it("preview shows every create and touches nothing", async () => {
    const lines: string[] = [];
    const r = await preview(fx.options({}, { onLine: (l) => lines.push(l) }));
    expect(r.ok).toBe(true);
    expect(ops(r)).toEqual(["create:child", "create:fan-0", "create:fan-1", "create:fan-2", "create:leaf", "create:root"]);
    expect(fx.store().log).toEqual([]);
    expect(lines).toContain(` +  ${THING} root create`);
    expect(lines.some((l) => l.includes("to create"))).toBe(true);
  });

  it("up creates them, in dependency order", async () => {
    const r = await up(fx.options());
    expect(r.ok).toBe(true);
    expect(ops(r, "create")).toEqual(["child", "fan-0", "fan-1", "fan-2", "leaf", "root"]);
    const names = fx
      .store()
      .log.filter((e) => e.event === "end:create")
      .map((e) => e.name);
    expect(names[0]).toBe("root");
    expect(names.indexOf("child")).toBeLessThan(names.indexOf("leaf"));
    // configure() saw the stack config "fixture:prefix".
    expect(fx.store().objects.leaf?.fullName).toBe("p-leaf");
    expect(r.state.resources.find((x) => x.name === "root")?.id).toBe("root");
    expect(r.outputs.fanNames).toEqual(["p-fan-0", "p-fan-1", "p-fan-2"]);
  });

  it("preview right after up shows no change", async () => {
    const r = await preview(fx.options());
    expect(ops(r).every((s) => s.startsWith("same:"))).toBe(true);
    expect(r.summary).toEqual({ same: 7 });
  });

  it("an input change is exactly one update, which up applies", async () => {
    const p = await preview(fx.options({ leafSize: "30" }));
    expect(p.steps.filter((s) => s.op !== "same")).toEqual([expect.objectContaining({ op: "update", name: "leaf", diffs: ["size"] })]);
    expect(fx.store().objects.leaf?.size).toBe(3);
    const u = await up(fx.options({ leafSize: "30" }));
    expect(ops(u, "update")).toEqual(["leaf"]);
    expect(fx.store().objects.leaf).toMatchObject({ size: 30, generation: 2 });
  });

  it("an immutable input change replaces, deleting first when the provider asks", async () => {
    const config = { leafSize: "30", rootZone: "b" };
    const p = await preview(fx.options(config));
    expect(p.steps.find((s) => s.name === "root")).toMatchObject({ op: "replace", replaces: ["zone"] });
    // The replacement's outputs are unknown in preview, so its dependents (and theirs) show as updates.
    expect(ops(p, "update")).toEqual(["child", "fan-0", "fan-1", "fan-2", "leaf"]);
    const before = fx.store().log.length;
    const u = await up(fx.options(config));
    expect(u.ok).toBe(true);
    expect(u.steps.find((s) => s.name === "root")?.op).toBe("replace");
    const rootEvents = fx
      .store()
      .log.slice(before)
      .filter((e) => e.name === "root")
      .map((e) => e.event);
    expect(rootEvents).toEqual(["begin:delete", "end:delete", "begin:create", "end:create"]);
    expect(fx.store().objects.root?.zone).toBe("b");
    // up finds the dependents unchanged: their inputs are the same once known.
    expect(ops(u, "update")).toEqual([]);
  });

  it("refresh shows drift made outside the program", async () => {
    const store = fx.store();
    store.objects.child = { ...store.objects.child, size: 99 };
    delete store.objects["fan-2"];
    fx.writeStore(store);
    const r = await refresh(fx.options());
    expect(r.ok).toBe(true);
    expect(r.steps.find((s) => s.name === "child")).toMatchObject({ op: "refresh", drift: ["size"] });
    expect(r.steps.find((s) => s.name === "root")).toMatchObject({ op: "refresh", drift: [] });
    expect(r.steps.find((s) => s.name === "fan-2")).toMatchObject({ deleted: true });
    expect(r.state.resources.some((x) => x.name === "fan-2")).toBe(false);
    // The next up puts the program's values back.
    const u = await up(fx.options({ leafSize: "30", rootZone: "b" }));
    expect(ops(u, "update")).toEqual(["child"]);
    expect(ops(u, "create")).toEqual(["fan-2"]);
  });

  it("a resource the program no longer registers is deleted", async () => {
    const r = await up(fx.options({ leafSize: "30", rootZone: "b", dropLeaf: "true" }));
    expect(r.ok).toBe(true);
    expect(ops(r, "delete")).toEqual(["leaf"]);
    expect(fx.store().objects.leaf).toBeUndefined();
  });

  it("the state holds no secret in plain text and no credential in __provider", () => {
    const text = fx.stateText();
    expect(text).not.toContain("default-s3cret");
    const tokens = Object.values(fx.store().objects).map((o) => String(o.token));
    for (const t of tokens) expect(text).not.toContain(t);
    expect(text).not.toContain(PASSPHRASE);
    const state = JSON.parse(text) as { resources: Array<{ type: string; inputs: Record<string, unknown>; outputs: Record<string, unknown> }> };
    const things = state.resources.filter((x) => x.type === THING);
    const providers = new Set(things.flatMap((x) => [x.inputs.__provider, x.outputs.__provider]));
    expect(providers.size).toBe(1);
    const provider = String([...providers][0]);
    expect(provider).toContain('require("fixture-provider/runtime")');
    expect(provider).not.toContain(fx.storeFile);
    expect(provider).not.toContain("PULUMI_CONFIG_PASSPHRASE");
  });

  it("the secrets come back decrypted for the program", async () => {
    const r = await preview(fx.options({ leafSize: "30", rootZone: "b", dropLeaf: "true" }));
    expect(r.outputs.rootToken).toMatchObject({ value: expect.stringMatching(/^tok-root-/) });
  });

  it("destroy deletes everything, dependents first", async () => {
    const before = fx.store().log.length;
    const r = await destroy(fx.options());
    expect(r.ok).toBe(true);
    expect(fx.store().objects).toEqual({});
    expect(r.state.resources).toEqual([]);
    const deletes = fx
      .store()
      .log.slice(before)
      .filter((e) => e.event === "end:delete")
      .map((e) => e.name);
    expect(deletes.at(-1)).toBe("root");
  });
});
