/**
 * Client options: the public shape, and their normalization (done once, at the boundary, with
 * errors that name the option).
 */
import { PveApiError } from "./errors";

/** How to reach and authenticate to one Proxmox VE cluster. */
export interface ProxmoxClientOptions {
  /** Base URL, e.g. `https://pve1:8006`; a trailing `/api2/json` is accepted. */
  endpoint: string;
  /** API token `user@realm!tokenid=secret` (PVE splits on the last `=`). Takes precedence over a password. */
  apiToken?: string;
  /** User for ticket login, e.g. `root@pam`. */
  username?: string;
  /** Password for ticket login. */
  password?: string;
  /** A current TOTP code for the second factor (only good for one login; prefer `totpSecret`). */
  otp?: string;
  /** Base32 TOTP secret: the client computes a fresh code at each login. */
  totpSecret?: string;
  /** Skip TLS certificate verification. Only when asked for; prefer `caCert` or `fingerprint` (both refuse it). */
  insecure?: boolean;
  /** PEM bundle of extra CAs to trust (e.g. the cluster's `pve-root-ca.pem`). */
  caCert?: string;
  /** SHA-256 fingerprint of the server certificate (`AA:BB:...`, case and colons tolerated); pins it. */
  fingerprint?: string;
  /** Per-request timeout in ms. Default 30000 (pveproxy itself gives up after 30 s of silence). */
  timeoutMs?: number;
  /** Global cap on requests in flight. Default 16. */
  maxConcurrency?: number;
  /**
   * Per-node cap on calls pvedaemon serves (writes, and the reads PVE marks protected such as task
   * status) in flight: PVE has 3 pvedaemon workers per node, and one stays free for others. Default 2.
   */
  nodeWriteConcurrency?: number;
  /** Per-node cap on the other reads (served by pveproxy) in flight. Default 6. */
  nodeReadConcurrency?: number;
  /** How often a failed request is repeated, only where that is safe. Default 3. */
  retries?: number;
  /** Idle sockets older than this are never reused (PVE closes them at 5 s). Default 4000. */
  keepAliveIdleMs?: number;
  /** Receives debug lines; they never contain secrets. */
  logger?: (line: string) => void;
  /** First retry delay in ms, doubled per attempt (with jitter). Default 250. */
  retryBaseDelayMs?: number;
  /** Longest retry delay in ms. Default 5000. */
  retryMaxDelayMs?: number;
  /** First task-status poll interval in ms; grows ×1.5 per poll. Default 50. */
  taskPollIntervalMs?: number;
  /** Longest task-status poll interval in ms. Default 1000. */
  taskPollMaxIntervalMs?: number;
  /** Renew the login ticket when it is older than this (ms). Default 3600000 (tickets live 2 h). */
  ticketRenewAfterMs?: number;
  /**
   * Largest response body accepted, in bytes after decompression: a bigger one is aborted while
   * it streams (kind `server`), so a broken or hostile endpoint cannot exhaust memory. Default
   * 16777216 (16 MiB; PVE's largest answers, `/cluster/resources` of thousands of guests, are a few MiB).
   */
  maxResponseBytes?: number;
  /** How many task log lines a wait keeps (the newest; older ones only stream to `onLog`). Default 1000. */
  maxTaskLogLines?: number;
}

/** The credentials, in one of the two forms PVE accepts. */
export type Credentials =
  | { type: "token"; tokenId: string; secret: string }
  | { type: "ticket"; username: string; password: string; otp?: string; totpSecret?: string };

/** Options after validation, with defaults applied. */
export interface NormalizedOptions {
  baseUrl: string;
  credentials: Credentials;
  tls: { insecure: boolean; caCert?: string; fingerprint?: string };
  timeoutMs: number;
  maxConcurrency: number;
  nodeWriteConcurrency: number;
  nodeReadConcurrency: number;
  retries: number;
  keepAliveIdleMs: number;
  logger?: (line: string) => void;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  taskPollIntervalMs: number;
  taskPollMaxIntervalMs: number;
  ticketRenewAfterMs: number;
  maxResponseBytes: number;
  maxTaskLogLines: number;
}

function fail(option: string, problem: string): never {
  throw new PveApiError({ kind: "validation", message: `ProxmoxClient option '${option}' ${problem}` });
}

function count(options: ProxmoxClientOptions, key: keyof ProxmoxClientOptions, fallback: number, min: number): number {
  const value = options[key];
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    fail(key, `must be an integer >= ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}

function normalizeEndpoint(endpoint: unknown): string {
  if (typeof endpoint !== "string" || endpoint.trim() === "") fail("endpoint", "is required, e.g. https://pve1:8006");
  let url: URL;
  try {
    url = new URL(endpoint.trim());
  } catch {
    fail("endpoint", `is not a URL: '${endpoint}'`);
  }
  if (url.protocol !== "https:") fail("endpoint", `must use https:// (PVE serves its API over TLS), got '${url.protocol}'`);
  if (url.username || url.password) fail("endpoint", "must not contain credentials; use apiToken or username/password");
  const path = url.pathname.replace(/\/+$/, "").replace(/\/api2\/json$/, "");
  return `${url.origin}${path}/api2/json/`;
}

/** Normalizes a SHA-256 fingerprint to upper-case hex pairs joined by ':' (the form Node reports). */
export function normalizeFingerprint(value: string): string {
  const hex = value.replace(/[:\s]/g, "").toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) fail("fingerprint", "must be a SHA-256 fingerprint (64 hex digits, colons optional)");
  return hex.match(/../g)!.join(":");
}

function credentials(options: ProxmoxClientOptions): Credentials {
  if (options.apiToken !== undefined) {
    // PVE's verify_token splits on the last '='; the secret is what follows it.
    const eq = options.apiToken.lastIndexOf("=");
    const tokenId = options.apiToken.slice(0, eq);
    const secret = options.apiToken.slice(eq + 1);
    if (eq <= 0 || !/^[^@!\s]+@[^@!\s]+![^\s]+$/.test(tokenId) || secret === "") {
      fail("apiToken", "must look like 'user@realm!tokenid=secret' (PVE uses '=', not ':')");
    }
    return { type: "token", tokenId, secret };
  }
  if (options.username === undefined || options.password === undefined) {
    fail("apiToken", "or both 'username' and 'password' are required");
  }
  if (!options.username.includes("@")) fail("username", `must include the realm, e.g. 'root@pam', got '${options.username}'`);
  const creds: Credentials = { type: "ticket", username: options.username, password: options.password };
  if (options.otp !== undefined) creds.otp = options.otp;
  if (options.totpSecret !== undefined) creds.totpSecret = options.totpSecret;
  return creds;
}

/** Validates options and applies defaults. @throws PveApiError (`validation`) naming the bad option. */
export function normalizeOptions(options: ProxmoxClientOptions): NormalizedOptions {
  if (options.insecure && options.fingerprint) fail("insecure", "and 'fingerprint' exclude each other: pinning is verification");
  // A CA bundle asks for verification against it; `insecure` would silently switch that off.
  if (options.insecure && options.caCert !== undefined) fail("insecure", "and 'caCert' exclude each other: a CA bundle is verification");
  const tls: NormalizedOptions["tls"] = { insecure: options.insecure === true };
  if (options.caCert !== undefined) {
    if (!options.caCert.includes("-----BEGIN CERTIFICATE-----")) fail("caCert", "must be a PEM bundle");
    tls.caCert = options.caCert;
  }
  if (options.fingerprint !== undefined) tls.fingerprint = normalizeFingerprint(options.fingerprint);
  const normalized: NormalizedOptions = {
    baseUrl: normalizeEndpoint(options.endpoint),
    credentials: credentials(options),
    tls,
    timeoutMs: count(options, "timeoutMs", 30_000, 1),
    maxConcurrency: count(options, "maxConcurrency", 16, 1),
    nodeWriteConcurrency: count(options, "nodeWriteConcurrency", 2, 1),
    nodeReadConcurrency: count(options, "nodeReadConcurrency", 6, 1),
    retries: count(options, "retries", 3, 0),
    keepAliveIdleMs: count(options, "keepAliveIdleMs", 4000, 1),
    retryBaseDelayMs: count(options, "retryBaseDelayMs", 250, 1),
    retryMaxDelayMs: count(options, "retryMaxDelayMs", 5000, 1),
    taskPollIntervalMs: count(options, "taskPollIntervalMs", 50, 1),
    taskPollMaxIntervalMs: count(options, "taskPollMaxIntervalMs", 1000, 1),
    ticketRenewAfterMs: count(options, "ticketRenewAfterMs", 3_600_000, 1),
    maxResponseBytes: count(options, "maxResponseBytes", 16 * 2 ** 20, 1024),
    maxTaskLogLines: count(options, "maxTaskLogLines", 1000, 1),
  };
  if (options.logger !== undefined) normalized.logger = options.logger;
  return normalized;
}
