/** The read function of `/cluster/acme/account` (the family of `cluster.AcmeAccount`). */
import { defineRead } from "../define";

/** `cluster.getAcmeAccounts`: the cluster's ACME account names. */
export const getAcmeAccounts = defineRead({
  namespace: "cluster",
  name: "getAcmeAccounts",
  description: "Lists the cluster's ACME accounts by name (`GET /cluster/acme/account`).",
  path: "/cluster/acme/account",
  args: [],
});
