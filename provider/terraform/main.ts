/**
 * The plugin process: `terraform-provider-proxmox` (a launcher that execs node on this file).
 * It checks the handshake, listens on a unix socket with mutual TLS, prints the handshake line,
 * and serves until the client shuts it down, kills it, or goes away.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { handshakeLine, handshakeRequest, refusal, serverIdentity } from "./handshake";
import { providerServer } from "./server";

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Starts the plugin; resolves once it is serving (the handshake line is printed). */
export async function serve(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const refused = refusal(env);
  if (refused) {
    log(refused);
    process.exit(1);
  }
  const request = handshakeRequest(env);
  const socketPath = join(request.socketDir, "provider.sock");
  const identity = request.clientCert ? await serverIdentity() : undefined;
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.tryShutdown(() => {
      rmSync(request.socketDir, { recursive: true, force: true });
      process.exit(0);
    });
    // Calls in flight get a moment; then the process goes (go-plugin kills it soon after anyway).
    setTimeout(() => process.exit(0), 2_000).unref();
  };
  const { server } = providerServer({ log, onShutdown: stop });
  const credentials = identity
    ? grpc.ServerCredentials.createSsl(
        Buffer.from(request.clientCert ?? ""),
        [{ private_key: Buffer.from(identity.key), cert_chain: Buffer.from(identity.cert) }],
        true,
      )
    : grpc.ServerCredentials.createInsecure();
  await new Promise<void>((resolve, reject) => server.bindAsync(`unix://${socketPath}`, credentials, (error) => (error ? reject(error) : resolve())));
  process.stdout.write(`${handshakeLine(socketPath, identity?.der)}\n`);
  process.on("SIGTERM", stop);
  // Ctrl-C reaches the whole process group: the CLI decides (StopProvider, then Shutdown), as with Go plugins.
  process.on("SIGINT", () => log("interrupt received; the client decides when to stop"));
  // The client went away without a shutdown (killed): a plugin must not outlive it.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop();
  }, 2_000).unref();
  // Keep the process alive while serving.
  setInterval(() => undefined, 1 << 30);
}

if (require.main === module) {
  serve().catch((error: unknown) => {
    log(`terraform-provider-proxmox: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  });
}
