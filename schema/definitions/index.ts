/** Every resource kind, keyed by `<namespace>:<Name>`. */
import type { KindDefinition } from "../define";
import { acl } from "./access/acl";
import { apiToken } from "./access/api-token";
import { group } from "./access/group";
import { role } from "./access/role";
import { realm } from "./access/realm";
import { realmSync } from "./access/realm-sync";
import { tfa } from "./access/tfa";
import { user } from "./access/user";
import { acmeAccount } from "./cluster/acme-account";
import { acmePlugin } from "./cluster/acme-plugin";
import { backupJob } from "./cluster/backup-job";
import { options } from "./cluster/options";
import { pool } from "./cluster/pool";
import { poolMembership } from "./cluster/pool-membership";
import { replicationJob } from "./cluster/replication-job";
import { clusterOptions as firewallClusterOptions } from "./firewall/cluster-options";
import { storage } from "./storage/storage";
import { alias } from "./firewall/alias";
import { ipSet } from "./firewall/ip-set";
import { ipSetEntry } from "./firewall/ip-set-entry";
import { nodeOptions as firewallNodeOptions } from "./firewall/node-options";
import { securityGroup } from "./firewall/security-group";
import { clusterRule } from "./firewall/cluster-rule";
import { nodeRule } from "./firewall/node-rule";
import { securityGroupRule } from "./firewall/security-group-rule";
import { acmeCertificate } from "./node/acme-certificate";
import { aptRepository } from "./node/apt-repository";
import { aptStandardRepository } from "./node/apt-standard-repository";
import { aptUpdate } from "./node/apt-update";
import { customCertificate } from "./node/custom-certificate";
import { networkInterface } from "./node/network-interface";
import { serviceAction } from "./node/service-action";
import { dns } from "./node/dns";
import { hosts } from "./node/hosts";
import { nodeOptions } from "./node/options";
import { time } from "./node/time";
import { controller } from "./sdn/controller";
import { ipam } from "./sdn/ipam";
import { subnet } from "./sdn/subnet";
import { vnet } from "./sdn/vnet";
import { zone } from "./sdn/zone";
import { virtualMachine } from "./vm/virtual-machine";

export const definitions: readonly KindDefinition[] = [
  user,
  group,
  role,
  acl,
  apiToken,
  realm,
  realmSync,
  tfa,
  pool,
  poolMembership,
  options,
  backupJob,
  replicationJob,
  acmeAccount,
  acmePlugin,
  firewallClusterOptions,
  storage,
  zone,
  vnet,
  subnet,
  controller,
  ipam,
  alias,
  ipSet,
  ipSetEntry,
  securityGroup,
  clusterRule,
  nodeRule,
  securityGroupRule,
  firewallNodeOptions,
  dns,
  hosts,
  nodeOptions,
  time,
  networkInterface,
  aptUpdate,
  aptStandardRepository,
  aptRepository,
  customCertificate,
  acmeCertificate,
  serviceAction,
  virtualMachine,
];

const byKey = new Map(definitions.map((d) => [d.key, d]));

/** The definition of a kind, or a clear error for a kind this version does not know. */
export function definitionOf(key: string): KindDefinition {
  const found = byKey.get(key);
  if (!found) throw new Error(`unknown Proxmox resource kind '${key}' (known: ${[...byKey.keys()].join(", ")})`);
  return found;
}
