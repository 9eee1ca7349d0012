/**
 * `node.ServiceAction`: PVE's service command refuses to stop its essential services (pve-manager
 * `PVE/API2/Services.pm` `$essential_services`: pveproxy, pvedaemon, pve-cluster) inside the
 * task, after the action was accepted; preview says so before anything runs.
 */
import type { KindHooks } from ".";

const ESSENTIAL = ["pveproxy", "pvedaemon", "pve-cluster"];

export const serviceActionHooks: KindHooks = {
  check(news) {
    const service = news["service"];
    if (news["action"] !== "stop" || typeof service !== "string" || !ESSENTIAL.includes(service)) return [];
    return [{ property: "action", reason: `PVE refuses to stop its essential service '${service}' (${ESSENTIAL.join(", ")}); restart or reload it instead` }];
  },
};
