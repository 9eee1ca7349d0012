import { describe } from "vitest";
import { customCertificateScenario } from "../e2e/certificate-scenarios";
import { firewallScenarios } from "../e2e/firewall-scenarios";
import { ipSetEntryScenario } from "../e2e/ipset-entry-scenario";
import { nodeScenarios } from "../e2e/node-scenarios";
import { sdnScenarios } from "../e2e/sdn-scenarios";
import { kindGroupThroughCli } from "./kinds";

describe("SDN, firewall, node and certificate kinds through the real pulumi CLI", () => {
  kindGroupThroughCli("kinds-network", [...sdnScenarios, ...firewallScenarios, ipSetEntryScenario, ...nodeScenarios, customCertificateScenario], "token");
});
