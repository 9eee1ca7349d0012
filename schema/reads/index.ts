/**
 * Read functions (data sources): a GET of the API whose result is typed from the official
 * schema's `returns`. They run in the Pulumi program itself, with the same connection settings.
 */
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
}

export const reads: readonly ReadSpec[] = [
  {
    namespace: "access",
    name: "getUser",
    description: "Reads one user (`GET /access/users/{userid}`).",
    path: "/access/users/{userid}",
    args: [{ pveName: "userid", sdkName: "userId", doc: "The user id `name@realm`." }],
  },
  {
    namespace: "access",
    name: "getUsers",
    description: "Lists users with their tokens (`GET /access/users?full=1`).",
    path: "/access/users",
    args: [{ pveName: "enabled", sdkName: "enabled", doc: "Only enabled (true) or disabled (false) users.", optional: true }],
    query: { full: 1 },
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
    namespace: "",
    name: "getVersion",
    description: "The connected Proxmox VE's version (`GET /version`).",
    path: "/version",
    args: [],
  },
];

/** A read function by its qualified name (`access.getUser`, `getVersion`). */
export function readOf(qualifiedName: string): ReadSpec {
  const found = reads.find((r) => (r.namespace ? `${r.namespace}.${r.name}` : r.name) === qualifiedName);
  if (!found) throw new Error(`unknown read function '${qualifiedName}'`);
  return found;
}
