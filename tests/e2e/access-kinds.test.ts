import { describe, it } from "vitest";
import { runScenario } from "./run-scenario";
import { accessScenarios } from "./scenarios";

describe.each(accessScenarios.map((s) => [`${s.namespace}.${s.kind}`, s] as const))("%s through the local engine", (_name, scenario) => {
  it("creates, previews no change, updates, replaces, refreshes drift, adopts and destroys", async () => {
    await runScenario("access", scenario);
  }, 180_000);
});
