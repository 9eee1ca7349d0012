// The local engine's port of what the Go engine does with a provider's diff answer.
import { describe, expect, it } from "vitest";
import { applyReplaceOnChanges, type DiffResult, inputDiff, isReplace, parsePath, resolveUnknown } from "./diff";
import { UNKNOWN, makeSecret } from "./values";

const answer = (extra: Partial<DiffResult> = {}): DiffResult => ({ changes: "unknown", replaces: [], deleteBeforeReplace: false, diffs: [], ...extra });

describe("the engine's input diff (diffResource with an unknown answer)", () => {
  it("lists changed keys and a detailed diff per property path, secrets compared by value", () => {
    const olds = { name: "a", comment: "one", tags: ["x", "y"], opts: { rate: 1, burst: 2 }, password: makeSecret("p") };
    const news = { name: "a", note: "new", tags: ["x", "z", "w"], opts: { rate: 1 }, password: makeSecret("p") };
    expect(inputDiff(olds, news)).toEqual({
      keys: ["comment", "note", "opts", "tags"],
      detailed: { comment: "DELETE", note: "ADD", "tags[1]": "UPDATE", "tags[2]": "ADD", "opts.burst": "DELETE" },
    });
  });

  it("counts an unknown value as an update", () => {
    expect(inputDiff({ a: "x" }, { a: UNKNOWN }).detailed).toEqual({ a: "UPDATE" });
  });

  it("resolves an unknown answer from the inputs, keeping the provider's replaces; equal inputs are no change", () => {
    expect(resolveUnknown(answer({ replaces: ["zone"] }), { zone: "a" }, { zone: "b" })).toMatchObject({
      changes: "some",
      diffs: ["zone"],
      replaces: ["zone"],
      detailedDiff: { zone: "UPDATE" },
    });
    expect(resolveUnknown(answer({ replaces: ["zone"] }), { zone: "a" }, { zone: "a" }).changes).toBe("none");
    // A definite answer is taken as it is.
    expect(resolveUnknown(answer({ changes: "some" }), { a: 1 }, { a: 1 }).changes).toBe("some");
  });
});

describe("replaceOnChanges (applyReplaceOnChanges)", () => {
  const some = resolveUnknown(answer(), { comment: "a", opts: { rate: 1 } }, { comment: "b", opts: { rate: 2 } });

  it("turns a change on a named path into a replacement, by key, nested path or wildcard", () => {
    expect(isReplace(some)).toBe(false);
    const byKey = applyReplaceOnChanges(some, ["comment"], false);
    expect(byKey).toMatchObject({ replaces: ["comment"], detailedDiff: { comment: "UPDATE_REPLACE", "opts.rate": "UPDATE" } });
    expect(isReplace(byKey)).toBe(true);
    expect(applyReplaceOnChanges(some, ["opts.rate"], false).detailedDiff).toMatchObject({ "opts.rate": "UPDATE_REPLACE", comment: "UPDATE" });
    expect(applyReplaceOnChanges(some, ["*"], false).replaces).toEqual(["comment", "opts"]);
    expect(isReplace(applyReplaceOnChanges(some, ["name"], false))).toBe(false);
  });

  it("replaces a resource whose create failed to initialize when `#initerror` (or `*`) is named, even without changes", () => {
    const none = answer({ changes: "none" });
    expect(applyReplaceOnChanges(none, ["*"], true)).toMatchObject({ changes: "some", replaces: ["#initerror"] });
    expect(applyReplaceOnChanges(none, ["comment"], true).changes).toBe("none");
    expect(applyReplaceOnChanges(none, ["*"], false).changes).toBe("none");
  });

  it("parses Pulumi's property paths", () => {
    expect(parsePath('a.b[0]["x-y"].c')).toEqual(["a", "b", 0, "x-y", "c"]);
    expect(parsePath("tags[*]")).toEqual(["tags", "*"]);
  });
});
