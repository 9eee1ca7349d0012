/**
 * Where the provider finds its connection at call time: the stack config `proxmox:*`, or, when
 * the stack config sets none of them, the `PROXMOX_VE_*` environment (named as the most used
 * Terraform provider names them). One source per provider, never a mix: a token left in the shell
 * for one cluster must not reach the cluster a stack's config points at.
 */
import type { ProxmoxClientOptions } from "../client";

/** What the dynamic-provider host hands to `configure()`: a lookup of stack config. */
export interface ConfigSource {
  get(key: string): string | undefined;
}

const SETTINGS = [
  ["endpoint", "PROXMOX_VE_ENDPOINT"],
  ["apiToken", "PROXMOX_VE_API_TOKEN"],
  ["username", "PROXMOX_VE_USERNAME"],
  ["password", "PROXMOX_VE_PASSWORD"],
  ["otp", "PROXMOX_VE_OTP"],
  ["totpSecret", "PROXMOX_VE_TOTP_SECRET"],
  ["insecure", "PROXMOX_VE_INSECURE"],
  ["caCert", "PROXMOX_VE_CA_CERT"],
  ["fingerprint", "PROXMOX_VE_FINGERPRINT"],
] as const;

/** A connection setting, by its stack config name (`apiToken` for `proxmox:apiToken`). */
export type SettingName = (typeof SETTINGS)[number][0];

/** The stack config keys and environment variables the provider reads, for docs and errors. */
export const CONNECTION_SETTINGS: ReadonlyArray<{ config: string; env: string }> = SETTINGS.map(([name, env]) => ({
  config: `proxmox:${name}`,
  env,
}));

/**
 * The stack config key that lets a stack's resources be refreshed, updated and deleted on
 * another cluster than the one that created them (a deliberate move). Only the stack config sets
 * it: a variable left in a shell must not switch the guard off.
 */
export const ALLOW_CLUSTER_CHANGE = "proxmox:allowClusterChange";

const TRUE_WORDS = ["1", "true", "yes"];

function given(value: string | undefined): value is string {
  return value !== undefined && value !== "";
}

/** Where the connection comes from: the stack config when it sets any connection key, else the environment. */
export function connectionSource(config: ConfigSource | undefined): "stack config" | "environment" {
  return SETTINGS.some(([name]) => given(config?.get(`proxmox:${name}`))) ? "stack config" : "environment";
}

/**
 * How errors name a setting to the user: as the source the connection comes from sets it
 * (`proxmox:apiToken` in the stack config, `PROXMOX_VE_API_TOKEN` in the environment);
 * `configured` names a setting of the configuration itself (Terraform: the provider block's attribute).
 */
export function settingNamer(
  config: ConfigSource | undefined,
  configured: (setting: SettingName) => string = (setting) => `proxmox:${setting}`,
): (setting: SettingName) => string {
  const source = connectionSource(config);
  const envNames = new Map<string, string>(SETTINGS);
  return (setting) => (source === "stack config" ? configured(setting) : (envNames.get(setting) ?? setting));
}

/** Resolves the client options; a missing endpoint or credential is an error that says how to set it. */
export function resolveConnection(config: ConfigSource | undefined, env: NodeJS.ProcessEnv = process.env): ProxmoxClientOptions {
  const source = connectionSource(config);
  const value = (name: SettingName, envName: string): string | undefined => {
    const raw = source === "stack config" ? config?.get(`proxmox:${name}`) : env[envName];
    return given(raw) ? raw : undefined;
  };
  const settings = Object.fromEntries(SETTINGS.map(([name, envName]) => [name, value(name, envName)])) as Record<SettingName, string | undefined>;
  // With the stack config as the source, the environment is not consulted at all, so say so.
  const onlyConfig = " (the stack config sets proxmox:* connection settings, so no PROXMOX_VE_* variable is used)";
  if (!settings.endpoint) {
    throw new Error(
      source === "stack config"
        ? `no Proxmox endpoint: set \`pulumi config set proxmox:endpoint https://<node>:8006\`${onlyConfig}`
        : "no Proxmox endpoint: set `pulumi config set proxmox:endpoint https://<node>:8006` or PROXMOX_VE_ENDPOINT",
    );
  }
  if (!settings.apiToken && !(settings.username && settings.password)) {
    throw new Error(
      source === "stack config"
        ? `no Proxmox credentials: set proxmox:apiToken ('user@realm!id=secret'), or proxmox:username and proxmox:password${onlyConfig}`
        : "no Proxmox credentials: set proxmox:apiToken (PROXMOX_VE_API_TOKEN, 'user@realm!id=secret'), or proxmox:username " +
          "and proxmox:password (PROXMOX_VE_USERNAME / PROXMOX_VE_PASSWORD)",
    );
  }
  const options: ProxmoxClientOptions = { endpoint: settings.endpoint };
  if (settings.apiToken) options.apiToken = settings.apiToken;
  else {
    options.username = settings.username;
    options.password = settings.password;
  }
  if (settings.otp) options.otp = settings.otp;
  if (settings.totpSecret) options.totpSecret = settings.totpSecret;
  if (settings.caCert) options.caCert = settings.caCert;
  if (settings.fingerprint) options.fingerprint = settings.fingerprint;
  if (settings.insecure) options.insecure = TRUE_WORDS.includes(settings.insecure.toLowerCase());
  return options;
}

/** Whether the stack config allows a move to another cluster (see {@link ALLOW_CLUSTER_CHANGE}). */
export function allowsClusterChange(config: ConfigSource | undefined): boolean {
  const raw = config?.get(ALLOW_CLUSTER_CHANGE);
  return given(raw) && TRUE_WORDS.includes(raw.toLowerCase());
}
