/** The read function of `/nodes/{node}/certificates/info`. */
import { defineRead } from "../define";

/** `node.getCertificates`: a node's certificates, never their private keys. */
export const getCertificates = defineRead({
  namespace: "node",
  name: "getCertificates",
  description:
    "Reads a node's certificates (`GET /nodes/{node}/certificates/info`): PVE's root CA, the node's own " +
    "certificate and the custom or ACME one (`pveproxy-ssl.pem`) when set, with fingerprint, subject, " +
    "issuer, validity and SANs. Private keys are never returned.",
  path: "/nodes/{node}/certificates/info",
  args: [{ pveName: "node", sdkName: "node", doc: "The node." }],
});
