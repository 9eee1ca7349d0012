/** `firewall.IpSetEntry` through the local engine: its identity is a CIDR, which contains '/'. */
import { describe, it } from "vitest";
import { ipSetEntryScenario as scenario } from "./ipset-entry-scenario";
import { runScenario } from "./run-scenario";

describe("firewall.IpSetEntry through the local engine", () => {
  it("creates, previews no change, updates, replaces, refreshes drift, imports and destroys", async () => {
    await runScenario("firewall", scenario);
  }, 240_000);
});
