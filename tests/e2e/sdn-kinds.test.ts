import { describe, it } from "vitest";
import { runScenario } from "./run-scenario";
import { sdnScenarios } from "./sdn-scenarios";

describe.each(sdnScenarios.map((s) => [`${s.namespace}.${s.kind}`, s] as const))("%s through the local engine", (_name, scenario) => {
  it("creates, previews no change, updates, replaces, refreshes drift, adopts and destroys; nothing left pending", async () => {
    await runScenario("sdn", scenario);
  }, 240_000);
});
