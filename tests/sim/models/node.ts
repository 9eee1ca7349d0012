/** Per-node state: DNS, hosts, node config, time, services and the staged network config. */
import type { SimModel } from "../types";
import { installNodeConfig } from "./node-config";
import { installNodeNetwork } from "./node-network";
import { installNodeServices } from "./node-services";

/** The node model. */
export function nodeModel(): SimModel {
  return {
    name: "node",
    install(register, ctx) {
      installNodeConfig(register, ctx);
      installNodeNetwork(register, ctx);
      installNodeServices(register, ctx);
    },
  };
}
