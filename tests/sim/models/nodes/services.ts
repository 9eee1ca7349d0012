/**
 * `/nodes/{node}/services` as pve-manager `PVE/API2/Services.pm` serves it (`index`, `srvcmdidx`,
 * `service_state`, `service_start/stop/restart/reload` and `$service_cmd`): systemd units whose
 * state changes when their `srv*` task ends. The essential services (pveproxy, pvedaemon,
 * pve-cluster) refuse to stop inside the task; reload is `systemctl try-reload-or-restart`, which
 * leaves a stopped unit stopped. Every unit starts running and enabled (a real node's set varies).
 */
import type { SimContext, SimRequest } from "../../types";
import type { Register } from "../generic-store";
import { perNode } from "../per-node";
import { enumOf } from "../../core/schema";

type Action = "start" | "stop" | "restart" | "reload";
const ACTIONS: readonly Action[] = ["start", "stop", "restart", "reload"];
/** `$essential_services`. */
const ESSENTIAL = new Set(["pveproxy", "pvedaemon", "pve-cluster"]);

/** Registers the service list, state and the four actions. */
export function installNodeServices(register: Register, ctx: SimContext): void {
  const names = enumOf("GET", "/nodes/{node}/services/{service}/state", "service");
  const running = perNode(() => new Set(names));
  const state = (node: unknown, service: string): Record<string, unknown> => {
    const up = running(node).has(service);
    return {
      service,
      name: service,
      desc: `${service} service`,
      state: up ? "running" : "dead",
      "active-state": up ? "active" : "inactive",
      "unit-state": "enabled",
    };
  };

  register("GET", "/nodes/{node}/services", (req) => names.map((service) => state(req.params.node, service)));
  register("GET", "/nodes/{node}/services/{service}", () => [{ subdir: "state" }, ...ACTIONS.map((subdir) => ({ subdir }))]);
  register("GET", "/nodes/{node}/services/{service}/state", (req) => state(req.params.node, String(req.params.service)));
  for (const action of ACTIONS) {
    register("POST", `/nodes/{node}/services/{service}/${action}`, (req: SimRequest) => {
      const service = String(req.params.service);
      return ctx.startTask({
        node: String(req.params.node),
        type: `srv${action}`,
        id: service,
        auth: req.auth,
        work: () => {
          const units = running(req.params.node);
          if (action === "stop") {
            if (ESSENTIAL.has(service)) throw new Error(`invalid service cmd '${service} stop': refusing to stop essential service!`);
            units.delete(service);
          } else if (action !== "reload" || units.has(service)) units.add(service);
        },
      });
    });
  }
}
