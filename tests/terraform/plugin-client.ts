/**
 * A go-plugin client in TypeScript, for protocol-level tests: it starts the provider the way
 * OpenTofu does (magic cookie, protocol versions, an ECDSA P-521 client certificate in
 * PLUGIN_CLIENT_CERT), reads the handshake line, and connects over the unix socket with mutual TLS.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { join } from "node:path";
import { createInterface } from "node:readline";
import * as grpc from "@grpc/grpc-js";
import { generate } from "selfsigned";
import { MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE } from "../../provider/terraform/handshake";
import { controllerService, healthService, providerService } from "../../provider/terraform/protocol";

export interface ClientIdentity {
  key: string;
  cert: string;
}

/** A certificate like go-plugin's client makes: self-signed CA, ECDSA P-521, SAN localhost. */
export async function clientIdentity(): Promise<ClientIdentity> {
  const pems = await generate([{ name: "commonName", value: "localhost" }], {
    keyType: "ec",
    curve: "P-521",
    algorithm: "sha512",
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", digitalSignature: true, keyCertSign: true, critical: true },
      { name: "extKeyUsage", serverAuth: true, clientAuth: true },
      { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }] },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/** The parsed handshake line. */
export interface Handshake {
  line: string;
  core: string;
  protocol: string;
  network: string;
  address: string;
  transport: string;
  serverCert: string | undefined;
}

export function parseHandshake(line: string): Handshake {
  const [core = "", protocol = "", network = "", address = "", transport = "", cert = ""] = line.trim().split("|");
  const serverCert = cert.length > 50 ? new X509Certificate(Buffer.from(cert, "base64")).toString() : undefined;
  return { line, core, protocol, network, address, transport, serverCert };
}

type Unary = (request: object, callback: (error: grpc.ServiceError | null, response: Record<string, unknown>) => void) => void;

/** A started plugin with clients for its services. */
export interface PluginConnection {
  process: ChildProcess;
  handshake: Handshake;
  stderr: () => string;
  call(method: string, request?: object): Promise<Record<string, unknown>>;
  health(): Promise<Record<string, unknown>>;
  shutdown(): Promise<void>;
  /** Waits for the process to exit; its exit code. */
  exited: Promise<number | null>;
  close(): void;
}

/** The command that starts the compiled provider of this work tree (vitest's global setup builds `dist/`). */
export function pluginCommand(): { command: string; args: string[] } {
  return { command: process.execPath, args: [join(__dirname, "..", "..", "dist", "provider", "terraform", "main.js")] };
}

/** Starts the plugin with `env` (on top of this process's) and reads its handshake line. */
export async function startPlugin(
  env: NodeJS.ProcessEnv,
  command = pluginCommand(),
): Promise<{ process: ChildProcess; line: Promise<string>; stderr: () => string; exited: Promise<number | null> }> {
  const child = spawn(command.command, command.args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const line = new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once("line", resolve);
    child.once("exit", (code) => reject(new Error(`plugin exited (${String(code)}) before its handshake: ${stderr}`)));
  });
  return { process: child, line, stderr: () => stderr, exited };
}

/** Starts the plugin as OpenTofu does and connects with `identity` (a different one proves the server refuses it). */
export async function connectPlugin(options: {
  trusted: ClientIdentity;
  presented?: ClientIdentity;
  env?: NodeJS.ProcessEnv;
  command?: { command: string; args: string[] };
}): Promise<PluginConnection> {
  const started = await startPlugin(
    { [MAGIC_COOKIE_KEY]: MAGIC_COOKIE_VALUE, PLUGIN_PROTOCOL_VERSIONS: "6", PLUGIN_CLIENT_CERT: options.trusted.cert, ...options.env },
    options.command,
  );
  const handshake = parseHandshake(await started.line);
  const presented = options.presented ?? options.trusted;
  const credentials = grpc.credentials.createSsl(Buffer.from(handshake.serverCert ?? ""), Buffer.from(presented.key), Buffer.from(presented.cert));
  const channelOptions = { "grpc.ssl_target_name_override": "localhost", "grpc.default_authority": "localhost" };
  const target = `unix://${handshake.address}`;
  const Provider = grpc.makeGenericClientConstructor(providerService, "Provider");
  const Controller = grpc.makeGenericClientConstructor(controllerService, "GRPCController");
  const Health = grpc.makeGenericClientConstructor(healthService, "Health");
  const provider = new Provider(target, credentials, channelOptions) as unknown as Record<string, Unary> & grpc.Client;
  const controller = new Controller(target, credentials, channelOptions) as unknown as Record<string, Unary> & grpc.Client;
  const health = new Health(target, credentials, channelOptions) as unknown as Record<string, Unary> & grpc.Client;
  const invoke = (client: Record<string, Unary>, method: string, request: object): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      const fn = client[method];
      if (!fn) return reject(new Error(`no method ${method}`));
      fn.call(client, request, (error, response) => (error ? reject(error) : resolve(response)));
    });
  return {
    process: started.process,
    handshake,
    stderr: started.stderr,
    exited: started.exited,
    call: (method, request = {}) => invoke(provider, method, request),
    health: () => invoke(health, "Check", { service: "plugin" }),
    shutdown: async () => {
      await invoke(controller, "Shutdown", {});
    },
    close: () => {
      provider.close();
      controller.close();
      health.close();
      if (started.process.exitCode === null) started.process.kill("SIGKILL");
    },
  };
}
