/** A node's system services: start, stop, restart or reload one as an action. */
import { defineKind } from "../../define";
import type { KindHooks } from "../../hooks";

/**
 * `node.ServiceAction`: PVE's service command refuses to stop its essential services (pve-manager
 * `PVE/API2/Services.pm` `$essential_services`: pveproxy, pvedaemon, pve-cluster) inside the
 * task, after the action was accepted; preview says so before anything runs.
 */

const ESSENTIAL = ["pveproxy", "pvedaemon", "pve-cluster"];

const serviceActionHooks: KindHooks = {
  check(news) {
    const service = news["service"];
    if (news["action"] !== "stop" || typeof service !== "string" || !ESSENTIAL.includes(service)) return [];
    return [{ property: "action", reason: `PVE refuses to stop its essential service '${service}' (${ESSENTIAL.join(", ")}); restart or reload it instead` }];
  },
};

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
  hooks: serviceActionHooks,
  pathChoice: { param: "action", doc: "What to do: `start`, `stop`, `restart` or `reload`.", values: ["start", "stop", "restart", "reload"] },
  fields: {
    node: { doc: "The node." },
    action: { doc: "What to do: `start`, `stop`, `restart` or `reload`. Changing it runs the action again." },
    service: { doc: "The service, one of PVE's managed units (e.g. `pveproxy`, `chrony`, `postfix`)." },
  },
});
