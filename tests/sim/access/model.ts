/** The access-control model: everything PVE keeps in user.cfg, domains.cfg and tfa.cfg. */
import type { SimModel } from "../types";
import type { AccessDeps } from "./common";
import { installAcl } from "./acl";
import { installDomains } from "./domains";
import { installGroups } from "./groups";
import { installPools } from "./pools";
import { installRoles } from "./roles";
import { installTfa } from "./tfa";
import { installTicket } from "./ticket";
import { installTokens } from "./tokens";
import { installUsers } from "./users";

/** Builds the access model over the core's store, signer and permission engine. */
export function accessModel(deps: AccessDeps): SimModel {
  return {
    name: "access",
    install(register, ctx) {
      for (const install of [installTicket, installUsers, installTokens, installGroups, installRoles, installAcl, installDomains, installTfa, installPools]) {
        install(register, ctx, deps);
      }
    },
  };
}
