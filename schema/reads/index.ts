/**
 * Read functions (data sources): a GET of the API whose result is typed from the official
 * schema's `returns`. They run in the Pulumi program itself, with the same connection settings.
 */
import { definitionOf } from "../definitions";
import type { FieldDef } from "../fields";
export interface ReadArg {
  /** The PVE parameter (path or query) the argument fills. */
  readonly pveName: string;
  readonly sdkName: string;
  readonly doc: string;
  readonly optional?: boolean;
}

export interface ReadSpec {
  /** SDK namespace; empty for the package root. */
  readonly namespace: string;
  /** Function name, e.g. `getUser`. */
  readonly name: string;
  readonly description: string;
  readonly path: string;
  readonly args: readonly ReadArg[];
  /** Constant query parameters. */
  readonly query?: Readonly<Record<string, string | number>>;
  /** The result is the first item of the returned list (PVE answers some single reads with a list). */
  readonly firstItem?: boolean;
  /**
   * The result (or each item of a returned list) is this kind's object as PVE returns it, by kind
   * key (`access:Realm`): the values of the kind's secret fields are secret outputs in it, so that
   * a program cannot put them in plain text into its stack outputs or state.
   */
  readonly objectOf?: string;
}

export const reads: readonly ReadSpec[] = [
  {
    namespace: "access",
    name: "getUser",
    description: "Reads one user (`GET /access/users/{userid}`); `keys` (Yubico ids or OATH secrets) is a secret output.",
    path: "/access/users/{userid}",
    args: [{ pveName: "userid", sdkName: "userId", doc: "The user id `name@realm`." }],
    objectOf: "access:User",
  },
  {
    namespace: "access",
    name: "getUsers",
    description: "Lists users with their tokens (`GET /access/users?full=1`); each user's `keys` is a secret output.",
    path: "/access/users",
    args: [{ pveName: "enabled", sdkName: "enabled", doc: "Only enabled (true) or disabled (false) users.", optional: true }],
    query: { full: 1 },
    objectOf: "access:User",
  },
  {
    namespace: "cluster",
    name: "getPool",
    description: "Reads one pool with its members (`GET /pools?poolid=`; nested ids such as `a/b` work).",
    path: "/pools",
    args: [{ pveName: "poolid", sdkName: "poolId", doc: "The pool id." }],
    firstItem: true,
  },
  {
    namespace: "cluster",
    name: "getStatus",
    description: "The cluster's status: the cluster entry and one entry per node (`GET /cluster/status`).",
    path: "/cluster/status",
    args: [],
  },
  {
    namespace: "access",
    name: "getRealms",
    description: "Lists the authentication realms (`GET /access/domains`).",
    path: "/access/domains",
    args: [],
  },
  {
    namespace: "access",
    name: "getRealm",
    description:
      "Reads one realm's configuration (`GET /access/domains/{realm}`). PVE never returns the bind password; it does return " +
      "the OpenID `clientKey` and the `tfa` settings (with a Yubico API key): they are secret outputs.",
    path: "/access/domains/{realm}",
    args: [{ pveName: "realm", sdkName: "realm", doc: "The realm id." }],
    objectOf: "access:Realm",
  },
  {
    namespace: "access",
    name: "getGroups",
    description: "Lists the user groups (`GET /access/groups`).",
    path: "/access/groups",
    args: [],
  },
  {
    namespace: "access",
    name: "getGroup",
    description: "Reads one group with its members (`GET /access/groups/{groupid}`).",
    path: "/access/groups/{groupid}",
    args: [{ pveName: "groupid", sdkName: "groupId", doc: "The group id." }],
  },
  {
    namespace: "access",
    name: "getRoles",
    description: "Lists the roles, built-in ones included (`GET /access/roles`).",
    path: "/access/roles",
    args: [],
  },
  {
    namespace: "access",
    name: "getRole",
    description: "Reads one role's privileges (`GET /access/roles/{roleid}`): a map from privilege name to true.",
    path: "/access/roles/{roleid}",
    args: [{ pveName: "roleid", sdkName: "roleId", doc: "The role id, e.g. `PVEAuditor`." }],
  },
  {
    namespace: "access",
    name: "getAcl",
    description: "Lists the access control list (`GET /access/acl`).",
    path: "/access/acl",
    args: [],
  },
  {
    namespace: "access",
    name: "getTfa",
    description: "Lists a user's second factors (`GET /access/tfa/{userid}`; reading them works with an API token, changing them needs a ticket).",
    path: "/access/tfa/{userid}",
    args: [{ pveName: "userid", sdkName: "userId", doc: "The user id `name@realm`." }],
  },
  {
    namespace: "cluster",
    name: "getPools",
    description: "Lists the resource pools (`GET /pools`).",
    path: "/pools",
    args: [],
  },
  {
    namespace: "cluster",
    name: "getOptions",
    description: "Reads the datacenter options (`GET /cluster/options`); `httpProxy` (its userinfo may hold a password) is a secret output.",
    path: "/cluster/options",
    args: [],
    objectOf: "cluster:Options",
  },
  {
    namespace: "cluster",
    name: "getBackupJobs",
    description: "Lists the scheduled backup jobs (`GET /cluster/backup`).",
    path: "/cluster/backup",
    args: [],
  },
  {
    namespace: "cluster",
    name: "getBackupJob",
    description: "Reads one backup job (`GET /cluster/backup/{id}`).",
    path: "/cluster/backup/{id}",
    args: [{ pveName: "id", sdkName: "jobId", doc: "The job id." }],
  },
  {
    namespace: "cluster",
    name: "getReplicationJobs",
    description: "Lists the replication jobs (`GET /cluster/replication`).",
    path: "/cluster/replication",
    args: [],
  },
  {
    namespace: "cluster",
    name: "getReplicationJob",
    description: "Reads one replication job (`GET /cluster/replication/{id}`).",
    path: "/cluster/replication/{id}",
    args: [{ pveName: "id", sdkName: "jobId", doc: "The job id `<vmid>-<n>`." }],
  },
  {
    namespace: "firewall",
    name: "getClusterOptions",
    description: "Reads the datacenter firewall's options (`GET /cluster/firewall/options`).",
    path: "/cluster/firewall/options",
    args: [],
  },
  {
    namespace: "storage",
    name: "getStorages",
    description: "Lists the storage definitions (`GET /storage`), optionally of one type.",
    path: "/storage",
    args: [{ pveName: "type", sdkName: "type", doc: "Only storages of this type.", optional: true }],
    objectOf: "storage:Storage",
  },
  {
    namespace: "storage",
    name: "getStorage",
    description: "Reads one storage definition (`GET /storage/{storage}`); PVE never returns its secrets.",
    path: "/storage/{storage}",
    args: [{ pveName: "storage", sdkName: "storageId", doc: "The storage id." }],
    objectOf: "storage:Storage",
  },
  {
    namespace: "storage",
    name: "getNodeStorages",
    description: "The storages one node sees, with their usage (`GET /nodes/{node}/storage`).",
    path: "/nodes/{node}/storage",
    args: [
      { pveName: "node", sdkName: "node", doc: "The node." },
      { pveName: "content", sdkName: "content", doc: "Only storages holding this content type.", optional: true },
      { pveName: "enabled", sdkName: "enabled", doc: "Only enabled storages.", optional: true },
    ],
  },
  {
    namespace: "storage",
    name: "getNodeStorageStatus",
    description: "One storage's status on one node: active, total, used, available (`GET /nodes/{node}/storage/{storage}/status`).",
    path: "/nodes/{node}/storage/{storage}/status",
    args: [
      { pveName: "node", sdkName: "node", doc: "The node." },
      { pveName: "storage", sdkName: "storageId", doc: "The storage id." },
    ],
  },
  {
    namespace: "sdn",
    name: "getZones",
    description:
      "Lists SDN zones (`GET /cluster/sdn/zones`): the staged config by default; `pending: true` shows what an " +
      "apply would change (`state`: new, changed, deleted, and the `pending` values); `running: true` the applied config.",
    path: "/cluster/sdn/zones",
    args: [
      { pveName: "type", sdkName: "type", doc: "Only zones of this type.", optional: true },
      { pveName: "pending", sdkName: "pending", doc: "Show pending changes.", optional: true },
      { pveName: "running", sdkName: "running", doc: "Show the running (applied) config.", optional: true },
    ],
  },
  {
    namespace: "sdn",
    name: "getPending",
    description:
      "The SDN vnets with their pending changes (`GET /cluster/sdn/vnets?pending=1`): an entry with a `state` " +
      "has changes that the next apply makes. Use `getZones({ pending: true })` for zones.",
    path: "/cluster/sdn/vnets",
    args: [],
    query: { pending: 1 },
  },
  {
    namespace: "node",
    name: "getCertificates",
    description:
      "Reads a node's certificates (`GET /nodes/{node}/certificates/info`): PVE's root CA, the node's own " +
      "certificate and the custom or ACME one (`pveproxy-ssl.pem`) when set, with fingerprint, subject, " +
      "issuer, validity and SANs. Private keys are never returned.",
    path: "/nodes/{node}/certificates/info",
    args: [{ pveName: "node", sdkName: "node", doc: "The node." }],
  },
  {
    namespace: "node",
    name: "getAptRepositories",
    description:
      "Reads a node's APT repositories (`GET /nodes/{node}/apt/repositories`): the parsed files with their " +
      "entries (types, URIs, suites, components, options, enabled), parse errors, PVE's notes (`infos`), the " +
      "standard repositories with their status (absent: not configured) and the digest of all files.",
    path: "/nodes/{node}/apt/repositories",
    args: [{ pveName: "node", sdkName: "node", doc: "The node." }],
  },
  {
    namespace: "node",
    name: "getFirewallLog",
    description: "Reads a node's firewall log (`GET /nodes/{node}/firewall/log`): numbered lines `{n, t}`.",
    path: "/nodes/{node}/firewall/log",
    args: [
      { pveName: "node", sdkName: "node", doc: "The node." },
      { pveName: "limit", sdkName: "limit", doc: "At most this many lines.", optional: true },
      { pveName: "start", sdkName: "start", doc: "Skip this many lines.", optional: true },
    ],
  },
  {
    namespace: "cluster",
    name: "getAcmeDirectories",
    description: "The ACME directories PVE knows by name (`GET /cluster/acme/directories`): Let's Encrypt V2 and its staging.",
    path: "/cluster/acme/directories",
    args: [],
  },
  {
    namespace: "cluster",
    name: "getAcmeMeta",
    description:
      "An ACME directory's metadata (`GET /cluster/acme/meta`): its Terms of Service URL (the value " +
      "`cluster.AcmeAccount`'s `tosUrl` accepts), website, CAA identities and whether it requires External Account Binding.",
    path: "/cluster/acme/meta",
    args: [{ pveName: "directory", sdkName: "directory", doc: "The directory URL (PVE's default: Let's Encrypt V2).", optional: true }],
  },
  {
    namespace: "cluster",
    name: "getAcmeAccounts",
    description: "Lists the cluster's ACME accounts by name (`GET /cluster/acme/account`).",
    path: "/cluster/acme/account",
    args: [],
  },
  {
    namespace: "cluster",
    name: "getAcmeChallengeSchema",
    description: "The DNS challenge plugin APIs PVE supports, with the fields each one's `data` takes (`GET /cluster/acme/challenge-schema`).",
    path: "/cluster/acme/challenge-schema",
    args: [],
  },
  {
    namespace: "",
    name: "getVersion",
    description: "The connected Proxmox VE's version (`GET /version`).",
    path: "/version",
    args: [],
  },
];

/** The fields whose values are secret in a read's result: the secret fields of the kind it returns (see `objectOf`). */
export function secretFieldsOf(spec: ReadSpec): readonly FieldDef[] {
  return spec.objectOf ? definitionOf(spec.objectOf).fieldList.filter((field) => field.secret) : [];
}

/** A read function by its qualified name (`access.getUser`, `getVersion`). */
export function readOf(qualifiedName: string): ReadSpec {
  const found = reads.find((r) => (r.namespace ? `${r.namespace}.${r.name}` : r.name) === qualifiedName);
  if (!found) throw new Error(`unknown read function '${qualifiedName}'`);
  return found;
}
