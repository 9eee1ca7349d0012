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
