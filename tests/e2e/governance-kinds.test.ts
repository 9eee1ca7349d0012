import { describe, it } from "vitest";
import { accessGovernanceScenarios, clusterGovernanceScenarios } from "./governance-scenarios";
import { runScenario } from "./run-scenario";

describe.each([...accessGovernanceScenarios, ...clusterGovernanceScenarios].map((s) => [`${s.namespace}.${s.kind}`, s] as const))(
  "%s through the local engine",
  (_name, scenario) => {
    it("creates, previews no change, updates, replaces, refreshes drift, adopts and destroys", async () => {
      await runScenario("governance", scenario);
    }, 240_000);
  },
);
