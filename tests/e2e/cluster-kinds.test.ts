import { describe, it } from "vitest";
import { runScenario } from "./run-scenario";
import { tokenAndClusterScenarios } from "./scenarios";

describe.each(tokenAndClusterScenarios.map((s) => [`${s.namespace}.${s.kind}`, s] as const))("%s through the local engine", (_name, scenario) => {
  it("creates, previews no change, updates, replaces, refreshes drift, adopts and destroys", async () => {
    await runScenario("cluster", scenario);
  }, 180_000);
});
