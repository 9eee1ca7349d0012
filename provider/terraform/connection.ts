/**
 * The provider block's settings → one REST client per plugin process. The settings are resolved
 * by the Pulumi runtime's own resolution (`resolveConnection`), fed from the provider block, so the
 * same `PROXMOX_VE_*` environment fallbacks apply on both front ends.
 */
import { ProxmoxClient } from "../client";
import { type SettingName, resolveConnection, settingNamer } from "../runtime/credentials";
import { connectionError, preflight } from "../runtime/preflight";
import { type CtyObject, hasUnknown } from "./cty";
import { PROVIDER_SETTINGS } from "./schema";

/** The provider block as the resolution reads it: `proxmox:<setting>` keys, null and empty as unset. */
function configSource(block: CtyObject): { get(key: string): string | undefined } {
  const byKey = new Map(PROVIDER_SETTINGS.map((s) => [`proxmox:${s.configKey}`, s.name]));
  return {
    get(key) {
      const name = byKey.get(key);
      const value = name === undefined ? null : (block[name] ?? null);
      if (value === null || typeof value === "symbol") return undefined;
      return String(value);
    },
  };
}

/** The provider block's attribute of a setting, as errors name it. */
function blockAttribute(setting: SettingName): string {
  return `the provider block's \`${PROVIDER_SETTINGS.find((s) => s.configKey === setting)?.name ?? setting}\``;
}

/** What ConfigureProvider left: a client, or why there is none (raised when a call needs PVE). */
export class Connection {
  private client: ProxmoxClient | undefined;
  private problem: string | undefined = "the provider is not configured yet";
  /** True when the block had values known only after apply: plan-time checks against PVE are skipped. */
  deferred = false;

  constructor(private readonly logger: (line: string) => void) {}

  /**
   * Applies a provider block and probes PVE once (see `runtime/preflight`), so that a plan with a
   * refused token or an untrusted certificate fails at once; returns the reason when it cannot connect.
   */
  async configure(block: CtyObject): Promise<string | undefined> {
    this.close();
    this.deferred = hasUnknown(block);
    if (this.deferred) {
      this.problem = "the provider's configuration depends on values known only after apply";
      return undefined;
    }
    const source = configSource(block);
    try {
      const options = resolveConnection(source);
      const name = settingNamer(source, blockAttribute);
      let client: ProxmoxClient;
      try {
        client = new ProxmoxClient({ ...options, logger: this.logger });
      } catch (error) {
        throw await connectionError(error, options, name);
      }
      this.client = client;
      await preflight(client, options, name);
      this.problem = undefined;
    } catch (error) {
      this.close();
      this.problem = error instanceof Error ? error.message : String(error);
    }
    return this.problem;
  }

  /** The client; throws with the configuration problem when there is none. */
  require(): ProxmoxClient {
    if (this.client) return this.client;
    throw new Error(`provider "proxmox": ${this.problem ?? "not configured"} (provider block: endpoint, api_token or username/password)`);
  }

  /** The client when one could be made (plan-time checks go without one). */
  optional(): ProxmoxClient | undefined {
    return this.client;
  }

  close(): void {
    this.client?.close();
    this.client = undefined;
  }
}
