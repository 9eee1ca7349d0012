/**
 * Where the provider finds its connection at call time: stack config `proxmox:*` first, then the
 * `PROXMOX_VE_*` environment (named as the most used Terraform provider names them).
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

type SettingName = (typeof SETTINGS)[number][0];

/** The stack config keys and environment variables the provider reads, for docs and errors. */
export const CONNECTION_SETTINGS: ReadonlyArray<{ config: string; env: string }> = SETTINGS.map(([name, env]) => ({
  config: `proxmox:${name}`,
  env,
}));

/** Resolves the client options; a missing endpoint or credential is an error that says how to set it. */
export function resolveConnection(config: ConfigSource | undefined, env: NodeJS.ProcessEnv = process.env): ProxmoxClientOptions {
  const value = (name: SettingName, envName: string): string | undefined => {
    const fromConfig = config?.get(`proxmox:${name}`);
    if (fromConfig !== undefined && fromConfig !== "") return fromConfig;
    const fromEnv = env[envName];
    return fromEnv === undefined || fromEnv === "" ? undefined : fromEnv;
  };
  const settings = Object.fromEntries(SETTINGS.map(([name, envName]) => [name, value(name, envName)])) as Record<SettingName, string | undefined>;
  if (!settings.endpoint) {
    throw new Error("no Proxmox endpoint: set `pulumi config set proxmox:endpoint https://<node>:8006` or PROXMOX_VE_ENDPOINT");
  }
  if (!settings.apiToken && !(settings.username && settings.password)) {
    throw new Error(
      "no Proxmox credentials: set proxmox:apiToken (PROXMOX_VE_API_TOKEN, 'user@realm!id=secret'), or proxmox:username " +
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
  if (settings.insecure) options.insecure = ["1", "true", "yes"].includes(settings.insecure.toLowerCase());
  return options;
}
