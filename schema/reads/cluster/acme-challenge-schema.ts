/** The read function of `/cluster/acme/challenge-schema` (what `cluster.AcmePlugin` takes). */
import { defineRead } from "../define";

/** `cluster.getAcmeChallengeSchema`: the DNS challenge plugin APIs with the fields of their `data`. */
export const getAcmeChallengeSchema = defineRead({
  namespace: "cluster",
  name: "getAcmeChallengeSchema",
  description: "The DNS challenge plugin APIs PVE supports, with the fields each one's `data` takes (`GET /cluster/acme/challenge-schema`).",
  path: "/cluster/acme/challenge-schema",
  args: [],
});
