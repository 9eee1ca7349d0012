/**
 * Which cluster a resource lives on. Each resource's state records the identity of the cluster
 * that created (or last refreshed) it, and refresh, update and delete refuse to run against
 * another one: a copy of a stack, or a shell whose environment points elsewhere, must not delete
 * objects of the same name on the wrong cluster.
 *
 * The identity is the fingerprint of the cluster's root CA (`/etc/pve/pve-root-ca.pem`, as
 * `GET /nodes/{node}/certificates/info` reports it to any authenticated user). pve-cluster
 * makes that CA once per cluster, with a random UUID in its subject, and keeps it while it exists
 * (`gen_pveca_cert` returns early; `pvecm updatecerts --force` renews node certificates only), so
 * it is unique to a cluster and stable across every renewal of a node's certificate, ACME ones
 * included. A pinned node fingerprint is not: it changes with each renewal, so binding to it would
 * break every stack every 60-90 days. The cluster's name and its nodes are recorded too, for
 * messages, and decide only when a CA is missing on one side.
 */
import type { ProxmoxClient } from "../client";
import { isPveApiError } from "../client";
import { cleanServerText } from "../client/sanitize";

/** The property under which each resource's state records its cluster (hidden by Pulumi's display: it starts with `__`). */
export const CLUSTER_KEY = "__pveCluster";

/** What identifies a cluster (see the module's comment). */
export interface ClusterIdentity {
  /** SHA-256 fingerprint of the cluster's root CA, `AA:BB:...`. */
  readonly ca?: string;
  /** PVE's cluster name (`/cluster/status`), when the credentials may read it (Sys.Audit) and the node is in a cluster. */
  readonly name?: string;
  /** The node names, sorted. */
  readonly nodes: readonly string[];
}

interface NodeEntry {
  node?: unknown;
  status?: unknown;
}

interface CertificateInfo {
  filename?: unknown;
  fingerprint?: unknown;
}

const identities = new WeakMap<ProxmoxClient, Promise<ClusterIdentity>>();

async function rootCaFingerprint(client: ProxmoxClient, nodes: readonly string[]): Promise<string | undefined> {
  let lastError: unknown;
  for (const node of nodes) {
    try {
      const certs = await client.get<CertificateInfo[]>(`/nodes/${node}/certificates/info`);
      const root = certs.find((cert) => cert.filename === "pve-root-ca.pem");
      return typeof root?.fingerprint === "string" ? root.fingerprint.toUpperCase() : undefined;
    } catch (error) {
      // The CA file is cluster-wide: another node answers just as well when one is down.
      if (!isPveApiError(error, "unreachable", "timeout", "server")) throw error;
      lastError = error;
    }
  }
  if (lastError) throw lastError;
  return undefined;
}

async function clusterName(client: ProxmoxClient): Promise<string | undefined> {
  try {
    const status = await client.get<Array<{ type?: unknown; name?: unknown }>>("/cluster/status");
    const entry = status.find((item) => item.type === "cluster");
    return typeof entry?.name === "string" ? entry.name : undefined;
  } catch (error) {
    // A token without Sys.Audit on / cannot read it; the CA still identifies the cluster.
    if (isPveApiError(error, "permission")) return undefined;
    throw error;
  }
}

const listings = new WeakMap<ProxmoxClient, Promise<NodeEntry[]>>();

/** `GET /nodes`, asked once per client (a failure is asked again): the identity and the preview's node checks share it. */
function nodeListing(client: ProxmoxClient): Promise<NodeEntry[]> {
  let listing = listings.get(client);
  if (!listing) {
    listing = client.get<NodeEntry[]>("/nodes");
    listing.catch(() => listings.delete(client));
    listings.set(client, listing);
  }
  return listing;
}

/** The names of the cluster's nodes, sorted (see {@link nodeListing}). */
export async function clusterNodes(client: ProxmoxClient): Promise<string[]> {
  const entries = await nodeListing(client);
  return entries
    .map((entry) => entry.node)
    .filter((node): node is string => typeof node === "string")
    .sort();
}

async function fetchIdentity(client: ProxmoxClient): Promise<ClusterIdentity> {
  const entries = await nodeListing(client);
  const nodes = await clusterNodes(client);
  const online = entries
    .filter((entry) => entry.status === "online")
    .map((entry) => String(entry.node))
    .sort();
  const [ca, name] = await Promise.all([rootCaFingerprint(client, online.length > 0 ? online : nodes), clusterName(client)]);
  return { ...(ca ? { ca } : {}), ...(name ? { name } : {}), nodes };
}

/** The identity of the cluster `client` talks to; asked once per client (a failure is asked again). */
export function clusterIdentity(client: ProxmoxClient): Promise<ClusterIdentity> {
  let known = identities.get(client);
  if (!known) {
    known = fetchIdentity(client);
    known.catch(() => identities.delete(client));
    identities.set(client, known);
  }
  return known;
}

/** The identity a resource's state recorded, if any (states written before it was recorded have none). */
export function recordedCluster(props: Readonly<Record<string, unknown>> | undefined): ClusterIdentity | undefined {
  const value = props?.[CLUSTER_KEY];
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const { ca, name, nodes } = value as Record<string, unknown>;
  return {
    ...(typeof ca === "string" ? { ca } : {}),
    ...(typeof name === "string" ? { name } : {}),
    nodes: Array.isArray(nodes) ? nodes.filter((node): node is string => typeof node === "string") : [],
  };
}

/**
 * Whether two identities name one cluster: by the root CA when both know it; otherwise by the
 * cluster name and at least one node in common (nodes join and leave a cluster).
 */
export function sameCluster(a: ClusterIdentity, b: ClusterIdentity): boolean {
  if (a.ca && b.ca) return a.ca === b.ca;
  if ((a.name || b.name) && a.name !== b.name) return false;
  return a.nodes.some((node) => b.nodes.includes(node));
}

/** `cluster 'dc1' (nodes pve1, pve2; root CA AA:BB:…)`; the names are the server's text, so they are cleaned. */
export function describeCluster(identity: ClusterIdentity): string {
  const what = identity.name ? `cluster '${identity.name}'` : identity.nodes.length === 1 ? "standalone node" : "cluster";
  const facts = [`node${identity.nodes.length === 1 ? "" : "s"} ${identity.nodes.join(", ") || "unknown"}`, ...(identity.ca ? [`root CA ${identity.ca}`] : [])];
  return cleanServerText(`${what} (${facts.join("; ")})`);
}

/** Refuses `what` (refresh, update, delete) of a resource recorded on another cluster, unless a move is allowed. */
export function assertSameCluster(
  recorded: ClusterIdentity | undefined,
  current: ClusterIdentity,
  context: { what: string; resource: string; allowChange: boolean },
): void {
  if (!recorded || context.allowChange || sameCluster(recorded, current)) return;
  throw new Error(
    `refusing to ${context.what} ${context.resource}: the state records it on ${describeCluster(recorded)}, but the provider is ` +
      `connected to ${describeCluster(current)}. Check the endpoint (stack config proxmox:endpoint or PROXMOX_VE_ENDPOINT); ` +
      "to move this stack to the connected cluster on purpose, set `pulumi config set proxmox:allowClusterChange true` for that run.",
  );
}
