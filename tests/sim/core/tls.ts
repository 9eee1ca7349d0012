/** The simulator's self-signed TLS certificate, made fresh at every start. */
import { X509Certificate } from "node:crypto";
import { generate } from "selfsigned";

/** PEM key and certificate, and the certificate's SHA-256 fingerprint (`AA:BB:...`). */
export interface SimCertificate {
  readonly key: string;
  readonly cert: string;
  readonly fingerprint: string;
}

/** Generates a certificate for `host` (also valid for localhost and 127.0.0.1). */
export async function makeCertificate(host: string): Promise<SimCertificate> {
  const pems = await generate([{ name: "commonName", value: "pve1" }], {
    keySize: 2048,
    algorithm: "sha256",
    extensions: [
      // A CA flag lets clients pass this very certificate as their CA bundle.
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, keyCertSign: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 2, value: "localhost" },
          { type: 2, value: "pve1" },
          { type: 7, ip: "127.0.0.1" },
          ...(host !== "127.0.0.1" && host !== "localhost" ? [{ type: 7 as const, ip: host }] : []),
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert, fingerprint: new X509Certificate(pems.cert).fingerprint256 };
}
