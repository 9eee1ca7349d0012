/** Facts several node kinds share: the APT repositories' path, the proxy certificate's read, what a reset cannot do. */
import type { CollectionRead, OutputSpec } from "../../spec";

/** What the node's system singletons say about their delete. */
export const KEEP = "Deleting the resource leaves the node's values as they are (PVE has no default to return to).";

/** The path of a node's APT repository configuration. */
export const REPOSITORIES = "/nodes/{node}/apt/repositories";

/** The node's API/GUI certificate (custom or ACME) as `certificates/info` reports it. */
export const PROXY_CERTIFICATE: CollectionRead = {
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
