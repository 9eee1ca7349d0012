import { describe, it } from "vitest";
import { storageScenarios } from "./governance-scenarios";
import { runScenario } from "./run-scenario";

describe.each(storageScenarios.map((s) => [`${s.namespace}.${s.kind} (${String(s.initial["type"])})`, s] as const))(
  "%s through the local engine",
  (_name, scenario) => {
    it("creates, previews no change, updates, replaces, refreshes drift, adopts and destroys", async () => {
      await runScenario("storage", scenario);
    }, 240_000);
  },
);
