/** Test-only kinds for engine pieces no shipped kind exercises yet. */
import { defineKind } from "../../schema/define";

/** An action: restarting a node service is a worker task on PVE. */
export const serviceRestart = defineKind({
  namespace: "test",
  name: "ServiceRestart",
  description: "Restarts a node service.",
  lifecycle: "action",
  identity: ["node", "service"],
  create: { method: "POST", path: "/nodes/{node}/services/{service}/restart" },
});
