import { describe, it } from "vitest";
import { accessScenarios, tokenAndClusterScenarios } from "../e2e/scenarios";
import { runTofuScenario } from "./run-tofu-scenario";

describe.each([...accessScenarios, ...tokenAndClusterScenarios].map((s) => [`${s.namespace}.${s.kind}`, s] as const))(
  "%s through the real tofu",
  (_name, scenario) => {
    it("plans (invalid input named), applies, plans no change, updates, replaces, refreshes drift, imports and destroys", async () => {
      await runTofuScenario(scenario);
    }, 300_000);
  },
);
