/**
 * The layers' rule: definitions, their hooks, reads and the values below them import nothing from
 * `provider/` (the engine lends hooks what they need through their arguments). Only the code
 * generators, which turn the provider's schema into bindings, reach up.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(__dirname, "..", "..");

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** The module specifiers a file imports (static imports and re-exports). */
function importsOf(source: string): string[] {
  return [...source.matchAll(/^\s*(?:import|export)\b[^;]*?from\s+"([^"]+)"/gms)].map((match) => match[1] ?? "");
}

describe("schema/", () => {
  it("imports nothing from provider/, outside the code generators", () => {
    const schema = join(root, "schema");
    const offending = tsFiles(schema)
      .filter((file) => !relative(schema, file).startsWith("codegen"))
      .flatMap((file) =>
        importsOf(readFileSync(file, "utf8"))
          .filter((spec) => /(^|\/)provider(\/|$)/.test(spec))
          .map((spec) => `${relative(root, file)}: ${spec}`),
      );
    expect(offending).toEqual([]);
  });

  it("would see such an import", () => {
    expect(importsOf('import { errorKind } from "../../../provider/engine/api";\n')).toEqual(["../../../provider/engine/api"]);
  });
});
