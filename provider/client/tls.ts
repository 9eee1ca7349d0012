/**
 * The HTTPS agent: TLS verification (default, extra CA, fingerprint pinning, or off when asked)
 * and keep-alive that never reuses a socket PVE may already have closed (idle timeout 5 s).
 */
import https from "node:https";
import type { ClientRequestArgs } from "node:http";
import tls from "node:tls";
import type { Duplex } from "node:stream";

/** Error code of a fingerprint mismatch (classified as `unreachable`). */
export const FINGERPRINT_MISMATCH = "ERR_PVE_FINGERPRINT_MISMATCH";

/** TLS and keep-alive settings of one client. */
export interface AgentSettings {
  insecure: boolean;
  caCert?: string;
  /** Normalized `AA:BB:...` SHA-256 fingerprint to pin. */
  fingerprint?: string;
  keepAliveIdleMs: number;
}

const idleSince = new WeakMap<Duplex, number>();

type ConnectCallback = (err: Error | null, stream: Duplex) => void;

/**
 * An https.Agent with PVE-safe keep-alive and optional certificate pinning.
 *
 * Pinning: Node only calls `checkServerIdentity` after the chain verified, so a self-signed cert
 * would never reach it. Instead the socket is handed to the HTTP layer only after its handshake
 * and a fingerprint check: no request byte (and no credential) is written to an unpinned peer.
 */
export class PveAgent extends https.Agent {
  readonly #settings: AgentSettings;

  constructor(settings: AgentSettings) {
    super({
      keepAlive: true,
      // Free sockets time out (and are destroyed) after the idle limit.
      timeout: settings.keepAliveIdleMs,
      rejectUnauthorized: !settings.insecure && settings.fingerprint === undefined,
      ...(settings.caCert !== undefined ? { ca: [...tls.rootCertificates, settings.caCert] } : {}),
    });
    this.#settings = settings;
  }

  override createConnection(options: ClientRequestArgs, callback?: ConnectCallback): Duplex | null | undefined {
    const expected = this.#settings.fingerprint;
    if (expected === undefined || callback === undefined) {
      return super.createConnection(options, callback);
    }
    const done = callback as (err: Error | null, stream?: Duplex) => void;
    const socket = tls.connect({ ...(options as tls.ConnectionOptions), rejectUnauthorized: false });
    const onError = (err: Error): void => done(err);
    socket.once("error", onError);
    socket.once("secureConnect", () => {
      socket.off("error", onError);
      const actual = socket.getPeerCertificate().fingerprint256;
      if (actual !== expected) {
        socket.destroy();
        const err = Object.assign(new Error(`TLS certificate fingerprint mismatch: expected ${expected}, server presented ${actual || "no certificate"}`), {
          code: FINGERPRINT_MISMATCH,
        });
        done(err);
        return;
      }
      done(null, socket);
    });
    return undefined;
  }

  override keepSocketAlive(socket: Duplex): void {
    idleSince.set(socket, performance.now());
    return super.keepSocketAlive(socket);
  }

  /** Node's internal entry point for each request (not in the public typings). */
  addRequest(req: unknown, options: unknown): void {
    // A free socket whose idle timer has not fired yet (busy event loop) must still not be
    // reused once it is past the limit: PVE may close it while our request is on the wire.
    const now = performance.now();
    for (const list of Object.values(this.freeSockets)) {
      for (const socket of list ?? []) {
        const since = idleSince.get(socket);
        if (since !== undefined && now - since >= this.#settings.keepAliveIdleMs) socket.destroy();
      }
    }
    (https.Agent.prototype as unknown as { addRequest(r: unknown, o: unknown): void }).addRequest.call(this, req, options);
  }
}
