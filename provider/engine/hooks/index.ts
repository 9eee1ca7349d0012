/**
 * Hooks: the few things a kind needs that its data cannot say. A kind names its hook set in its
 * definition (`hooks: "acl-entry"`); the engine calls the hook at a fixed point of the lifecycle.
 */
import type { KindDefinition } from "../../../schema/define";
import type { FieldDef } from "../../../schema/fields";
import type { EngineApi, WireParams } from "../api";
import type { Identity } from "../identity";
import type { Props } from "../values";
import { aclEntryHooks } from "./acl-entry";
import { acmeAccountHooks } from "./acme-account";
import { aptRepositoryHooks, aptStandardRepositoryHooks } from "./apt-repositories";
import { customCertificateHooks } from "./custom-certificate";
import {
  firewallAliasHooks,
  firewallIpSetEntryHooks,
  firewallIpSetHooks,
  firewallRuleHooks,
  firewallSecurityGroupHooks,
  firewallSecurityGroupRuleHooks,
} from "./firewall";
import { nodeDnsHooks } from "./node-dns";
import { realmSyncHooks } from "./realm-sync";
import { rolePrivilegesHooks } from "./role-privileges";
import { sdnSubnetHooks } from "./sdn-subnet";
import { serviceActionHooks } from "./service-action";
import { tfaEntryHooks } from "./tfa-entry";
import { userPasswordHooks } from "./user-password";

/** A per-field failure, as Pulumi's `check` reports it. */
export interface CheckFailure {
  property: string;
  reason: string;
}

export interface KindHooks {
  /** Cross-field rules the schema cannot express; runs after field validation, on known values only. */
  check?(news: Props): CheckFailure[];
  /**
   * Checks that need the connected PVE (e.g. privileges of its major version). Runs in `check`
   * (so in preview) after the local checks passed, with values that may still be unknown.
   */
  checkRemote?(api: EngineApi, news: Props): Promise<CheckFailure[]>;
  /**
   * Identity parts PVE assigns that follow from the inputs (a TFA recovery entry is always
   * `recovery`): they let a create whose answer was lost find the object it made.
   */
  assignedIdentity?(news: Props): Identity;
  /** Completes the create call's parameters with values derived at apply time (e.g. a TOTP code). */
  beforeCreate?(params: WireParams, news: Props): WireParams;
  /** Reshapes PVE's read-back before decoding (e.g. a role's privileges come back as keys). */
  decodeRead?(raw: Readonly<Record<string, unknown>>): Record<string, unknown>;
  /** Applies changes of fields that the update call cannot carry (e.g. a password), before the update call. */
  beforeUpdate?(api: EngineApi, identity: Identity, changed: ReadonlySet<FieldDef>, news: Props): Promise<void>;
}

const hookSets: Readonly<Record<string, KindHooks>> = {
  "acl-entry": aclEntryHooks,
  "realm-sync": realmSyncHooks,
  "role-privileges": rolePrivilegesHooks,
  "tfa-entry": tfaEntryHooks,
  "user-password": userPasswordHooks,
  "sdn-subnet": sdnSubnetHooks,
  "custom-certificate": customCertificateHooks,
  "acme-account": acmeAccountHooks,
  "apt-repository": aptRepositoryHooks,
  "apt-standard-repository": aptStandardRepositoryHooks,
  "service-action": serviceActionHooks,
  "firewall-rule": firewallRuleHooks,
  "firewall-security-group-rule": firewallSecurityGroupRuleHooks,
  "firewall-alias": firewallAliasHooks,
  "firewall-ip-set": firewallIpSetHooks,
  "firewall-ip-set-entry": firewallIpSetEntryHooks,
  "firewall-security-group": firewallSecurityGroupHooks,
  "node-dns": nodeDnsHooks,
};

/** The hooks of a kind (none when it names no set). */
export function hooksOf(def: KindDefinition): KindHooks {
  if (!def.hooks) return {};
  const hooks = hookSets[def.hooks];
  if (!hooks) throw new Error(`${def.key}: unknown hook set '${def.hooks}'`);
  return hooks;
}
