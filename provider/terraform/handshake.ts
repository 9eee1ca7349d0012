/**
 * go-plugin's handshake, as a plugin server: the magic cookie that tells a real client from a user
 * running the binary by hand, the protocol version, the unix socket, AutoMTLS (a fresh self-signed
 * server certificate for `localhost`; only the client's own `PLUGIN_CLIENT_CERT` is trusted) and the
 * one line on stdout that tells the client where and how to connect.
 */
import { X509Certificate } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generate } from "selfsigned";

/** Terraform's and OpenTofu's cookie for provider plugins. */
export const MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE";
export const MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/** go-plugin's core protocol version and the plugin protocol we speak. */
export const CORE_PROTOCOL = 1;
export const PLUGIN_PROTOCOL = 6;

/** What the client's environment asks of this process. */
export interface HandshakeRequest {
  /** The client's certificate (PEM) to trust, or undefined when the client turned AutoMTLS off. */
  clientCert: string | undefined;
  socketDir: string;
}

/** Why this process is not talking to a plugin client, or undefined when it is. */
export function refusal(env: NodeJS.ProcessEnv): string | undefined {
  if (env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    return (
      "This is the Proxmox VE provider plugin for OpenTofu and Terraform; they start it themselves.\n" +
      'Install it with `npx naas-proxmox terraform-install` and use `source = "naas/proxmox"` in required_providers.'
    );
  }
  const versions = (env["PLUGIN_PROTOCOL_VERSIONS"] ?? String(PLUGIN_PROTOCOL)).split(",").map((v) => Number(v.trim()));
  if (!versions.includes(PLUGIN_PROTOCOL)) {
    return `this provider speaks plugin protocol ${PLUGIN_PROTOCOL}; the client offers ${env["PLUGIN_PROTOCOL_VERSIONS"] ?? "none"} (use OpenTofu 1.6+ or Terraform 1.0+)`;
  }
  return undefined;
}

/** The request the client's environment makes; call after {@link refusal} found nothing. */
export function handshakeRequest(env: NodeJS.ProcessEnv): HandshakeRequest {
  const clientCert = env["PLUGIN_CLIENT_CERT"];
  return {
    clientCert: clientCert === undefined || clientCert === "" ? undefined : clientCert,
    socketDir: mkdtempSync(join(env["PLUGIN_UNIX_SOCKET_DIR"] || tmpdir(), "plugin")),
  };
}

/** The server's key and certificate. */
export interface ServerIdentity {
  key: string;
  cert: string;
  /** The certificate's DER bytes, which the handshake line carries. */
  der: Buffer;
}

/**
 * A fresh certificate for `localhost`, its own CA (the client uses it as its root), usable for both
 * server and client auth as go-plugin's own certificates are.
 */
export async function serverIdentity(): Promise<ServerIdentity> {
  const now = new Date(Date.now() - 30_000);
  const pems = await generate(
    [
      { name: "commonName", value: "localhost" },
      { name: "organizationName", value: "naas-proxmox" },
    ],
    {
      keyType: "ec",
      curve: "P-256",
      algorithm: "sha256",
      notBeforeDate: now,
      notAfterDate: new Date(now.getTime() + 30 * 24 * 3600_000),
      extensions: [
        { name: "basicConstraints", cA: true, critical: true },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyAgreement: true, keyCertSign: true, critical: true },
        { name: "extKeyUsage", serverAuth: true, clientAuth: true },
        { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }] },
      ],
    },
  );
  return { key: pems.private, cert: pems.cert, der: Buffer.from(new X509Certificate(pems.cert).raw) };
}

/** `1|6|unix|<socket>|grpc|<certificate>`: the certificate as unpadded standard base64 of its DER. */
export function handshakeLine(socketPath: string, der: Buffer | undefined): string {
  const cert = der ? der.toString("base64").replace(/=+$/, "") : "";
  return [CORE_PROTOCOL, PLUGIN_PROTOCOL, "unix", socketPath, "grpc", cert].join("|");
}
