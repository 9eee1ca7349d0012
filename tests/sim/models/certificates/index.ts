/**
 * `/nodes/{node}/certificates` as pve-manager serves it: `PVE/API2/Certificates.pm` (`index`,
 * `info`, `upload_custom_cert`, `remove_custom_cert`) over `PVE/CertHelpers.pm` (`set_cert_files`,
 * `cert_lock` on the node's `/var/lock/pve-certs.lock`) and pve-common `PVE/Certificate.pm`
 * (`get_certificate_info`, `strip_leading_text`). `info` lists PVE's root CA, the node's
 * `pve-ssl.pem` and the custom `pveproxy-ssl.pem` when one is set. The private key is stored but
 * never returned. The upload's errors pass through `die "$@\n"`: they end with an extra newline.
 * ACME is beside it (`./acme`, `./acme-certificates`); the node model (`../nodes`) installs both.
 */
import { X509Certificate, createHash, createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { SimContext, SimRequest } from "../../types";
import { SimError } from "../../types";
import { pveDie } from "../config-text";
import type { Register } from "../generic-store";
import { paramError } from "../param-error";
import { perNode } from "../per-node";

const FIXTURES = path.resolve(__dirname, "../../fixtures/certs");

/** A test certificate (or key) shipped with the simulator, e.g. `custom-a.pem`. */
export function certFixture(file: string): string {
  return readFileSync(path.join(FIXTURES, file), "utf8");
}

/** The certificate files of one node: the custom one is what the API writes. */
export interface NodeCerts {
  custom?: { chain: string; key: string };
  /** How often pveproxy was restarted (`restart: 1`). */
  restarts: number;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** PVE's `strip_leading_text`: anything before the first PEM block goes. */
function stripLeadingText(pem: string): string {
  const start = pem.indexOf("-----BEGIN");
  return start < 0 ? pem : pem.slice(start);
}

/** PVE's `X509_NAME_oneline` form: `/CN=x/O=y`. */
function oneline(name: string): string {
  return name
    .split("\n")
    .filter((part) => part !== "")
    .map((part) => `/${part}`)
    .join("");
}

/** One `pve-certificate-info` record for the leaf certificate of a PEM chain. */
export function certificateInfo(filename: string, chain: string): Record<string, unknown> {
  const leaf = chain.match(PEM_BLOCK)?.[0];
  if (!leaf) throw pveDie("unable to read certificate");
  const cert = new X509Certificate(leaf);
  const fingerprint = createHash("sha256").update(cert.raw).digest("hex").toUpperCase().match(/../g)?.join(":") ?? "";
  const keyDetails = cert.publicKey.asymmetricKeyDetails;
  return {
    filename,
    fingerprint,
    subject: oneline(cert.subject),
    issuer: oneline(cert.issuer),
    notbefore: Math.floor(Date.parse(cert.validFrom) / 1000),
    notafter: Math.floor(Date.parse(cert.validTo) / 1000),
    san: (cert.subjectAltName ?? "")
      .split(", ")
      .filter((s) => s !== "")
      .map((s) => s.replace(/^[A-Za-z ]+:/, "")),
    pem: `${leaf}\n`,
    "public-key-type": cert.publicKey.asymmetricKeyType === "ec" ? "id-ecPublicKey" : "rsaEncryption",
    "public-key-bits": keyDetails?.modulusLength ?? (keyDetails?.namedCurve === "prime256v1" ? 256 : 384),
  };
}

/** Registers `info` and `custom`; returns each node's certificate state (for the ACME model). */
export function installCertificates(register: Register, ctx: SimContext): (node: unknown) => NodeCerts {
  const certs = perNode((): NodeCerts => ({ restarts: 0 }));
  const certLock = (req: SimRequest): string => `${String(req.params.node)}:/var/lock/pve-certs.lock`;
  const rootCa = ctx.rootCa ?? certFixture("pve-root-ca.pem");
  const nodeCert = certFixture("pve-ssl.pem");

  const info = (node: unknown): Record<string, unknown>[] => {
    const custom = certs(node).custom;
    return [
      certificateInfo("pve-root-ca.pem", rootCa),
      certificateInfo("pve-ssl.pem", nodeCert),
      ...(custom ? [certificateInfo("pveproxy-ssl.pem", custom.chain)] : []),
    ];
  };
  register("GET", "/nodes/{node}/certificates", () => [{ name: "acme" }, { name: "custom" }, { name: "info" }]);
  register("GET", "/nodes/{node}/certificates/info", (req) => info(req.params.node));

  register("POST", "/nodes/{node}/certificates/custom", (req: SimRequest) => {
    const state = certs(req.params.node);
    const chain = stripLeadingText(String(req.params.certificates));
    const key = req.params.key === undefined ? state.custom?.key : stripLeadingText(String(req.params.key));
    // Checked before the lock, as a parameter error.
    if (key === undefined) throw paramError({ key: "Attempted to upload custom certificate without (existing) key." });
    return ctx.withLock(certLock(req), () => {
      try {
        if (state.custom && !req.params.force) throw new Error("Custom certificate file exists but force flag is not set.\n");
        const leaf = chain.match(PEM_BLOCK)?.[0];
        let matches = false;
        try {
          matches = leaf !== undefined && new X509Certificate(leaf).checkPrivateKey(createPrivateKey(key));
        } catch {
          matches = false;
        }
        // Net::SSLeay::die_now prefixes the daemon's pid; OpenSSL leaves $! empty here.
        if (!matches) throw new Error(`Setting certificate files failed - ${process.pid}: key does not match the certificate (chain) ()\n\n`);
        state.custom = { chain, key };
        if (req.params.restart) state.restarts += 1;
        return certificateInfo("pveproxy-ssl.pem", chain);
      } catch (err) {
        // cert_lock(...); die "$@\n" if $@;
        throw new SimError(500, `${err instanceof Error ? err.message : String(err)}\n`);
      }
    });
  });
  register("DELETE", "/nodes/{node}/certificates/custom", (req: SimRequest) =>
    ctx.withLock(certLock(req), () => {
      const state = certs(req.params.node);
      delete state.custom;
      if (req.params.restart) state.restarts += 1;
      return null;
    }),
  );
  return certs;
}
