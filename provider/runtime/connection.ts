/**
 * The REST clients of this process, one per connection configuration, shared by the resources
 * (`connectedClient`, in the provider host) and the read functions (`provider/reads.ts`, in the
 * program). They live here, in a module the serialized shims reach through `require`, never in a
 * closure (Pulumi would capture them by value on every call).
 */
import { createHash } from "node:crypto";
import { ProxmoxClient, type ProxmoxClientOptions } from "../client";
import { type ConfigSource, allowsClusterChange, resolveConnection, settingNamer } from "./credentials";
import { connectionError, preflight } from "./preflight";

let configured: ConfigSource | undefined;

/**
 * How many configurations keep a client. A process uses one or two (the stack's, a test's);
 * beyond this many, the one used least recently is closed to free its sockets.
 */
export const MAX_CACHED_CLIENTS = 8;

/** Clients by a hash of their options, least recently used first (a Map keeps insertion order). */
const clients = new Map<string, ProxmoxClient>();

/** Records the stack config the host passes to `configure()`. */
export function setConfig(config: ConfigSource | undefined): void {
  configured = config;
}

/**
 * The client for `options` (as `resolveConnection` makes them), created on first use and reused
 * for the same settings afterwards. Each configuration has its own client, so a call on one is
 * never cut off by a call that needs another. Options are told apart by their settings; a logger
 * is no part of the key, so pass none here.
 */
export function clientFor(options: Omit<ProxmoxClientOptions, "logger">): ProxmoxClient {
  if ((options as ProxmoxClientOptions).logger !== undefined) throw new Error("clientFor: a shared client takes no logger (it would not be part of its key)");
  // The key is a hash, so the cached credentials are not kept in a second readable form.
  const key = createHash("sha256").update(JSON.stringify(options)).digest("hex");
  const found = clients.get(key);
  if (found) {
    // Most recently used last.
    clients.delete(key);
    clients.set(key, found);
    return found;
  }
  const client = new ProxmoxClient(options);
  clients.set(key, client);
  while (clients.size > MAX_CACHED_CLIENTS) {
    const [oldestKey, oldest] = clients.entries().next().value as [string, ProxmoxClient];
    clients.delete(oldestKey);
    oldest.close();
  }
  return client;
}

/**
 * The client for the configuration the host passed (or the environment's), see {@link clientFor},
 * once PVE has answered its first probe (see `./preflight`). Every error names the setting to fix.
 */
export async function connectedClient(): Promise<ProxmoxClient> {
  const options = resolveConnection(configured);
  const name = settingNamer(configured);
  let client: ProxmoxClient;
  try {
    client = clientFor(options);
  } catch (error) {
    // A malformed setting (a fingerprint of the wrong length) is refused by the client's constructor.
    throw await connectionError(error, options, name);
  }
  await preflight(client, options, name);
  return client;
}

/** Whether the stack config lets this run refresh, update and delete resources recorded on another cluster. */
export function clusterChangeAllowed(): boolean {
  return allowsClusterChange(configured);
}
