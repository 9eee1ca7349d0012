/** A node's TLS certificates: the custom certificate of its API/GUI proxy (pveproxy). */
import { type OutputSpec, type ReadCall, defineKind } from "../../define";

/** The node's API/GUI certificate (custom or ACME) as `certificates/info` reports it. */
export const PROXY_CERTIFICATE: ReadCall = {
  path: "/nodes/{node}/certificates/info",
  select: (item) => item["filename"] === "pveproxy-ssl.pem",
};

/** What `certificates/info` says about a certificate (the leaf of its chain). */
export const CERTIFICATE_OUTPUTS: Readonly<Record<string, OutputSpec>> = {
  fingerprint: { pveName: "fingerprint", type: "string", doc: "SHA-256 fingerprint of the leaf certificate." },
  subject: { pveName: "subject", type: "string", doc: "The leaf certificate's subject (`/CN=.../O=...`)." },
  issuer: { pveName: "issuer", type: "string", doc: "The leaf certificate's issuer." },
  notBefore: { pveName: "notbefore", type: "number", doc: "Start of validity (Unix time)." },
  notAfter: { pveName: "notafter", type: "number", doc: "End of validity (Unix time)." },
  san: { pveName: "san", type: "list", doc: "The subject alternative names." },
};

/** `node.CustomCertificate`. */
export const customCertificate = defineKind({
  namespace: "node",
  name: "CustomCertificate",
  description:
    "The custom TLS certificate of a node's API and GUI (`/nodes/{node}/certificates/custom`, stored as " +
    "pveproxy-ssl.pem/.key). The private key is a secret PVE never returns: it is sent on every upload and kept " +
    "encrypted in the state. PVE reports only the leaf of the chain, so a change of intermediates alone is not " +
    "seen as drift. Set `restart` to have PVE reload pveproxy (the new certificate is served afterwards; the " +
    "client retries its reads while pveproxy comes back). Deleting removes the custom certificate: the node " +
    "serves its self-signed pve-ssl.pem again.",
  lifecycle: "collection",
  identity: ["node"],
  create: { method: "POST", path: "/nodes/{node}/certificates/custom" },
  read: PROXY_CERTIFICATE,
  // A replacement upload overwrites the files the create wrote, and carries the key with the chain
  // (PVE would pair a new chain with the key on disk, which may be the one of a certificate set by hand).
  update: { method: "POST", path: "/nodes/{node}/certificates/custom", extra: { force: 1 }, whole: true },
  remove: { method: "DELETE", path: "/nodes/{node}/certificates/custom" },
  hooks: "custom-certificate",
  fields: {
    node: { doc: "The node." },
    certificates: { doc: "The PEM certificate chain, leaf first." },
    key: { doc: "The PEM private key of the leaf certificate.", secret: true, writeOnly: true, required: true },
    force: { doc: "Overwrite a custom or ACME certificate that exists already (adopting one set by hand).", writeOnly: true },
    restart: { doc: "Reload pveproxy after writing or removing the files, so that it serves the change.", writeOnly: true },
  },
  outputs: CERTIFICATE_OUTPUTS,
});
