/** `firewall.IpSetEntry` through the local engine: its identity is a CIDR, which contains '/'. */
import { describe, it } from "vitest";
import { ipSetEntryScenario } from "./ipset-entry-scenario";
import { runScenario } from "./run-scenario";

describe("firewall.IpSetEntry through the local engine", () => {
  it("creates, previews no change, updates, replaces, refreshes drift, adopts and destroys", async () => {
    await runScenario("firewall", ipSetEntryScenario);
  }, 240_000);
});
