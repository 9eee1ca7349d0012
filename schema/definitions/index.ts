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
import { acmeAccount, acmePlugin } from "./cluster/acme";
import { backupJob } from "./cluster/backup-job";
import { options } from "./cluster/options";
import { pool } from "./cluster/pool";
import { poolMembership } from "./cluster/pool-membership";
import { replicationJob } from "./cluster/replication-job";
import { clusterOptions as firewallClusterOptions } from "./firewall/cluster-options";
import { storage } from "./storage/storage";
import { alias, ipSet, ipSetEntry, nodeOptions as firewallNodeOptions, securityGroup } from "./firewall/objects";
import { clusterRule, nodeRule, securityGroupRule } from "./firewall/rules";
import { acmeCertificate } from "./node/acme";
import { aptRepository, aptStandardRepository, aptUpdate } from "./node/apt";
import { customCertificate } from "./node/certificates";
import { networkInterface } from "./node/network";
import { serviceAction } from "./node/services";
import { dns, hosts, nodeOptions, time } from "./node/system";
import { controller } from "./sdn/controller";
import { ipam } from "./sdn/ipam";
import { subnet } from "./sdn/subnet";
import { vnet } from "./sdn/vnet";
import { zone } from "./sdn/zone";

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
];

const byKey = new Map(definitions.map((d) => [d.key, d]));

/** The definition of a kind, or a clear error for a kind this version does not know. */
export function definitionOf(key: string): KindDefinition {
  const found = byKey.get(key);
  if (!found) throw new Error(`unknown Proxmox resource kind '${key}' (known: ${[...byKey.keys()].join(", ")})`);
  return found;
}
