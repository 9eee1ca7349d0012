import { describe } from "vitest";
import { clusterGovernanceScenarios, storageScenarios } from "../e2e/governance-scenarios";
import { accessScenarios, tokenAndClusterScenarios } from "../e2e/scenarios";
import { kindGroupThroughCli } from "./kinds";

describe("access, pool, cluster, job and storage kinds through the real pulumi CLI", () => {
  kindGroupThroughCli("kinds-access", [...accessScenarios, ...tokenAndClusterScenarios, ...clusterGovernanceScenarios, ...storageScenarios], "token");
});
