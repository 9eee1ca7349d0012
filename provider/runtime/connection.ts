/**
 * One REST client per provider-host process. It lives here, in a module the serialized shims
 * reach through `require`, never in a closure (Pulumi would capture it by value on every call).
 */
import { createHash } from "node:crypto";
import { ProxmoxClient } from "../client";
import { type ConfigSource, allowsClusterChange, resolveConnection } from "./credentials";

let configured: ConfigSource | undefined;
let cached: { key: string; client: ProxmoxClient } | undefined;

/** Records the stack config the host passes to `configure()`. */
export function setConfig(config: ConfigSource | undefined): void {
  configured = config;
}

/** The client for the current configuration, created on first use and reused afterwards. */
export function currentClient(): ProxmoxClient {
  const options = resolveConnection(configured);
  // The key is a hash, so the cached credentials are not kept in a second readable form.
  const key = createHash("sha256").update(JSON.stringify(options)).digest("hex");
  if (cached?.key !== key) {
    cached?.client.close();
    cached = { key, client: new ProxmoxClient(options) };
  }
  return cached.client;
}

/** Whether the stack config lets this run refresh, update and delete resources recorded on another cluster. */
export function clusterChangeAllowed(): boolean {
  return allowsClusterChange(configured);
}
