/** `/nodes/{node}/services`: systemd units whose state changes when their `srv*` task ends. */
import type { SimContext, SimRequest } from "../types";
import type { Register } from "./generic-store";
import { perNode } from "./per-node";
import { enumOf } from "./schema";

type Action = "start" | "stop" | "restart" | "reload";
const ACTIONS: readonly Action[] = ["start", "stop", "restart", "reload"];

/** Registers the service list, state and the four actions. */
export function installNodeServices(register: Register, ctx: SimContext): void {
  const names = enumOf("GET", "/nodes/{node}/services/{service}/state", "service");
  const running = perNode(() => new Set(names));
  const state = (node: unknown, service: string): Record<string, unknown> => {
    const up = running(node).has(service);
    return {
      service, name: service, desc: `${service} service`,
      state: up ? "running" : "dead", "active-state": up ? "active" : "inactive", "unit-state": "enabled",
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
          if (action === "stop") running(req.params.node).delete(service);
          else running(req.params.node).add(service);
        },
      });
    });
  }
}
