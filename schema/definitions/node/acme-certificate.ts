/** A node's ACME certificate (`/nodes/{node}/certificates/acme/certificate`). */
import { defineKind } from "../../define";
import { CERTIFICATE_OUTPUTS, PROXY_CERTIFICATE } from "./common";

const CERTIFICATE = "/nodes/{node}/certificates/acme/certificate";

/** `node.AcmeCertificate`. */
export const acmeCertificate = defineKind({
  namespace: "node",
  name: "AcmeCertificate",
  description:
    "The certificate a node orders from its ACME account for the domains of its node config (`acme` " +
    "`domains=...;account=...` and `acmedomainN` with their plugins; see `node.Options`). Creating it orders the " +
    "certificate in an `acmenewcert` task and installs it as pveproxy-ssl.pem; a change of `triggers` (or of " +
    "`force`) renews it in an `acmerenew` task; deleting it revokes it (`acmerevoke`) and the node serves its " +
    "self-signed certificate again. PVE renews only within 30 days of expiry unless `force` is set, so set it " +
    "when `triggers` should renew at once. The outputs come from `certificates/info`. PVE's daily `pveupdate` " +
    "job renews ACME certificates near expiry by itself: a refresh adopts such a renewal (same names, new " +
    "fingerprint and dates). A refresh that finds no certificate, or one for other names (a custom certificate " +
    "uploaded by hand), reports this one gone, and the next update orders again (set `force` to overwrite the " +
    "other certificate).",
  lifecycle: "collection",
  identity: ["node"],
  create: { method: "POST", path: CERTIFICATE },
  // The names tell the certificate this resource ordered (or PVE renewed) from one set by hand.
  read: { ...PROXY_CERTIFICATE, pin: "san" },
  // Renewal carries `force` whenever it is set: a renewal asked for by `triggers` must not be refused as not due.
  update: { method: "PUT", path: CERTIFICATE, whole: true },
  remove: { method: "DELETE", path: CERTIFICATE },
  updateOnTriggers: true,
  // `force` orders over a certificate that is there; without it PVE refuses ("Custom certificate exists").
  createTakesExisting: (inputs) => inputs["force"] === true,
  fields: {
    node: { doc: "The node." },
    force: {
      writeOnly: true,
      doc: "Order over an existing custom certificate, and renew even when expiry is more than 30 days away.",
    },
  },
  outputs: CERTIFICATE_OUTPUTS,
});
