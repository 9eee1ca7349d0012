/** Test-only kinds for engine pieces no shipped kind exercises yet. */
import { defineKind, restCalls } from "../../schema/define";

/** An action: restarting a node service is a worker task on PVE. */
export const serviceRestart = defineKind({
  namespace: "test",
  name: "ServiceRestart",
  description: "Restarts a node service.",
  lifecycle: "action",
  identity: ["node", "service"],
  create: { method: "POST", path: "/nodes/{node}/services/{service}/restart" },
});

/** A user kind without `access.User`'s `unset` for `expire`: a number PVE's user update cannot delete. */
export const plainUser = defineKind({
  namespace: "test",
  name: "PlainUser",
  description: "A user whose expiry has no value that means 'not set'.",
  lifecycle: "collection",
  identity: ["userid"],
  ...restCalls("/access/users", "/access/users/{userid}"),
});
