/**
 * The access-control model: everything PVE keeps in user.cfg, domains.cfg and tfa.cfg, served as
 * pve-access-control's `src/PVE/API2/AccessControl.pm` mounts its subclasses (User, Group, Role,
 * ACL, Domains, TFA) and pve-manager's `PVE/API2/Pool.pm` serves pools. Each installer's file
 * names the handlers it follows.
 */
import type { SimModel } from "../../types";
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
