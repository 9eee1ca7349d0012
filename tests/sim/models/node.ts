/** Per-node state: DNS, hosts, node config, time, services, the staged network config, apt and certificates. */
import type { SimModel } from "../types";
import { installApt } from "./apt";
import { installAptRepositories } from "./apt-repositories";
import { installCertificates } from "./certificates";
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
      installApt(register, ctx);
      installAptRepositories(register, ctx);
      installCertificates(register, ctx);
    },
  };
}
