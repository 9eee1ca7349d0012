/** The read function of `/cluster/acme/meta`. */
import { defineRead } from "../define";

/** `cluster.getAcmeMeta`: one ACME directory's metadata (its Terms of Service URL first of all). */
export const getAcmeMeta = defineRead({
  namespace: "cluster",
  name: "getAcmeMeta",
  description:
    "An ACME directory's metadata (`GET /cluster/acme/meta`): its Terms of Service URL (the value " +
    "`cluster.AcmeAccount`'s `tosUrl` accepts), website, CAA identities and whether it requires External Account Binding.",
  path: "/cluster/acme/meta",
  args: [{ pveName: "directory", sdkName: "directory", doc: "The directory URL (PVE's default: Let's Encrypt V2).", optional: true }],
});
