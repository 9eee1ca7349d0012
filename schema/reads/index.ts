/**
 * Every read function (data source): a GET of the API whose result is typed from the official
 * schema's `returns`. They run in the Pulumi program itself, with the same connection settings,
 * and Terraform serves each as a data source.
 *
 * Layout, the same rule as `schema/definitions/`: a read function is a definition made with
 * `defineRead` (`./define.ts`), in `schema/reads/<namespace>/<family>.ts`. A family is one GET
 * path group: the list read of a PVE collection and the read of one of its items, which share
 * the path and the kind they return (`access/users.ts`: `getUsers` and `getUser`); a GET with no
 * item read beside it is a family of its own (`cluster/status.ts`). Reads at the SDK's package
 * root sit in `schema/reads/<family>.ts` (`version.ts`). They stay out of the kinds' files: one
 * file per kind, one per read family, no grab-bag. Register each one here.
 */
import { getAcl } from "./access/acl";
import { getGroup, getGroups } from "./access/groups";
import { getRealm, getRealms } from "./access/realms";
import { getRole, getRoles } from "./access/roles";
import { getTfa } from "./access/tfa";
import { getUser, getUsers } from "./access/users";
import { getAcmeAccounts } from "./cluster/acme-accounts";
import { getAcmeChallengeSchema } from "./cluster/acme-challenge-schema";
import { getAcmeDirectories } from "./cluster/acme-directories";
import { getAcmeMeta } from "./cluster/acme-meta";
import { getBackupJob, getBackupJobs } from "./cluster/backup-jobs";
import { getNextId } from "./cluster/next-id";
import { getOptions } from "./cluster/options";
import { getPool, getPools } from "./cluster/pools";
import { getReplicationJob, getReplicationJobs } from "./cluster/replication-jobs";
import { getResources } from "./cluster/resources";
import { getStatus } from "./cluster/status";
import type { ReadDefinition } from "./define";
import { getClusterOptions } from "./firewall/cluster-options";
import { getAptRepositories } from "./node/apt-repositories";
import { getCertificates } from "./node/certificates";
import { getFirewallLog } from "./node/firewall-log";
import { getPending } from "./sdn/pending";
import { getZones } from "./sdn/zones";
import { getNodeStorageStatus, getNodeStorages } from "./storage/node-storages";
import { getStorage, getStorages } from "./storage/storages";
import { getVersion } from "./version";
import { getVirtualMachine, getVirtualMachines } from "./vm/virtual-machines";

export {
  type ItemMatch,
  type ReadArg,
  type ReadArgument,
  type ReadArgumentType,
  type ReadDefinition,
  type ReadFilter,
  type ReadSpec,
  defineRead,
  pathParamsOf,
  qualifiedReadName,
  secretFieldsOf,
} from "./define";

/** Every read function, in the order the SDK and the Terraform provider have always listed them. */
export const reads: readonly ReadDefinition[] = [
  getUser,
  getUsers,
  getPool,
  getStatus,
  getRealms,
  getRealm,
  getGroups,
  getGroup,
  getRoles,
  getRole,
  getAcl,
  getTfa,
  getPools,
  getOptions,
  getBackupJobs,
  getBackupJob,
  getReplicationJobs,
  getReplicationJob,
  getClusterOptions,
  getStorages,
  getStorage,
  getNodeStorages,
  getNodeStorageStatus,
  getZones,
  getPending,
  getCertificates,
  getAptRepositories,
  getFirewallLog,
  getAcmeDirectories,
  getAcmeMeta,
  getAcmeAccounts,
  getAcmeChallengeSchema,
  getVersion,
  getResources,
  getNextId,
  getVirtualMachines,
  getVirtualMachine,
];

const byName = new Map<string, ReadDefinition>();
for (const read of reads) {
  if (byName.has(read.qualifiedName)) throw new Error(`read function ${read.qualifiedName} is registered twice`);
  byName.set(read.qualifiedName, read);
}

/** A read function by its qualified name (`access.getUser`, `getVersion`). */
export function readOf(qualifiedName: string): ReadDefinition {
  const found = byName.get(qualifiedName);
  if (!found) throw new Error(`unknown read function '${qualifiedName}'`);
  return found;
}
