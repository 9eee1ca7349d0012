/** `node.CustomCertificate`: `certificates/info` reports the uploaded chain's leaf as `pem`. */
import type { KindHooks } from "./index";

export const customCertificateHooks: KindHooks = {
  decodeRead: (raw) => ({ ...raw, certificates: raw["pem"] }),
};
