import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { staleFiles } from "../../schema/codegen/generate-sdk";

describe("generated SDK", () => {
  it("is what `npm run gen` produces from the current definitions (the Pulumi SDK and the CDKTF-style bindings)", async () => {
    expect(await staleFiles(join(__dirname, "..", ".."))).toEqual([]);
  });
});
