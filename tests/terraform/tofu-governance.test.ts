import { describe, it } from "vitest";
import { accessGovernanceScenarios, clusterGovernanceScenarios, storageScenarios } from "../e2e/governance-scenarios";
import { runTofuScenario } from "./run-tofu-scenario";

describe.each([...accessGovernanceScenarios, ...clusterGovernanceScenarios, ...storageScenarios].map((s) => [`${s.namespace}.${s.kind}`, s] as const))(
  "%s through the real tofu",
  (_name, scenario) => {
    it("plans (invalid input named), applies, plans no change, updates, replaces, refreshes drift, imports and destroys", async () => {
      await runTofuScenario(scenario);
    }, 300_000);
  },
);
