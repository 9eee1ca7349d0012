import { describe } from "vitest";
import { accountScenario, pluginScenario } from "../e2e/acme-scenarios";
import { accessGovernanceScenarios } from "../e2e/governance-scenarios";
import { kindGroupThroughCli } from "./kinds";

// Realms, TFA and ACME accounts: what PVE lets only root@pam itself do, so this stack logs in by ticket.
describe("realm, TFA and ACME kinds through the real pulumi CLI, with ticket auth", () => {
  kindGroupThroughCli("kinds-ticket", [...accessGovernanceScenarios, accountScenario, pluginScenario], "ticket");
});
