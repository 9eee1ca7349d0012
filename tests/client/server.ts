// A real local HTTPS server with a throwaway certificate: for what nock cannot show (TLS,
// sockets, reason phrases, raw request bodies).
import { X509Certificate } from "node:crypto";
import https from "node:https";
import type { IncomingHttpHeaders, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { generate } from "selfsigned";
import { ProxmoxClient, type ProxmoxClientOptions } from "../../index";
import { API_TOKEN } from "./helpers";

/** One request as the server saw it. */
export interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Handler = (req: Seen, res: ServerResponse) => void | Promise<void>;

export interface TestServer {
  origin: string;
  certPem: string;
  fingerprint: string;
  requests: Seen[];
  connections(): number;
  close(): Promise<void>;
}

let pems: Promise<{ cert: string; private: string }> | undefined;

function certificate(): Promise<{ cert: string; private: string }> {
  pems ??= generate([{ name: "commonName", value: "pve-test" }], {
    keyType: "ec",
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "keyUsage", digitalSignature: true, keyCertSign: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 7, ip: "127.0.0.1" },
          { type: 2, value: "localhost" },
        ],
      },
    ],
  });
  return pems;
}

/** Starts a server on 127.0.0.1 that records requests and lets `handler` answer. */
export async function startServer(handler: Handler): Promise<TestServer> {
  const { cert, private: key } = await certificate();
  const requests: Seen[] = [];
  let connections = 0;
  const server = https.createServer({ cert, key, keepAliveTimeout: 60_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const seen: Seen = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString() };
      requests.push(seen);
      void Promise.resolve(handler(seen, res)).catch(() => res.destroy());
    });
  });
  server.on("secureConnection", () => connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `https://127.0.0.1:${port}`,
    certPem: cert,
    fingerprint: new X509Certificate(cert).fingerprint256,
    requests,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers with PVE's JSON envelope; `reason` becomes the HTTP reason phrase. */
export function reply(res: ServerResponse, status: number, body: unknown, reason?: string): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, reason ?? "OK", { "content-type": "application/json;charset=UTF-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/** A client for `server` that pins its certificate, with tiny retry and poll intervals. */
export function clientFor(server: TestServer, overrides: Partial<ProxmoxClientOptions> = {}): ProxmoxClient {
  return new ProxmoxClient({
    endpoint: server.origin,
    apiToken: API_TOKEN,
    fingerprint: server.fingerprint,
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 2,
    taskPollIntervalMs: 1,
    taskPollMaxIntervalMs: 2,
    ...overrides,
  });
}
