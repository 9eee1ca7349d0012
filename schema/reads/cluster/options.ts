/** The read function of `/cluster/options` (the family of `cluster.Options`). */
import { defineRead } from "../define";

/** `cluster.getOptions`: the datacenter options, `httpProxy` as a secret output. */
export const getOptions = defineRead({
  namespace: "cluster",
  name: "getOptions",
  description: "Reads the datacenter options (`GET /cluster/options`); `httpProxy` (its userinfo may hold a password) is a secret output.",
  path: "/cluster/options",
  args: [],
  objectOf: "cluster:Options",
});
