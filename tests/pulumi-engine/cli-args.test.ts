// The local engine's command line for the operations of issue 19: `up --skip-preview` and
// `output [name] --show-secrets --json` (`pulumi stack output`).
import { describe, expect, it } from "vitest";
import { parseCli } from "./cli-args";

const noStdin = (): string => {
  throw new Error("stdin was not asked for");
};

describe("the engine's command line", () => {
  it("up previews first unless --skip-preview (or -f, as the Pulumi CLI spells it)", () => {
    expect(parseCli(["up", "prog", "--state", "s.json"], noStdin)?.skipPreview).toBe(false);
    expect(parseCli(["up", "prog", "--state", "s.json", "--skip-preview"], noStdin)?.skipPreview).toBe(true);
    expect(parseCli(["up", "prog", "--state", "s.json", "-f"], noStdin)?.skipPreview).toBe(true);
  });

  it("output takes an optional output name, --show-secrets and --json", () => {
    expect(parseCli(["output", "prog", "--state", "s.json"], noStdin)).toMatchObject({ op: "output", showSecrets: false, json: false });
    expect(parseCli(["output", "prog", "tokenSecret", "--state", "s.json", "--show-secrets", "--json"], noStdin)).toMatchObject({
      op: "output",
      outputName: "tokenSecret",
      showSecrets: true,
      json: true,
    });
  });

  it("a name is for output only, and one at most", () => {
    expect(parseCli(["up", "prog", "extra", "--state", "s.json"], noStdin)).toBeUndefined();
    expect(parseCli(["output", "prog", "a", "b", "--state", "s.json"], noStdin)).toBeUndefined();
  });
});
