/**
 * Per-node state: DNS, hosts, node config, time, services, the staged network config, apt and
 * certificates; and ACME (`/cluster/acme` with it, since a node's order reads its accounts and
 * plugins, and a node config's ACME domains are checked against the plugins: pve-manager
 * `PVE/NodeConfig.pm::verify_conf`). Each part names its PVE sources in its own file; the
 * certificates and ACME parts are in `../certificates`.
 */
import type { SimModel } from "../../types";
import { installAcme } from "../certificates/acme";
import { acmeNodeConfig, installAcmeCertificates } from "../certificates/acme-certificates";
import { installApt } from "./apt";
import { installAptRepositories } from "./apt-repositories";
import { installCertificates } from "../certificates";
import { installNodeConfig } from "./config";
import { installNodeNetwork } from "./network";
import { installNodeServices } from "./services";

/** The node model. */
export function nodeModel(): SimModel {
  return {
    name: "node",
    install(register, ctx) {
      const acme = installAcme(register, ctx);
      const nodeConfig = installNodeConfig(register, ctx, (conf) => void acmeNodeConfig(conf, acme.plugins));
      installNodeNetwork(register, ctx);
      installNodeServices(register, ctx);
      installApt(register, ctx);
      installAptRepositories(register, ctx);
      const certs = installCertificates(register, ctx);
      installAcmeCertificates(register, ctx, { acme, nodeConfig, certs });
    },
  };
}
