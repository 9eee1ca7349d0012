import { describe, it } from "vitest";
import { accountScenario, pluginScenario } from "../e2e/acme-scenarios";
import { customCertificateScenario } from "../e2e/certificate-scenarios";
import { ipSetEntryScenario } from "../e2e/ipset-entry-scenario";
import { runTofuScenario } from "./run-tofu-scenario";

describe.each([accountScenario, pluginScenario, customCertificateScenario, ipSetEntryScenario].map((s) => [`${s.namespace}.${s.kind}`, s] as const))(
  "%s through the real tofu",
  (_name, scenario) => {
    it("plans (invalid input named), applies, plans no change, updates, replaces, refreshes drift, imports and destroys", async () => {
      await runTofuScenario(scenario);
    }, 300_000);
  },
);
