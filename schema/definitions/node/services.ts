/** A node's system services: start, stop, restart or reload one as an action. */
import { defineKind } from "../../define";

/** `node.ServiceAction`. */
export const serviceAction = defineKind({
  namespace: "node",
  name: "ServiceAction",
  description:
    "Starts, stops, restarts or reloads a node's system service (`POST /nodes/{node}/services/{service}/{action}`) " +
    "and waits for its `srv<action>` task. An action: it runs when created, and again when an input or one of its " +
    "`triggers` changes (e.g. restart pveproxy when a certificate's fingerprint changes); deleting it undoes nothing. " +
    "PVE refuses to stop its essential services (pveproxy, pvedaemon, pve-cluster): preview says so.",
  lifecycle: "action",
  identity: ["node", "service", "action"],
  create: { method: "POST", path: "/nodes/{node}/services/{service}/{action}" },
  hooks: "service-action",
  pathChoice: { param: "action", doc: "What to do: `start`, `stop`, `restart` or `reload`.", values: ["start", "stop", "restart", "reload"] },
  fields: {
    node: { doc: "The node." },
    action: { doc: "What to do: `start`, `stop`, `restart` or `reload`. Changing it runs the action again." },
    service: { doc: "The service, one of PVE's managed units (e.g. `pveproxy`, `chrony`, `postfix`)." },
  },
});
