/**
 * The first contact with PVE, made once per client before anything else: one `GET /version`
 * (which also feeds the client's capability detection). A preview that cannot reach PVE, or that
 * PVE refuses, must fail here, with an error that names the setting to fix, instead of planning a
 * clean `+ 10 to create` that the `up` then cannot apply.
 */
import { isIP } from "node:net";
import tls from "node:tls";
import type { ProxmoxClient, ProxmoxClientOptions } from "../client";
import { PveApiError, errorKindOf } from "../client/errors";
import { cleanServerText } from "../client/sanitize";
import { FINGERPRINT_MISMATCH } from "../client/tls";
import type { SettingName } from "./credentials";

/** How a front end names a connection setting to its user (`proxmox:apiToken`, `PROXMOX_VE_API_TOKEN`, `api_token`). */
export type SettingNamer = (setting: SettingName) => string;

/** The TLS verification failures Node reports for a certificate no trusted CA signed. */
const UNTRUSTED = new Set(["DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN", "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY"]);

/** The connection problem, as the user can act on it. */
export class ConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConnectionError";
  }
}

const probes = new WeakMap<ProxmoxClient, Promise<void>>();

/**
 * Probes `client` once (later calls share the first answer, failures included: a deployment with
 * a wrong token fails each resource with the same message, without asking PVE again).
 */
export function preflight(client: ProxmoxClient, options: ProxmoxClientOptions, name: SettingNamer): Promise<void> {
  let probe = probes.get(client);
  if (!probe) {
    probe = client.version().then(
      () => undefined,
      async (error: unknown) => {
        throw await connectionError(error, options, name);
      },
    );
    // Every caller awaits it; this only keeps an unawaited failure from being reported as unhandled.
    probe.catch(() => undefined);
    probes.set(client, probe);
  }
  return probe;
}

/** The chain of causes of an error, outermost first. */
function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current !== undefined && chain.length < 8; current = (current as { cause?: unknown } | null)?.cause) chain.push(current);
  return chain;
}

function codeOf(error: unknown): string | undefined {
  for (const link of causes(error)) {
    const code = (link as { code?: unknown } | null)?.code;
    if (typeof code === "string") return code;
  }
  return undefined;
}

/** The credential setting that a refused login points at. */
function credentialSettings(options: ProxmoxClientOptions, name: SettingNamer): string {
  if (options.apiToken !== undefined) return name("apiToken");
  const second = options.totpSecret !== undefined ? ` / ${name("totpSecret")}` : options.otp !== undefined ? ` / ${name("otp")}` : "";
  return `${name("username")} / ${name("password")}${second}`;
}

/** Maps a failed probe (or a client that could not be made) to what the user must change. */
export async function connectionError(error: unknown, options: ProxmoxClientOptions, name: SettingNamer): Promise<ConnectionError> {
  const endpoint = options.endpoint;
  const reason = cleanServerText(error instanceof Error ? error.message : String(error));
  // A malformed option is refused by the client's constructor, naming its option.
  const option = /^ProxmoxClient option '([A-Za-z]+)' (.*)$/s.exec(reason);
  if (option?.[1] && error instanceof PveApiError && error.kind === "validation") {
    const setting = option[1] as SettingName;
    return new ConnectionError(`${name(setting)} ${option[2] ?? "is invalid"}`);
  }
  const kind = errorKindOf(error);
  if (kind === "auth") {
    return new ConnectionError(
      `${credentialSettings(options, name)} was refused by ${endpoint} (${reason}): check the credentials, and that the user or token exists and is enabled`,
    );
  }
  const code = codeOf(error);
  if (code === FINGERPRINT_MISMATCH) {
    return new ConnectionError(
      `${name("fingerprint")} does not match the certificate ${endpoint} presents (${reason}); if the node's certificate was renewed, set ${name("fingerprint")} to the new one`,
    );
  }
  if (code !== undefined && UNTRUSTED.has(code)) {
    const presented = await presentedFingerprint(endpoint);
    const shown = presented ? ` to ${presented}` : "";
    return new ConnectionError(
      `${endpoint} presents a certificate that no trusted CA signed (${code}, PVE's self-signed default): set ${name("fingerprint")}${shown} ` +
        `to pin it (compare it with the node's web UI: Certificates), or give its CA as ${name("caCert")}`,
    );
  }
  if (code === "CERT_HAS_EXPIRED")
    return new ConnectionError(`the certificate of ${endpoint} has expired: renew it on the node, or pin it with ${name("fingerprint")}`);
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") {
    return new ConnectionError(
      `the certificate of ${endpoint} is not issued for that host name (${reason}): use a name the certificate covers in ${name("endpoint")}, or pin it with ${name("fingerprint")}`,
    );
  }
  if (kind === "unreachable" || kind === "timeout") return new ConnectionError(`cannot reach ${name("endpoint")} ${endpoint}: ${reason}`);
  return new ConnectionError(`connecting to ${endpoint} (${name("endpoint")}) failed: ${reason}`);
}

/** The SHA-256 fingerprint of the certificate `endpoint` presents (`AA:BB:...`), asked without trusting it; undefined when none arrives. */
export function presentedFingerprint(endpoint: string, timeoutMs = 5_000): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    const host = url.hostname.replace(/^\[|\]$/g, "");
    // No request is sent on this socket: it only reads the certificate, so trusting it is not needed.
    const socket = tls.connect({ host, port: Number(url.port || 443), ...(isIP(host) === 0 ? { servername: host } : {}), rejectUnauthorized: false });
    const finish = (value: string | undefined): void => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(timeoutMs, () => finish(undefined));
    socket.once("secureConnect", () => finish(socket.getPeerCertificate().fingerprint256 || undefined));
    socket.once("error", () => finish(undefined));
  });
}
