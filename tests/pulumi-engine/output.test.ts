// `output` (`pulumi stack output`): the stack outputs from the state, secrets hidden at any depth
// unless shown, through the API and the command line; and the `up` footer hides nested secrets too.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stackOutput, up } from "./index";
import { PASSPHRASE, setupFixtureProgram, type FixtureProgram } from "./testkit";

const TOKEN = /tok-root-\d+/;

describe("stack outputs", () => {
  let fx: FixtureProgram;
  let footer: string[] = [];
  beforeAll(async () => {
    fx = setupFixtureProgram();
    const lines: string[] = [];
    const result = await up(fx.options({ nestedOutputs: "true" }, { onLine: (l) => lines.push(l) }));
    expect(result.ok, result.programErrors.join("\n")).toBe(true);
    footer = lines.slice(lines.lastIndexOf("Outputs:"));
  });
  afterAll(() => fx.cleanup());

  it("the up's footer hides a secret inside an object or an array, not only a top-level one", () => {
    expect(footer).toContain("    rootToken: [secret]");
    expect(footer).toContain('    nested: {"deep":{"token":"[secret]"},"name":"p-root","tokens":["[secret]"]}');
    expect(footer.join("\n")).not.toMatch(TOKEN);
  });

  it("prints the table as `pulumi stack output` does, secrets as [secret], without needing the passphrase", () => {
    // No PULUMI_CONFIG_PASSPHRASE: hidden secrets are never decrypted.
    const result = stackOutput({ programDir: fx.dir, stateFile: fx.stateFile, env: { PULUMI_CONFIG_PASSPHRASE: "" } });
    expect(result.ok).toBe(true);
    expect(result.lines).toEqual([
      "Current stack outputs (4):",
      "    OUTPUT     VALUE",
      '    fanNames   ["p-fan-0","p-fan-1","p-fan-2"]',
      "    leafName   p-leaf",
      '    nested     {"deep":{"token":"[secret]"},"name":"p-root","tokens":["[secret]"]}',
      "    rootToken  [secret]",
    ]);
    expect(result.lines.join("\n")).not.toMatch(TOKEN);
  });

  it("--show-secrets decrypts them, nested ones too", () => {
    const result = stackOutput({ ...fx.options(), showSecrets: true });
    expect(result.outputs.rootToken).toMatch(TOKEN);
    expect(result.outputs.nested).toEqual({ name: "p-root", deep: { token: result.outputs.rootToken }, tokens: [result.outputs.rootToken] });
    expect(result.lines.find((l) => l.startsWith("    rootToken"))).toMatch(TOKEN);
  });

  it("one output prints its value alone (a string bare, anything else as JSON); --json indents; a missing one is an error", () => {
    expect(stackOutput({ ...fx.options(), name: "leafName" }).lines).toEqual(["p-leaf"]);
    expect(stackOutput({ ...fx.options(), name: "rootToken" }).lines).toEqual(["[secret]"]);
    expect(stackOutput({ ...fx.options(), name: "fanNames", json: true }).lines).toEqual(["[", '  "p-fan-0",', '  "p-fan-1",', '  "p-fan-2"', "]"]);
    const missing = stackOutput({ ...fx.options(), name: "nope" });
    expect(missing).toMatchObject({ ok: false, lines: [], error: "current stack does not have output property 'nope'" });
  });

  it("a stack without outputs says so", () => {
    const result = stackOutput({ programDir: fx.dir, stateFile: path.join(fx.dir, "no-state.json") });
    expect(result.lines).toEqual(["Current stack outputs (0):", "    No output values currently in this stack"]);
  });

  it("the command line: `output`, `output <name> --show-secrets --json`, and a missing name exits 1", () => {
    const tsx = path.resolve(__dirname, "../../node_modules/.bin/tsx");
    const cli = (args: string[], env: Record<string, string> = {}) =>
      spawnSync(tsx, [path.join(__dirname, "cli.ts"), "output", fx.dir, ...args, "--state", fx.stateFile], {
        encoding: "utf8",
        env: { ...process.env, PULUMI_CONFIG_PASSPHRASE: "", ...env },
      });
    const table = cli([]);
    expect(table.status, table.stderr).toBe(0);
    expect(table.stdout).toContain("    rootToken  [secret]\n");
    expect(table.stdout).not.toMatch(TOKEN);
    const shown = cli(["nested", "--show-secrets", "--json"], { PULUMI_CONFIG_PASSPHRASE: PASSPHRASE });
    expect(shown.status, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ deep: { token: expect.stringMatching(TOKEN) as unknown } });
    const missing = cli(["nope"]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("error: current stack does not have output property 'nope'");
  });
});
