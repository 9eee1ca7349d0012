/**
 * Which node queue a path belongs to, which of the node's daemons serves it, and which lock key
 * a write takes.
 * Writes with the same key never run in parallel: they would fight over one guest config or one
 * cluster file (digest conflicts and `cfs-lock` timeouts otherwise).
 */
import type { HttpMethod } from "./errors";
import type { PveParams } from "./encode";
import { DAEMON_READ_TEMPLATES } from "./daemon-reads";

/** The queue name for cluster-level paths (everything not under `/nodes/{node}`). */
export const CLUSTER_QUEUE = "cluster";

function segments(path: string): string[] {
  return path.split("/").filter((s) => s !== "");
}

/** The node a path addresses (`/nodes/{node}/...`), or {@link CLUSTER_QUEUE}. */
export function nodeOf(path: string): string {
  const s = segments(path);
  return s[0] === "nodes" && s[1] !== undefined ? s[1] : CLUSTER_QUEUE;
}

// Daemon-served GET templates by segment count; null stands for a `{param}` segment.
const daemonReads = new Map<number, (string | null)[][]>();
for (const template of DAEMON_READ_TEMPLATES) {
  const parts = segments(template).map((s) => (s.startsWith("{") ? null : s));
  const sameLength = daemonReads.get(parts.length) ?? [];
  sameLength.push(parts);
  daemonReads.set(parts.length, sameLength);
}

/**
 * Whether pvedaemon (3 workers per node, shared with every write and the GUI) serves the call
 * rather than pveproxy: every write, and the GETs the schema marks `protected` (task status and
 * log, guest status, storage content, /access/users, ...). Such reads take the node's write slots.
 */
export function runsInDaemon(method: HttpMethod, path: string): boolean {
  if (method !== "GET") return true;
  const s = segments(path);
  return daemonReads.get(s.length)?.some((t) => t.every((part, i) => part === null || part === s[i])) ?? false;
}

// Cluster-level prefixes and the config file (or lock domain) their writes change.
const CLUSTER_FILES: [prefix: string, key: string][] = [
  ["access/ticket", ""], // login: no lock
  ["access/domains", "file:domains.cfg"],
  ["access/tfa", "file:tfa.cfg"],
  ["access", "file:user.cfg"],
  ["pools", "file:user.cfg"],
  ["storage", "file:storage.cfg"],
  ["cluster/sdn", "sdn"],
  ["cluster/firewall", "firewall:cluster"],
  ["cluster/options", "file:datacenter.cfg"],
  ["cluster/backup", "file:jobs.cfg"],
  ["cluster/jobs", "file:jobs.cfg"],
  ["cluster/replication", "file:replication.cfg"],
  ["cluster/ha", "ha"],
  ["cluster/mapping", "mapping"],
  ["cluster/metrics", "file:status.cfg"],
  ["cluster/notifications", "file:notifications.cfg"],
  ["cluster/acme", "acme"],
  ["cluster/config", "corosync"],
];

function guestKey(vmid: unknown): string | null {
  return typeof vmid === "string" || typeof vmid === "number" ? `guest:${String(vmid)}` : null;
}

function nodeLockKey(node: string, rest: string[], params: PveParams | undefined): string | null {
  const [area, id] = rest;
  if (area === "qemu" || area === "lxc") return guestKey(id ?? params?.["vmid"]); // create: vmid is a parameter
  if (area === "firewall") return `firewall:node:${node}`;
  if (area === "network") return `network:${node}`;
  if (area === "storage" && id !== undefined) return `storage-content:${id}`;
  if (area === "disks") return `disks:${node}`;
  return null;
}

/**
 * The lock key of a request, or null when it takes no lock. GETs never lock.
 * `params` matters for creates whose target id is a parameter (`POST /nodes/n/qemu {vmid}`).
 */
export function lockKeyFor(method: HttpMethod, path: string, params?: PveParams): string | null {
  if (method === "GET") return null;
  const s = segments(path);
  if (s[0] === "nodes" && s[1] !== undefined) return nodeLockKey(s[1], s.slice(2), params);
  const joined = s.join("/");
  for (const [prefix, key] of CLUSTER_FILES) {
    if (joined === prefix || joined.startsWith(`${prefix}/`)) return key === "" ? null : key;
  }
  return null;
}
