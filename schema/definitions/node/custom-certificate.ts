/** `node.CustomCertificate`: the custom certificate of a node's API/GUI proxy (pveproxy). */
import { defineKind } from "../../define";
import type { KindHooks } from "../../hooks";
import { CERTIFICATE_OUTPUTS, PROXY_CERTIFICATE } from "./common";

/** `certificates/info` reports the uploaded chain's leaf as `pem`. */
const customCertificateHooks: KindHooks = {
  decodeRead: (raw) => ({ ...raw, certificates: raw["pem"] }),
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
  // With `force` the upload overwrites a certificate that is there; without it PVE refuses ("Custom certificate exists").
  createTakesExisting: (inputs) => inputs["force"] === true,
  hooks: customCertificateHooks,
  fields: {
    node: { doc: "The node." },
    certificates: { doc: "The PEM certificate chain, leaf first." },
    key: { doc: "The PEM private key of the leaf certificate.", secret: true, writeOnly: true, required: true },
    force: { doc: "Overwrite a custom or ACME certificate that exists already (adopting one set by hand).", writeOnly: true },
    restart: { doc: "Reload pveproxy after writing or removing the files, so that it serves the change.", writeOnly: true },
  },
  outputs: CERTIFICATE_OUTPUTS,
});
